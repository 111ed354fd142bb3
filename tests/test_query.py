"""`query`: SQL over the synced dataset (DuckDB file or Postgres) with the dataset on the search path."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from mailjet_connector.dataset import DEFAULT_DATASET
from mailjet_connector.query import QueryError, QueryResult, run_query, to_csv, to_json

duckdb = pytest.importorskip("duckdb")

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A DuckDB file laid out as the sync writes it: database `mailjet`, the dataset's schema, one table."""
    path = tmp_path / "mailjet.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute(f"create schema mailjet.{DEFAULT_DATASET}")
        conn.execute(
            f"create table mailjet.{DEFAULT_DATASET}.contact (id bigint, email varchar, created_at timestamptz)"
        )
        conn.execute(
            f"insert into mailjet.{DEFAULT_DATASET}.contact values "
            "(1, 'a@example.com', '2024-05-01 12:00:00+00'), (2, 'b@example.com', null)"
        )
    return path


def test_tables_need_no_schema_prefix(dataset: Path) -> None:
    result = run_query("select count(*) as n from contact", str(dataset))
    assert result == QueryResult(["n"], [(2,)])


def test_duckdb_url_form_is_accepted(dataset: Path) -> None:
    assert run_query("select max(id) m from contact", f"duckdb:///{dataset}").rows == [(2,)]


def test_the_default_dataset_is_mailjet_duckdb_in_the_working_directory(
    dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(dataset.parent)
    assert run_query("select count(*) from contact").rows == [(2,)]


def test_queries_cannot_write(dataset: Path) -> None:
    with pytest.raises(QueryError, match="read-only"):
        run_query("delete from contact", str(dataset))


@pytest.mark.parametrize(
    ("sql", "url", "message"),
    [
        ("selec 1", None, "syntax error"),
        ("select * from nosuchtable", None, "nosuchtable"),
        ("select 1", "missing.duckdb", "no dataset at missing.duckdb"),
    ],
    ids=["syntax", "table", "file"],
)
def test_errors_are_one_line(dataset: Path, sql: str, url: str | None, message: str) -> None:
    with pytest.raises(QueryError, match=message) as caught:
        run_query(sql, url or str(dataset))
    assert "\n" not in str(caught.value)


def test_csv_output_has_a_header_and_empty_nulls(dataset: Path) -> None:
    result = run_query("select id, email, created_at from contact order by id", str(dataset))
    rows = list(csv.reader(io.StringIO(to_csv(result))))
    assert rows[0] == ["id", "email", "created_at"]
    assert rows[1][:2] == ["1", "a@example.com"]
    assert rows[2] == ["2", "b@example.com", ""]


def test_json_output_is_an_array_of_objects(dataset: Path) -> None:
    result = run_query("select id, created_at from contact order by id", str(dataset))
    records = orjson.loads(to_json(result))
    assert [r["id"] for r in records] == [1, 2]
    assert records[0]["created_at"].startswith("2024-05-01T12:00:00")
    assert records[1]["created_at"] is None


def test_dataset_name_must_be_an_identifier(dataset: Path) -> None:
    with pytest.raises(QueryError, match="identifier"):
        run_query("select 1", str(dataset), dataset="x; drop table y")


@pytest.fixture
def pg_schema() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    try:
        conn = psycopg.connect(POSTGRES_URL, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at 127.0.0.1:5432 ({str(exc).splitlines()[0]})")
    schema = f"mjquery_{uuid.uuid4().hex[:8]}"
    with conn:
        conn.execute(f"create schema {schema}")
        conn.execute(f"create table {schema}.contact (id bigint, email text)")
        conn.execute(f"insert into {schema}.contact values (1, 'a@example.com')")
        try:
            yield schema
        finally:
            conn.execute(f"drop schema {schema} cascade")


@pytest.mark.postgres
def test_postgres_dataset_is_on_the_search_path(pg_schema: str) -> None:
    assert run_query("select email from contact", POSTGRES_URL, dataset=pg_schema).rows == [
        ("a@example.com",)
    ]


@pytest.mark.postgres
def test_postgres_errors_hide_the_password() -> None:
    pytest.importorskip("psycopg")
    url = "postgresql://postgres:hunter2secret@127.0.0.1:1/postgres"
    with pytest.raises(QueryError) as caught:
        run_query("select 1", url)
    assert "hunter2secret" not in str(caught.value)
