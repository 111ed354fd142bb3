"""Build the report: pick each figure's query (statcounters or events), run it on the dataset, write the HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from mailjet_connector.query import DEFAULT_DATASET, QueryResult, run_query
from mailjet_connector.report.queries import QUERIES, Query, ReportParams, render_sql
from mailjet_connector.report.render import render_report
from mailjet_connector.report.sections import SECTIONS

__all__ = ["DEFAULT_DAYS", "Figure", "ReportSummary", "build_report", "collect", "dataset_tables"]

DEFAULT_DAYS = 30
# Figure -> queries to try in order; the first whose tables exist and that returns rows is shown.
FIGURES: dict[str, tuple[str, ...]] = {
    "overview": ("overview", "overview_events"),
    "daily": ("daily", "daily_events"),
    "campaigns": ("campaigns",),
    "campaign_daily": ("campaign_daily",),
    "bounce_reasons": ("bounce_reasons",),
    "bounce_domains": ("bounce_domains",),
    "list_growth": ("list_growth",),
    "top_links": ("top_links",),
    "devices": ("devices",),
    "countries": ("countries",),
}


@dataclass(frozen=True)
class Figure:
    """One figure's data: the query that produced it (None when no table had data) and its result."""

    query: Query | None
    result: QueryResult

    @property
    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.result.columns, row, strict=True)) for row in self.result.rows]


@dataclass
class ReportSummary:
    """What `build_report` wrote: the file, the period, each figure's source query and the period totals."""

    output: Path
    params: ReportParams
    sources: dict[str, str | None] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    bytes: int = 0


def build_report(
    dataset_url: str | None = None,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    campaigns: tuple[int, ...] = (),
    lists: tuple[int, ...] = (),
    output: str | Path = "report.html",
    dataset: str = DEFAULT_DATASET,
    sort: str = "processed",
) -> ReportSummary:
    """Write a self-contained HTML report (inline CSS and SVG, no script, no network) of the synced dataset.

    Args:
        dataset_url: a DuckDB file (default `./mailjet.duckdb`) or a `postgresql://` URL.
        date_from / date_to: the period, inclusive UTC days; default the last 30 days up to the newest message.
        campaigns: only these campaign IDs (overview from their statcounters); empty = the whole account.
        lists: only these contacts lists (overview from their statcounters unless campaigns are given).
        output: the HTML file to write.
        dataset: the schema the sync wrote to.
        sort: the per-campaign table's order, one of `queries.SORT_METRICS`.

    Returns:
        A summary: file, period, which query fed each figure, and the overview's totals for the period.

    Raises:
        QueryError: the dataset is missing or unreadable.
        ValueError: a bad sort metric or a period that ends before it starts.
    """
    tables = dataset_tables(dataset_url, dataset)
    params = _params(dataset_url, dataset, tables, date_from, date_to, campaigns, lists, sort)
    figures = collect(dataset_url, dataset, params, tables)
    html = render_report(figures, params, SECTIONS, generated=datetime.now(UTC))
    path = Path(output)
    path.write_text(html, encoding="utf-8")
    current = next((r for r in figures["overview"].records if r["period"] == "current"), {})
    return ReportSummary(
        output=path,
        params=params,
        sources={name: fig.query.name if fig.query else None for name, fig in figures.items()},
        totals={k: int(v or 0) for k, v in current.items() if k != "period"},
        bytes=len(html.encode()),
    )


def collect(
    dataset_url: str | None, dataset: str, params: ReportParams, tables: set[str]
) -> dict[str, Figure]:
    """Run every figure's queries on the dataset, falling back from statcounters to events where needed.

    Returns:
        Figure name -> its data (an empty result with `query=None` when no source table had rows).
    """
    figures: dict[str, Figure] = {}
    for name, candidates in FIGURES.items():
        figures[name] = Figure(None, QueryResult([], []))
        for candidate in candidates:
            query = QUERIES[candidate]
            if not set(query.tables) <= tables:
                continue
            result = run_query(render_sql(query, params), dataset_url, dataset)
            figures[name] = Figure(query, result)
            if result.rows:
                break
    return figures


def dataset_tables(dataset_url: str | None, dataset: str) -> set[str]:
    """The tables the sync created in the dataset (a resource that never had a row has none)."""
    # information_schema is the portable way (DuckDB and PostgreSQL) to see which tables the sync created.
    sql = f"select table_name from information_schema.tables where table_schema = '{dataset}'"
    return {row[0] for row in run_query(sql, dataset_url, dataset).rows}


def _params(
    dataset_url: str | None,
    dataset: str,
    tables: set[str],
    date_from: date | None,
    date_to: date | None,
    campaigns: tuple[int, ...],
    lists: tuple[int, ...],
    sort: str,
) -> ReportParams:
    if date_to is None:
        date_to = _newest_day(dataset_url, dataset, tables) or datetime.now(UTC).date()
    if date_from is None:
        date_from = date_to - timedelta(days=DEFAULT_DAYS - 1)
    if date_to < date_from:
        raise ValueError(f"the period ends ({date_to}) before it starts ({date_from})")
    return ReportParams(date_from, date_to, tuple(campaigns), tuple(lists), sort)


def _newest_day(dataset_url: str | None, dataset: str, tables: set[str]) -> date | None:
    if "message" not in tables:
        return None
    # The query takes no parameters; any period renders it.
    sql = render_sql(QUERIES["newest_day"], ReportParams(date(2000, 1, 1), date(2000, 1, 1)))
    value = run_query(sql, dataset_url, dataset).rows[0][0]
    return value if isinstance(value, date) else None
