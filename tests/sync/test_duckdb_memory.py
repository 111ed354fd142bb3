"""A DuckDB load that runs out of memory is loaded again with a raised limit, never failed (issue 17.8)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from mailjet_connector.client import Client
from mailjet_connector.emulator import start_emulator
from mailjet_connector.query import run_query
from mailjet_connector.sync import run_sync
from mailjet_connector.sync.duckdb_memory import megabytes
from tests.sync.conftest import make_options


@pytest.mark.parametrize(
    ("size", "mb"), [("64MB", 64), ("1GB", 1000), ("512MiB", 512), ("2", 2), ("8 mb", 8)]
)
def test_megabytes(size: str, mb: float) -> None:
    assert megabytes(size) == mb


@pytest.fixture
def emulator_20k() -> Iterator[Any]:
    with start_emulator(
        scale="tiny", seed=1, overrides={"contact": 10_000, "listrecipient": 20_000}
    ) as server:
        yield server


@pytest.mark.slow  # dlt waits between its own retries of the failed job
def test_a_load_out_of_memory_is_loaded_again_with_more(
    emulator_20k: Any, tmp_path: Any, caplog: Any
) -> None:
    # 2MB cannot hold the load of these pages: without the fallback the sync fails with "Out of Memory Error".
    small_emulator = emulator_20k
    options = make_options(small_emulator, tmp_path, resources=("listrecipient",), duckdb_memory_limit="2MB")
    with caplog.at_level(logging.INFO, logger="mailjet_connector.sync"):
        report = run_sync(options)
    assert "DuckDB ran out of memory at 2MB" in caplog.text  # the fallback was needed...
    rows = run_query("select count(*) from listrecipient", options.dataset_url).rows[0][0]
    with Client(small_emulator.api_key, small_emulator.api_secret, base_url=small_emulator.url) as client:
        assert report.totals.rows == rows == client.count("listrecipient") > 0  # ...and the data is whole


def test_the_staging_schema_is_left_empty(small_emulator: Any, tmp_path: Any) -> None:
    options = make_options(small_emulator, tmp_path, resources=("contact", "statcounters"))
    run_sync(options)
    run_sync(options)  # a re-sync merges through staging
    staging = f"{options.dataset_name}_staging"
    sql = f"select table_name from duckdb_tables() where schema_name = '{staging}'"
    tables = [row[0] for row in run_query(sql, options.dataset_url).rows]
    assert "statcounters" in tables  # dlt merged through it...
    for table in (t for t in tables if not t.startswith("_dlt_")):  # ...and no row stays there
        count = run_query(f'select count(*) from "{staging}"."{table}"', options.dataset_url).rows[0][0]
        assert count == 0, table
