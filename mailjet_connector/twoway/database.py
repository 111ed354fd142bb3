"""The user's database (DuckDB file or PostgreSQL): the mapped table, and our state and conflicts tables.

One small adapter over both drivers: SQL is written with `%s` placeholders (DuckDB gets `?`), identifiers are
quoted, and every write of a run (the table's rows and the state) commits in one transaction, so a run killed
half-way leaves the database as it was before that run's database step.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from mailjet_connector import duckdb_connect
from mailjet_connector.errors import QueryError
from mailjet_connector.query import duckdb_path, is_postgres_url
from mailjet_connector.redaction import redact_url

__all__ = ["Database", "open_database", "quote"]

_KIND_SQL = {
    "str": "TEXT",
    "int": "BIGINT",
    "float": "DOUBLE PRECISION",
    "bool": "BOOLEAN",
    "datetime": "TIMESTAMP WITH TIME ZONE",
}


def quote(name: str) -> str:
    """A quoted identifier; `schema.table` is quoted part by part."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


def kind_sql(kind: str) -> str:
    return _KIND_SQL.get(kind, "TEXT")


class Database:
    """An open connection to the user's database.

    Args:
        url: a DuckDB file path (or duckdb:///path) or a postgresql:// URL.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = is_postgres_url(url)
        try:
            if self.postgres:
                import psycopg

                self._conn: Any = psycopg.connect(url, connect_timeout=10, autocommit=True)
            else:
                path = duckdb_path(url)
                path.parent.mkdir(parents=True, exist_ok=True)
                self._conn = duckdb_connect.connect(str(path))
        except Exception as exc:
            raise QueryError(f"cannot open the database {redact_url(url)}: {_first_line(exc)}") from None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _sql(self, sql: str) -> str:
        return sql if self.postgres else sql.replace("%s", "?")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of one statement (read)."""
        try:
            cursor = self._conn.execute(self._sql(sql), list(params))
            rows = cursor.fetchall()
        except Exception as exc:
            raise QueryError(f"{_first_line(exc)} (in: {sql.split(chr(10))[0][:120]})") from None
        return list(rows)

    def columns(self, table: str) -> dict[str, str]:
        """Column name (lower-cased) -> SQL type, of a table or view; {} when it does not exist."""
        schema, name = table.split(".", 1) if "." in table else (None, table)
        sql = "select column_name, data_type from information_schema.columns where table_name = %s"
        params: list[Any] = [name]
        if schema is not None:
            sql += " and table_schema = %s"
            params.append(schema)
        elif self.postgres:
            sql += " and table_schema = any(current_schemas(false))"
        else:
            sql += " and table_schema = current_schema()"
        return {str(c).lower(): str(t).upper() for c, t in self.query(sql, params)}

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """One transaction: every statement in the block commits together, or none does."""
        try:
            if self.postgres:
                with self._conn.transaction():
                    yield self
            else:
                self._conn.execute("BEGIN TRANSACTION")
                try:
                    yield self
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
        except QueryError:
            raise
        except Exception as exc:
            raise QueryError(f"database write failed: {_first_line(exc)}") from None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """One statement (inside `transaction()` for writes that must commit together)."""
        try:
            self._conn.execute(self._sql(sql), list(params))
        except Exception as exc:
            raise QueryError(f"{_first_line(exc)} (in: {sql.split(chr(10))[0][:120]})") from None

    def insert_many(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert many rows: DuckDB takes them as one arrow table (row-by-row inserts are slow there)."""
        if not rows:
            return
        names = ", ".join(quote(c) for c in columns)
        if not self.postgres:
            import pyarrow as pa

            try:
                data = pa.table({f"c{i}": [r[i] for r in rows] for i in range(len(columns))})
            except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in a column: row by row
                data = None
            if data is not None:
                self._conn.register("_twoway_rows", data)
                try:
                    self.execute(f"insert into {quote(table)} ({names}) select * from _twoway_rows")
                finally:
                    self._conn.unregister("_twoway_rows")
                return
        marks = ", ".join(["%s"] * len(columns))
        self.executemany(f"insert into {quote(table)} ({names}) values ({marks})", rows)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        try:
            if self.postgres:
                with self._conn.cursor() as cursor:
                    cursor.executemany(sql, [list(r) for r in rows])
            else:
                self._conn.executemany(self._sql(sql), [list(r) for r in rows])
        except Exception as exc:
            raise QueryError(f"{_first_line(exc)} (in: {sql.split(chr(10))[0][:120]})") from None


def open_database(url: str) -> Database:
    """Open the mapping's database (see `Database`)."""
    if not is_postgres_url(url) and not url.startswith("duckdb:///") and "://" in url:
        raise QueryError(f"database.url {redact_url(url)!r}: give a DuckDB file path or a postgresql:// URL")
    return Database(url)


def db_value(text: str | None, sql_type: str) -> Any:
    """A canonical text as the Python value a column of this SQL type takes."""
    if text is None:
        return None
    upper = sql_type.upper()
    try:
        if "BOOL" in upper:
            return text == "true"
        if upper in ("INTEGER", "BIGINT", "SMALLINT", "INT", "HUGEINT", "TINYINT", "UBIGINT", "UINTEGER"):
            return int(text)
        if upper.startswith(("DOUBLE", "REAL", "FLOAT")):
            return float(text)
        if upper.startswith(("NUMERIC", "DECIMAL")):
            return Decimal(text)
        if upper.startswith("TIMESTAMP"):
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return moment if "ZONE" in upper or "TZ" in upper else moment.replace(tzinfo=None)
        if upper == "DATE":
            return date.fromisoformat(text[:10])
    except ValueError:
        return text
    return text


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def is_file_database(url: str) -> Path | None:
    """The DuckDB file of a URL, or None for PostgreSQL."""
    return None if is_postgres_url(url) else duckdb_path(url)
