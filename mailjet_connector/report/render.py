"""The report's HTML document: inline CSS, one section per figure, a data table behind every chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mailjet_connector.report.charts import escape

if TYPE_CHECKING:
    from mailjet_connector.report.build import Figure
    from mailjet_connector.report.queries import ReportParams
    from mailjet_connector.report.sections import Section

__all__ = ["chart_block", "data_table", "empty", "number", "percent", "render_report", "section"]

CSS = """
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --line: #d0d0d0; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       background: #fff; }
main { max-width: 1000px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.6em; margin: 0.4em 0 0.2em; }
h2 { font-size: 1.25em; margin: 0 0 0.5em; border-bottom: 2px solid var(--ink); padding-bottom: 0.2em; }
h3 { font-size: 1.05em; margin: 1em 0 0.4em; }
section { margin: 28px 0; }
p.meta, p.source, p.note { color: var(--muted); margin: 0.3em 0; font-size: 0.92em; }
p.empty { font-style: italic; color: var(--muted); }
nav ul { padding-left: 1.2em; columns: 2; }
figure { margin: 0.5em 0 1em; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg.chart { width: 100%; height: auto; max-width: 640px; display: block; }
td svg.chart { width: 100px; display: inline-block; vertical-align: middle; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
details { margin: 4px 0 12px; }
summary { cursor: pointer; color: var(--accent); }
code { font-size: 0.9em; }
@media (max-width: 600px) {
  body { font-size: 14px; }
  main { padding: 10px; }
  nav ul { columns: 1; }
  th, td { padding: 3px 5px; }
  /* Below this width scaled-down SVG text gets too small to read: keep charts legible and let them scroll. */
  figure svg.chart { min-width: 520px; }
}
@media print { details { display: block; } summary { display: none; } }
"""


def number(value: Any) -> str:
    """An integer with thousands separators, a float with one decimal, "" for NULL."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def percent(value: float | None) -> str:
    """A ratio as a percentage with one decimal ("" for NULL)."""
    return "" if value is None else f"{100 * float(value):.1f}%"


def _cell(value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return f"<td>{escape('' if value is None else str(value))}</td>"
    if isinstance(value, int | float) or type(value).__name__ == "Decimal":
        return f'<td class="num">{number(value)}</td>'
    if isinstance(value, datetime):
        return f"<td>{value.strftime('%Y-%m-%d %H:%M')}</td>"
    return f"<td>{escape(str(value))}</td>"


def data_table(
    caption: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, raw: Sequence[int] = ()
) -> str:
    """An accessible HTML table (caption, scoped headers), scrollable on narrow screens.

    Args:
        caption: what the table holds.
        columns: header labels.
        rows: cell values; numbers are right-aligned and formatted.
        raw: indexes of columns whose values are ready-made HTML (sparklines, bars).

    Returns:
        The table wrapped in a scrolling `<div>`.
    """
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{v}</td>" if i in raw else _cell(v) for i, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    return (
        f'<div class="scroll"><table><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def chart_block(caption: str, svg: str, table: str, *, open_table: bool = False) -> str:
    """A chart with its data table right behind it (in a disclosure, so screen readers and printers get both)."""
    state = " open" if open_table else ""
    return (
        f'<figure class="chart-block"><figcaption>{escape(caption)}</figcaption><div class="scroll">{svg}</div>'
        f"<details{state}><summary>Data table: {escape(caption)}</summary>{table}</details></figure>"
    )


def empty(what: str) -> str:
    return f'<p class="empty">No {escape(what)} in the dataset for this selection.</p>'


def section(ident: str, title: str, body: str, figures: Sequence[Figure] = ()) -> str:
    """One report section; names the queries that fed it (their SQL is in docs/report.md)."""
    names = [f"<code>{f.query.name}</code>" for f in figures if f.query is not None]
    source = f'<p class="source">Computed by {", ".join(names)} (SQL in docs/report.md).</p>' if names else ""
    return (
        f'<section id="{ident}" aria-labelledby="{ident}-h"><h2 id="{ident}-h">{escape(title)}</h2>'
        f"{source}{body}</section>"
    )


def render_report(
    figures: Mapping[str, Figure], params: ReportParams, sections: Sequence[Section], *, generated: datetime
) -> str:
    """The whole HTML document.

    Args:
        figures: the data of every figure (`build.collect`).
        params: the period and filters, shown in the header.
        sections: the report's sections, in order (`sections.SECTIONS`, which builds on this module).
        generated: when the report was made (shown, UTC).

    Returns:
        A complete, self-contained HTML document (no script, no external resource).
    """
    body = "".join(
        section(s.ident, s.title, s.build(figures, params), [figures[n] for n in s.figures]) for s in sections
    )
    nav = "".join(f'<li><a href="#{s.ident}">{escape(s.title)}</a></li>' for s in sections)
    prev_from, prev_to = params.previous
    scope = []
    if params.campaigns:
        scope.append("campaigns " + ", ".join(map(str, params.campaigns)))
    if params.lists:
        scope.append("lists " + ", ".join(map(str, params.lists)))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mailjet report {params.date_from} to {params.date_to}</title>
<style>{CSS}</style></head>
<body><main>
<header><h1>Mailjet report</h1>
<p class="meta">Period {params.date_from} to {params.date_to} (UTC days), compared with {prev_from} to {prev_to}.
Scope: {escape("; ".join(scope) or "whole account")}. Generated {generated.strftime("%Y-%m-%d %H:%M UTC")}
by mailjet-connector from the synced dataset.</p></header>
<nav aria-label="Sections"><ul>{nav}</ul></nav>
{body}
</main></body></html>
"""
