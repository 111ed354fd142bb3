"""The dataset URL's scheme picks the destination; every libpq URL form works (issue 17.7)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.dataset import destination_of
from mailjet_connector.errors import ConfigError
from mailjet_connector.sync import run_sync
from tests.sync.conftest import make_options

PG = "127.0.0.1:5432/test"


@pytest.mark.parametrize(
    ("url", "destination", "expected"),
    [
        (None, None, "duckdb"),
        ("data/mj.duckdb", None, "duckdb"),
        ("duckdb:///mj.duckdb", None, "duckdb"),
        (r"C:\data\mj.duckdb", None, "duckdb"),
        ("postgresql://me:pw@host/db", None, "postgres"),
        ("postgres://host/db?sslmode=require", None, "postgres"),
        ("postgresql:///db?host=/var/run/postgresql", "postgres", "postgres"),
        ("bigquery://project", "bigquery", "bigquery"),
        (None, "motherduck", "motherduck"),
    ],
)
def test_the_scheme_picks_the_destination(url: str | None, destination: str | None, expected: str) -> None:
    assert destination_of(url, destination) == expected


@pytest.mark.parametrize(
    ("url", "destination"),
    [
        ("mysql://me:pw@host/db", None),
        ("duckdb://x", None),
        ("postgresql://me:pw@h/db", "duckdb"),
        ("x.duckdb", "postgres"),
    ],
)
def test_anything_else_is_refused(url: str, destination: str | None) -> None:
    with pytest.raises(ConfigError) as caught:
        destination_of(url, destination)
    assert "pw" not in str(caught.value) and "\n" not in str(caught.value)


def test_cli_refuses_an_unknown_scheme_in_one_line_and_writes_nothing(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    url = "mysql://me:s3cr3t@db.example/mj"
    result = CliRunner().invoke(app, ["sync", "--emulator", "--resources", "campaign", "--dataset-url", url])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and "s3cr3t" not in result.output
    assert list(tmp_path.iterdir()) == []


def _pg_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(f"postgresql://postgres@{PG}", connect_timeout=2).close()
    except Exception:
        return False
    return True


needs_pg = pytest.mark.skipif(not _pg_reachable(), reason=f"no PostgreSQL server at {PG} (trust auth)")


@pytest.fixture
def pg_schema() -> Any:
    import psycopg

    name = f"synccost_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(f"postgresql://postgres@{PG}", autocommit=True) as conn:
        for schema in (name, f"{name}_staging"):
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _count(schema: str, table: str) -> int:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@{PG}") as conn:
        return conn.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]  # type: ignore[index]


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://postgres:s3cr3t@{PG}",  # a password (trust auth ignores it): must never reach the disk
        f"postgresql://{PG}",  # no user, no password: libpq's defaults
        "postgresql:///test?host=/var/run/postgresql",  # a socket directory
        f"postgres://postgres@{PG}?sslmode=disable&application_name=synccost",
    ],
    ids=["password", "no-user", "socket-dir", "sslmode"],
)
@pytest.mark.postgres
@needs_pg
def test_every_libpq_form_syncs_into_postgres(
    url: str, small_emulator: Any, tmp_path: Path, pg_schema: str, monkeypatch: Any
) -> None:
    if "host=/var/run/postgresql" in url and not Path("/var/run/postgresql/.s.PGSQL.5432").exists():
        pytest.skip("no PostgreSQL socket in /var/run/postgresql")
    monkeypatch.chdir(tmp_path)
    options = make_options(
        small_emulator, tmp_path, dataset_url=url, dataset_name=pg_schema, resources=("campaign",)
    )
    assert options.destination == "postgres"
    report = run_sync(options)
    assert report.totals.rows == _count(pg_schema, "campaign") > 0
    on_disk = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not any("postgres" in p.name or "s3cr3t" in str(p) for p in on_disk)
    assert not any(b"s3cr3t" in p.read_bytes() for p in on_disk)


@pytest.mark.postgres
@needs_pg
def test_sslmode_reaches_libpq(small_emulator: Any, tmp_path: Path, pg_schema: str) -> None:
    """The server here has no TLS: sslmode=require must fail on exactly that, so the parameter got through."""
    url = f"postgresql://postgres@{PG}?sslmode=require"
    options = make_options(
        small_emulator, tmp_path, dataset_url=url, dataset_name=pg_schema, resources=("campaign",)
    )
    with pytest.raises(Exception, match="SSL"):
        run_sync(options)
