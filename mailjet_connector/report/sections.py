"""The report's sections: each turns its figures' rows into charts and the tables behind them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from mailjet_connector.report.charts import bar_chart, line_chart, sparkline
from mailjet_connector.report.render import chart_block, data_table, empty, number, percent

if TYPE_CHECKING:
    from mailjet_connector.report.build import Figure
    from mailjet_connector.report.queries import ReportParams

__all__ = ["OVERVIEW_METRICS", "SECTIONS", "Section"]

Figures = Mapping[str, "Figure"]

# Overview metric -> (label, the column its rate divides by, or None for no rate).
OVERVIEW_METRICS: dict[str, tuple[str, str | None]] = {
    "processed": ("Processed", None),
    "delivered": ("Delivered", "processed"),
    "opened": ("Opened", "delivered"),
    "clicked": ("Clicked", "delivered"),
    "hard_bounced": ("Hard bounced", "processed"),
    "soft_bounced": ("Soft bounced", "processed"),
    "blocked": ("Blocked", "processed"),
    "spam": ("Marked as spam", "delivered"),
    "unsubscribed": ("Unsubscribed", "delivered"),
}
MAX_LIST_CHARTS = 6
CAMPAIGN_COLUMNS = {
    "ID": "id",
    "Subject": "subject",
    "Sent at": "sent_at",
    "Processed": "processed",
    "Delivered": "delivered",
    "Opened": "opened",
    "Clicked": "clicked",
    "Bounced": "bounced",
}


def _ratio(numerator: Any, denominator: Any) -> float | None:
    return float(numerator or 0) / float(denominator) if denominator else None


def _change(current: Any, previous: Any) -> str:
    # Words and arrows, not colour, carry the direction.
    if not previous:
        return "new" if current else "no change"
    delta = (float(current or 0) - float(previous)) / float(previous)
    if abs(delta) < 0.0005:
        return "no change"
    return f"{'▲ up' if delta > 0 else '▼ down'} {abs(100 * delta):.1f}%"


def overview(figures: Figures, params: ReportParams) -> str:
    by_period = {r["period"]: r for r in figures["overview"].records}
    current, previous = by_period.get("current", {}), by_period.get("previous", {})
    if not current and not previous:
        return empty("messages")
    rows = []
    for key, (label, base) in OVERVIEW_METRICS.items():
        cur, prev = current.get(key) or 0, previous.get(key) or 0
        rate = percent(_ratio(cur, current.get(base))) if base else ""
        prev_rate = percent(_ratio(prev, previous.get(base))) if base else ""
        rows.append(
            (
                label,
                f'<span data-metric="{key}">{number(cur)}</span>',
                rate,
                number(prev),
                prev_rate,
                _change(cur, prev),
            )
        )
    table = data_table(
        f"Counters {params.date_from} to {params.date_to} and the previous period",
        ["Metric", "This period", "Rate", "Previous period", "Previous rate", "Change"],
        rows,
        raw=(1,),
    )
    labels = [label for label, _ in OVERVIEW_METRICS.values()]
    chart = bar_chart(
        "chart-overview",
        "Message counters this period",
        labels,
        [current.get(k) or 0 for k in OVERVIEW_METRICS],
    )
    note = (
        '<p class="note">Rates: delivered over processed; opens, clicks, spam and unsubscriptions over '
        "delivered; bounces and blocks over processed.</p>"
    )
    return chart_block("Message counters this period", chart, table, open_table=True) + note


def _days(params: ReportParams, seen: Iterable[date]) -> list[date]:
    """Every day of the period that lies between the first and the last day with data (no empty decades)."""
    seen = sorted(seen)
    if not seen:
        return []
    first, last = max(params.date_from, seen[0]), min(params.date_to, seen[-1])
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def daily(figures: Figures, params: ReportParams) -> str:
    records = {r["day"]: r for r in figures["daily"].records}
    if not records:
        return empty("daily activity")
    days = _days(params, records)
    kinds = ("sends", "opens", "clicks", "bounces")
    series = {k.capitalize(): [float(records.get(d, {}).get(k) or 0) for d in days] for k in kinds}
    chart = line_chart(
        "chart-daily", "Sends, opens, clicks and bounces per day", [d.strftime("%m-%d") for d in days], series
    )
    rows = [(d.isoformat(), *(records.get(d, {}).get(k) or 0 for k in kinds)) for d in days]
    table = data_table("Per day", ["Day", "Sends", "Opens", "Clicks", "Bounces"], rows)
    return chart_block("Sends, opens, clicks and bounces per day", chart, table)


def campaigns(figures: Figures, params: ReportParams) -> str:
    records = figures["campaigns"].records
    if not records:
        return empty("campaigns sent")
    per_day: dict[int, dict[date, float]] = defaultdict(dict)
    for r in figures["campaign_daily"].records:
        per_day[r["campaign_id"]][r["day"]] = float(r["sends"] or 0)
    metric = params.sort
    rows = []
    for r in records:
        days = sorted(per_day.get(r["id"], {}).items())
        spark = sparkline(f"spark-c{r['id']}", f"Sends per day of campaign {r['id']}", [v for _, v in days])
        cells = [r[key] for key in CAMPAIGN_COLUMNS.values()]
        rows.append((*cells, percent(r["open_rate"]), percent(r["click_rate"]), spark))
    columns = [*CAMPAIGN_COLUMNS, "Open rate", "Click rate", "Sends per day"]
    caption = f"Campaigns sent in the period, by {metric.replace('_', ' ')} (highest first)"
    return data_table(caption, columns, rows, raw=(len(columns) - 1,))


def _bars(
    ident: str,
    caption: str,
    records: list[dict[str, Any]],
    label: Callable[[dict[str, Any]], str],
    value: str,
    columns: dict[str, str],
    label_width: int = 220,
) -> str:
    """A bar chart of `records` (one bar each, in order) and the table of `columns` (header -> key) behind it."""
    chart = bar_chart(
        ident, caption, [label(r) for r in records], [r[value] or 0 for r in records], label_width=label_width
    )
    table = data_table(caption, list(columns), [tuple(r[k] for k in columns.values()) for r in records])
    return chart_block(caption, chart, table)


def bounces(figures: Figures, params: ReportParams) -> str:
    reasons, domains = figures["bounce_reasons"].records, figures["bounce_domains"].records
    out = []
    if reasons:
        columns = {"Kind": "kind", "Related to": "related_to", "Reason": "reason", "Events": "events"}
        label = lambda r: f"{r['kind']}: {r['reason']}"  # noqa: E731
        out.append(
            _bars("chart-bounce-reasons", "By reason (messagestate)", reasons, label, "events", columns)
        )
    if domains:
        columns = {"Domain": "domain", "Bounced": "bounced", "Blocked": "blocked", "Events": "events"}
        label = lambda r: r["domain"]  # noqa: E731
        out.append(_bars("chart-bounce-domains", "By recipient domain", domains, label, "events", columns))
    return "".join(out) or empty("bounces or blocks")


def lists(figures: Figures, params: ReportParams) -> str:
    records = figures["list_growth"].records
    if not records:
        return empty("subscriptions or unsubscriptions")
    per_list: dict[tuple[int, str], dict[date, dict[str, Any]]] = defaultdict(dict)
    for r in records:
        per_list[(r["list_id"], r["list_name"])][r["day"]] = r
    ranked = sorted(
        per_list.items(), key=lambda kv: -sum(x["subscribed"] + x["unsubscribed"] for x in kv[1].values())
    )
    days = _days(params, (r["day"] for r in records))
    out = []
    for (list_id, name), moves in ranked[:MAX_LIST_CHARTS]:
        series = {
            k.capitalize(): [float(moves.get(d, {}).get(k) or 0) for d in days]
            for k in ("subscribed", "unsubscribed")
        }
        chart = line_chart(
            f"chart-list-{list_id}",
            f"List {name}: subscriptions and unsubscriptions per day",
            [d.strftime("%m-%d") for d in days],
            series,
        )
        rows = [(d.isoformat(), moves[d]["subscribed"], moves[d]["unsubscribed"]) for d in sorted(moves)]
        out.append(
            chart_block(
                f"List {name} (ID {list_id})",
                chart,
                data_table(f"List {name} per day", ["Day", "Subscribed", "Unsubscribed"], rows),
            )
        )
    totals = [
        (lid, name, sum(x["subscribed"] for x in m.values()), sum(x["unsubscribed"] for x in m.values()))
        for (lid, name), m in ranked
    ]
    summary = data_table(
        "Every list in the period",
        ["List ID", "Name", "Subscribed", "Unsubscribed", "Net"],
        [(*t, t[2] - t[3]) for t in totals],
    )
    more = (
        f'<p class="note">Charts for the {MAX_LIST_CHARTS} most active lists; the table has all of them.</p>'
        if len(ranked) > MAX_LIST_CHARTS
        else ""
    )
    return summary + more + "".join(out)


def engagement(figures: Figures, params: ReportParams) -> str:
    links, devices, countries = (figures[n].records for n in ("top_links", "devices", "countries"))
    out = []
    if links:
        columns = {"URL": "url", "Clicks": "clicks", "Messages": "messages"}
        caption = "Top clicked links (period)"
        out.append(_bars("chart-links", caption, links, lambda r: r["url"], "clicks", columns, 300))
    if devices:
        columns = {
            "Platform": "platform",
            "User agent": "user_agent",
            "Events": "events",
            "Distinct": "distinct_events",
        }
        label = lambda r: f"{r['platform']}: {r['user_agent']}"  # noqa: E731
        caption = "Opens and clicks per device and user agent (all time)"
        out.append(_bars("chart-devices", caption, devices, label, "events", columns, 300))
    if countries:
        columns = {"Country": "country", "Opened": "opened", "Clicked": "clicked"}
        caption = "Opens per country (all time)"
        out.append(
            _bars("chart-countries", caption, countries, lambda r: r["country"], "opened", columns, 120)
        )
    return "".join(out) or empty("clicks, devices or countries")


@dataclass(frozen=True)
class Section:
    """One report section: its anchor, heading, the figures it shows and the function that renders them."""

    ident: str
    title: str
    figures: tuple[str, ...]
    build: Callable[[Figures, ReportParams], str]


SECTIONS: tuple[Section, ...] = (
    Section("overview", "Account overview", ("overview",), overview),
    Section("daily", "Daily activity", ("daily",), daily),
    Section("campaigns", "Campaigns", ("campaigns", "campaign_daily"), campaigns),
    Section("bounces", "Bounces and blocks", ("bounce_reasons", "bounce_domains"), bounces),
    Section("lists", "List growth", ("list_growth",), lists),
    Section("engagement", "Links, devices and countries", ("top_links", "devices", "countries"), engagement),
)
