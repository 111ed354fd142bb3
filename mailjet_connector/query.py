"""Run SQL on the synced dataset (a DuckDB file or a PostgreSQL URL) with the dataset on the search path."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from mailjet_connector import duckdb_connect
from mailjet_connector.dataset import DEFAULT_DATASET, DEFAULT_DUCKDB_PATH, duckdb_file, is_postgres
from mailjet_connector.errors import QueryError
from mailjet_connector.wire.urls import mask_password

__all__ = [
    "DEFAULT_DATASET",
    "DEFAULT_DATASET_URL",
    "QueryError",
    "QueryResult",
    "first_line",
    "is_postgres_url",
    "open_duckdb",
    "redact_url",
    "run_query",
    "to_csv",
    "to_json",
    "use_dataset",
]

DEFAULT_DATASET_URL = DEFAULT_DUCKDB_PATH
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class QueryResult:
    """Column names and rows (tuples of Python values) of one query."""

    columns: list[str]
    rows: list[tuple[Any, ...]]


def is_postgres_url(url: str) -> bool:
    return is_postgres(url)


def duckdb_path(url: str) -> Path:
    """The DuckDB file a dataset URL names: a plain path or `duckdb:///path`."""
    return duckdb_file(url)


def run_query(sql: str, dataset_url: str | None = None, dataset: str = DEFAULT_DATASET) -> QueryResult:
    """Run one SQL statement with the dataset's schema first on the search path.

    Args:
        sql: the statement (`select count(*) from contact` works: tables need no schema prefix).
        dataset_url: a DuckDB file path (default `./mailjet.duckdb`) or a `postgresql://` URL.
        dataset: the dataset (schema) name the sync wrote to.

    Returns:
        The columns and all the rows.

    Raises:
        QueryError: the file is missing, the SQL is bad, or the database is unreachable.
    """
    if not _IDENTIFIER.match(dataset):
        raise QueryError(f"dataset name {dataset!r} must be a plain SQL identifier")
    url = dataset_url or DEFAULT_DATASET_URL
    if is_postgres_url(url):
        return _run_postgres(sql, url, dataset)
    return _run_duckdb(sql, duckdb_path(url), dataset)


def open_duckdb(path: Path) -> Any:
    """A read-only DuckDB connection to the dataset file (queries never change the synced data, and a
    running sync keeps its write lock).

    Raises:
        QueryError: DuckDB missing, no file there, or the file cannot be opened.
    """
    try:
        import duckdb
    except ImportError:
        raise QueryError("DuckDB is not installed: pip install 'mailjet-connector[sync]'") from None
    if not path.is_file():
        raise QueryError(f"no dataset at {path}: run `mailjet-connector sync` first, or pass --dataset-url")
    try:
        return duckdb_connect.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise QueryError(first_line(exc)) from None


def use_dataset(conn: Any, dataset: str) -> None:
    """Put the dataset's schema first on the search path of a connection from `open_duckdb`.

    Raises:
        QueryError: the file holds no such schema (a first sync that failed leaves such a file).
    """
    database = conn.execute("select current_database()").fetchone()[0]
    found = conn.execute(
        "select count(*) from information_schema.schemata where catalog_name = ? and schema_name = ?",
        [database, dataset],
    ).fetchone()[0]
    if not found:
        raise QueryError(
            f"{database}.duckdb holds no synced dataset {dataset!r}: run `mailjet-connector sync` first "
            "(or pass the --dataset-name the sync used)"
        )
    # Qualify with the database so a schema named like the file stays unambiguous.
    conn.execute(f'set search_path = \'"{database}".{dataset},"{database}".main\'')


def _run_duckdb(sql: str, path: Path, dataset: str) -> QueryResult:
    import duckdb

    with open_duckdb(path) as conn:
        try:
            use_dataset(conn, dataset)
            cursor = conn.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            return QueryResult(columns, cursor.fetchall() if columns else [])
        except duckdb.Error as exc:
            raise QueryError(first_line(exc)) from None


def _run_postgres(sql: str, url: str, dataset: str) -> QueryResult:
    try:
        import psycopg
    except ImportError:
        raise QueryError("psycopg is not installed: pip install 'mailjet-connector[sync]'") from None
    try:
        with psycopg.connect(url, connect_timeout=10) as conn, conn.cursor() as cursor:
            cursor.execute(f"set search_path to {dataset}, public")  # type: ignore[arg-type]
            cursor.execute(sql)  # type: ignore[arg-type]
            columns = [d.name for d in cursor.description or []]
            rows = cursor.fetchall() if columns else []
            conn.rollback()  # a query never writes
            return QueryResult(columns, rows)
    except psycopg.Error as exc:
        raise QueryError(redact_url(first_line(exc), url)) from None


def first_line(exc: BaseException) -> str:
    """The first non-empty line of an error message (database errors run over several lines)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def redact_url(message: str, url: str) -> str:
    """`message` with `url` in it shown without its password (a connection error may repeat the URL)."""
    return message.replace(url, mask_password(url))


def _plain(value: Any) -> Any:
    """JSON/CSV-friendly scalars: Decimal as float, bytes as hex, everything else orjson handles or str."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def to_json(result: QueryResult) -> str:
    """The rows as a JSON array of objects (timestamps in ISO 8601)."""
    records = [dict(zip(result.columns, map(_plain, row), strict=True)) for row in result.rows]
    return orjson.dumps(records, default=str).decode()


def to_csv(result: QueryResult) -> str:
    """The rows as CSV with a header row; nested values as JSON text, NULL as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([_csv_cell(value) for value in row] for row in result.rows)
    return buffer.getvalue()


def _csv_cell(value: Any) -> Any:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list | tuple):
        return orjson.dumps(value, default=str).decode()
    return value
