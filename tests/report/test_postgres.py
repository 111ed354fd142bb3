"""The report's SQL is portable: on PostgreSQL every figure has the same rows as on DuckDB for the same data."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mailjet_connector.report.build import collect, dataset_tables
from mailjet_connector.report.queries import ReportParams
from tests.postgres import PG_URL, needs_postgres
from tests.report.conftest import REPORT_RESOURCES

pytestmark = [
    pytest.mark.postgres,
    needs_postgres,
]


def _sync(server: Any, tmp_path: Path, destination: str, url: str, dataset: str) -> None:
    from mailjet_connector.sync import SyncOptions, run_sync

    run_sync(
        SyncOptions(
            server.api_key,
            server.api_secret,
            base_url=server.url,
            resources=REPORT_RESOURCES,
            destination=destination,
            dataset_url=url,
            dataset_name=dataset,
            pipelines_dir=str(tmp_path / f"pipelines-{destination}"),
            clock=server.state.clock.now,
            rate_limit="5000/s",
            counter_sources=("APIKey", "Campaign", "List"),
            counter_timings=("Message",),
            counter_resolutions=("Lifetime", "Day"),
        )
    )


@pytest.fixture
def pg_dataset() -> Iterator[str]:
    import psycopg

    name = f"mj_report_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}_staging" CASCADE')


def _plain(value: Any) -> Any:
    # PostgreSQL sums bigints into numeric (Decimal), DuckDB into HUGEINT (int): compare as numbers.
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return round(float(value), 9)
    return value


def test_every_figure_is_the_same_on_postgres_and_duckdb(
    emulator: Any, tmp_path: Path, pg_dataset: str
) -> None:
    duck = str(tmp_path / "r.duckdb")
    _sync(emulator, tmp_path, "duckdb", duck, "mailjet")
    _sync(emulator, tmp_path, "postgres", PG_URL, pg_dataset)
    params = ReportParams(date(2000, 1, 1), date(2100, 1, 1))
    on_duck = collect(duck, "mailjet", params, dataset_tables(duck, "mailjet"))
    on_pg = collect(PG_URL, pg_dataset, params, dataset_tables(PG_URL, pg_dataset))
    with_rows = {name for name, figure in on_duck.items() if figure.result.rows}
    assert {"overview", "daily", "campaigns", "bounce_reasons", "list_growth", "top_links"} <= with_rows
    for name, figure in on_duck.items():
        assert figure.query is not None, f"{name} found no table"
        assert on_pg[name].query == figure.query
        ours = [tuple(map(_plain, row)) for row in figure.result.rows]
        theirs = [tuple(map(_plain, row)) for row in on_pg[name].result.rows]
        assert theirs == ours, name
