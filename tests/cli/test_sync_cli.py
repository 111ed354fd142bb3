"""`sync`, `export`, `query` through the CLI: against the embedded emulator, into a temp DuckDB file."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.query import DEFAULT_DATASET, DEFAULT_DATASET_URL, run_query

pytest.importorskip("dlt")
pytest.importorskip("duckdb")

runner = CliRunner()
SYNCED = ["contact", "listrecipient", "message", "openinformation"]


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """One `sync --emulator --json` of a few resources (tiny preset) into a temp DuckDB file."""
    tmp = tmp_path_factory.mktemp("sync")
    dataset = tmp / "dataset.duckdb"
    result = invoke(
        "sync", "--emulator", "--emulator-scale", "tiny", "--resources", ",".join(SYNCED),
        "--dataset-url", str(dataset), "--pipelines-dir", str(tmp / "pipelines"), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return dataset, orjson.loads(result.stdout)


@pytest.mark.parametrize("command", ["sync", "export", "query"])
def test_help_has_an_example(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert f"mailjet-connector {command} " in result.output


def test_sync_json_counts_match_the_tables(synced: tuple[Path, dict[str, Any]]) -> None:
    dataset, report = synced
    assert sorted(report["resources"]) == sorted(SYNCED)
    for name in SYNCED:
        rows = run_query(f"select count(*) from {name}", str(dataset)).rows[0][0]
        assert report["resources"][name]["rows"] == report["resources"][name]["new"] == rows > 0
    assert report["totals"]["rows"] == sum(r["rows"] for r in report["resources"].values())


def test_query_formats(synced: tuple[Path, dict[str, Any]]) -> None:
    dataset = synced[0]
    sql = "select id, email from contact order by id limit 3"
    as_json = orjson.loads(invoke("query", sql, "--dataset-url", str(dataset), "--format", "json").stdout)
    as_csv = list(
        csv.DictReader(
            io.StringIO(invoke("query", sql, "--dataset-url", str(dataset), "--format", "csv").stdout)
        )
    )
    table = invoke("query", sql, "--dataset-url", str(dataset))
    assert [r["id"] for r in as_json] == [int(r["id"]) for r in as_csv] == [1, 2, 3]
    assert [r["email"] for r in as_json] == [r["email"] for r in as_csv]
    assert table.exit_code == 0
    assert as_json[0]["email"] in table.stdout and "3 rows" in table.stdout


def test_export_csv_to_stdout(synced: tuple[Path, dict[str, Any]]) -> None:
    result = invoke("export", "message", "--emulator", "--emulator-scale", "tiny", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == synced[1]["resources"]["message"]["rows"]


def test_export_parquet_to_a_file(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "c.parquet"
    result = invoke(
        "export",
        "contactslist",
        "--emulator",
        "--emulator-scale",
        "tiny",
        "--format",
        "parquet",
        "-o",
        str(path),
        "--where",
        "IsDeleted=false",
    )
    assert result.exit_code == 0, result.output
    assert pq.read_table(path).num_rows > 0


def test_query_defaults_match_the_sync_defaults() -> None:
    from mailjet_connector.sync import settings

    assert (DEFAULT_DATASET_URL, DEFAULT_DATASET) == (settings.DEFAULT_DUCKDB_PATH, settings.DEFAULT_DATASET)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sync", "--resources", "nosuch"], "unknown resource 'nosuch'"),
        (["sync", "--resources", "contact", "--exclude", "message"], "do not go together"),
        (["sync"], "missing credentials"),
        (["sync", "--emulator", "--start-date", "last week"], "--start-date expects a date"),
        (["sync", "--api-key", "k", "--api-secret", "s", "--rate-limit", "fast"], "rate"),
        (["export", "message", "--format", "xml"], "--format must be csv, jsonl or parquet"),
        (["export", "message", "--format", "parquet"], "parquet needs --output"),
        (["export", "message", "--where", "Nope=1"], "message has no filter 'Nope'"),
        (["export", "message", "-o", "/no/such/dir/x.csv"], "no such directory"),
        (["export", "message"], "missing credentials"),
        (["query", "selec 1", "--dataset-url", "{dataset}"], "syntax error"),
        (["query", "select 1", "--dataset-url", "/no/such.duckdb"], "no dataset at /no/such.duckdb"),
        (["query", "select 1", "--format", "xml"], "--format must be one of"),
        (["query", "", "--dataset-url", "{dataset}"], "no SQL statement given"),
        (["query", "select 1", "--dataset-url", "{empty}"], "run `mailjet-connector sync` first"),
        (["sync", "--resources", "messagestate", "--emulator"], "reference data"),
    ],
    ids=[
        "unknown-resource", "only-and-exclude", "no-credentials", "bad-date", "bad-rate", "bad-format",
        "parquet-stdout", "bad-filter", "bad-dir", "export-credentials", "bad-sql", "no-file", "query-format",
        "empty-sql", "empty-dataset", "not-synced",
    ],
)  # fmt: skip
def test_user_errors_are_one_line_with_exit_2(
    synced: tuple[Path, dict[str, Any]], args: list[str], message: str, tmp_path: Path
) -> None:
    # Regressions (#22 item 8): `query ""` was an AttributeError; an empty dataset file (a failed first sync
    # leaves one) gave `Catalog Error: SET search_path`; `sync --resources messagestate` said "unknown".
    import duckdb

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = invoke(*(a.replace("{dataset}", str(synced[0])).replace("{empty}", str(empty)) for a in args))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


def test_refused_credentials_exit_3(emulator: Any) -> None:
    result = invoke(
        "export",
        "contact",
        "--base-url",
        emulator.url,
        "--api-key",
        emulator.api_key,
        "--api-secret",
        "wrong",
    )
    assert result.exit_code == 3
    assert "authentication refused" in result.stderr
    assert "wrong" not in result.stderr


def test_export_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    # Regression (#22 item 8): `export ... | head` printed "Broken pipe" and exited 2.
    import subprocess
    import sys

    command = [
        sys.executable,
        "-m",
        "mailjet_connector",
        "export",
        "contact",
        "--emulator",
        "--format",
        "jsonl",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    assert process.stdout is not None and process.stdout.readline().startswith(b"{")
    process.stdout.close()  # what `head -1` does once it has its line
    stderr = process.stderr.read() if process.stderr else b""
    assert process.wait(timeout=120) == 141 and stderr == b""


def test_sync_into_postgres_without_a_password(tmp_path: Path) -> None:
    # Regression (found running README.md's examples, #22 item 11): a postgresql:// URL without a password
    # (trust or peer auth, ~/.pgpass) stopped at dlt's "Missing 1 field(s) ... credentials".
    import uuid

    psycopg = pytest.importorskip("psycopg")
    admin = "postgresql://postgres@127.0.0.1:5432/test"
    name = f"mjcli_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(admin, connect_timeout=2, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is not available: {str(exc).splitlines()[0]}")
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        result = invoke(
            "sync", "--emulator", "--emulator-scale", "tiny", "--resources", "contact", "--destination",
            "postgres", "--dataset-url", url, "--pipelines-dir", str(tmp_path / "p"), "--json",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert run_query("select count(*) from contact", url).rows[0][0] > 0
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
