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


def test_checkpoint_when_due_writes_the_wal_into_the_file(tmp_path: Any) -> None:
    import duckdb

    from mailjet_connector.sync.duckdb_memory import checkpoint_when_due

    path = str(tmp_path / "d.duckdb")
    connection = duckdb.connect(path, config={"wal_autocheckpoint": "1GB"})  # DuckDB's own checkpoint off
    connection.execute("create table t as select range as id, repeat('x', 40) as v from range(10)")
    assert not checkpoint_when_due(connection, path, "64MB")  # a small WAL stays
    for _ in range(4):  # inserts smaller than a row group go to the WAL (bigger ones straight to the file)
        connection.execute("insert into t select range, repeat('y', 40) from range(50000)")
    wal = tmp_path / "d.duckdb.wal"
    assert wal.stat().st_size > 2**20
    assert checkpoint_when_due(connection, path, "2MB")  # more than half the limit: written into the file
    assert not wal.exists() or wal.stat().st_size < 2**20
    assert connection.execute("select count(*) from t").fetchall() == [(200010,)]
    assert not checkpoint_when_due(None, path, "2MB")  # another destination: nothing to do


def test_a_sync_keeps_its_wal_under_half_the_memory_limit(
    emulator_20k: Any, tmp_path: Any, caplog: Any
) -> None:
    # Regression (issue 17.8): the sync held its connection without a checkpoint, so every committed load stayed
    # in DuckDB's memory (461 MB of WAL on the large preset) and loads ran out of memory. Without the checkpoint
    # this sync's WAL reaches 3.2 MB.
    wal = tmp_path / "sync.duckdb.wal"
    seen: list[int] = []

    def watch(table: str, rows: int) -> None:
        seen.append(wal.stat().st_size if wal.exists() else 0)

    options = make_options(
        emulator_20k, tmp_path, resources=("contact", "listrecipient"), duckdb_memory_limit="4MB",
        checkpoint_pages=3, progress=watch,
    )  # fmt: skip
    with caplog.at_level(logging.INFO, logger="mailjet_connector.sync"):
        report = run_sync(options)
    assert "DuckDB checkpoint" in caplog.text
    assert seen and max(seen) < 0.6 * 4 * 2**20
    rows = run_query("select count(*) from listrecipient", options.dataset_url).rows[0][0]
    with Client(emulator_20k.api_key, emulator_20k.api_secret, base_url=emulator_20k.url) as client:
        assert rows == client.count("listrecipient") == 20_000
    assert report.loads > 1


def test_the_sync_connection_draws_no_progress_bar(tmp_path: Any) -> None:
    # Regression: a checkpoint longer than 2 s drew DuckDB's progress bar on stdout, in the middle of
    # `sync --json` (the large-preset bench failed to parse " 33%...").
    from mailjet_connector.sync.options import SyncOptions
    from mailjet_connector.sync.pipeline import _held_connection

    options = SyncOptions("k", "s", dataset_url=str(tmp_path / "p.duckdb"))
    with _held_connection(options) as connection:
        for cursor in (connection, connection.cursor()):  # dlt works through cursors
            assert cursor.execute("select current_setting('enable_progress_bar')").fetchall() == [(False,)]
