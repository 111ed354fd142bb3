"""Report queries: rendered SQL is complete and safe, and the docs page shows the SQL of every query."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.report.docs import queries_markdown, update_docs
from mailjet_connector.report.queries import QUERIES, SORT_METRICS, ReportParams, render_sql

DOCS = Path(__file__).resolve().parents[2] / "docs" / "report.md"
ids = st.lists(st.integers(min_value=1, max_value=2**62), max_size=5).map(tuple)


@given(
    st.dates(min_value=date(2001, 1, 1), max_value=date(2090, 1, 1)),
    st.integers(min_value=0, max_value=400),
    ids,
    ids,
    st.sampled_from(SORT_METRICS),
)
def test_every_query_renders_without_leftover_placeholders(
    start: date, days: int, campaigns: tuple[int, ...], lists: tuple[int, ...], sort: str
) -> None:
    params = ReportParams(start, date.fromordinal(start.toordinal() + days), campaigns, lists, sort)
    for query in QUERIES.values():
        sql = render_sql(query, params)
        assert "{" not in sql and "}" not in sql, query.name
        if "{campaigns}" in query.sql:
            assert all(str(c) in sql for c in campaigns), query.name


def test_previous_period_has_the_same_length_and_ends_before() -> None:
    params = ReportParams(date(2024, 3, 1), date(2024, 3, 31))
    assert params.previous == (date(2024, 1, 30), date(2024, 2, 29))


def test_overview_source_follows_the_filters() -> None:
    assert ReportParams(date(2024, 1, 1), date(2024, 1, 2)).counter_source == "APIKey"
    assert ReportParams(date(2024, 1, 1), date(2024, 1, 2), lists=(3,)).counter_source == "List"
    assert ReportParams(date(2024, 1, 1), date(2024, 1, 2), (1,), (3,)).counter_source == "Campaign"


def test_unknown_sort_is_refused_before_reaching_sql() -> None:
    with pytest.raises(ValueError, match="sort must be one of"):
        render_sql(
            QUERIES["campaigns"], ReportParams(date(2024, 1, 1), date(2024, 1, 2), sort="1; drop table x")
        )


def test_docs_show_the_current_sql_of_every_query() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert update_docs(text) == text, (
        "docs/report.md is stale: python -m mailjet_connector.report.docs docs/report.md"
    )
    for query in QUERIES.values():
        assert query.sql in text
    assert len(re.findall(r"^```sql$", queries_markdown(), re.M)) == len(QUERIES)
