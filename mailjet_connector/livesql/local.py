"""Local evaluation: DuckDB over the rows read, locked down by the project's read-only SQL module.

The connection is an in-memory DuckDB database locked the way every place that runs typed SQL is
(`sqlsandbox.lockdown.lock`: no files, network or extensions, no Python objects, settings frozen), and the
user's statement runs through `sqlsandbox.lockdown.run_select` (DuckDB's own parser: one SELECT). It holds only
the tables the query read, registered from Arrow.

A live query runs in one DuckDB transaction, so that `now()` means one instant for the constants pushed to
the API and for the final SQL. A failed statement aborts a DuckDB transaction, so every statement the engine
issues on its own (constants, feed values) is first tried on a second connection (`probe`): only one that
succeeds there is run in the transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pyarrow as pa

from mailjet_connector import duckdb_connect
from mailjet_connector.errors import QueryError
from mailjet_connector.livesql.parse import LiveSqlError
from mailjet_connector.query import QueryResult
from mailjet_connector.sqlsandbox.lockdown import lock, run_select
from mailjet_connector.sqlsandbox.statement import one_select

__all__ = ["Sandbox", "open_sandbox", "sandbox"]


def open_sandbox() -> Any:
    """An in-memory DuckDB connection locked down (`sqlsandbox.lockdown.lock`)."""

    conn = duckdb_connect.connect(":memory:")
    lock(conn)
    return conn


class Sandbox:
    """The query's DuckDB transaction, and a probe connection to try statements on first."""

    def __init__(self) -> None:
        self.conn = open_sandbox()
        self.probe = self.conn.cursor()
        self.conn.begin()

    def close(self) -> None:
        self.probe.close()
        self.conn.close()

    def bind(self, sql: str, schemas: Mapping[str, pa.Schema]) -> list[str]:
        """Check `sql` with DuckDB's parser (one SELECT) and binder against empty tables of the given schemas;
        its output columns.

        Raises:
            QueryError: not one SELECT (SandboxError), or DuckDB's one-line message (unknown column, type
                mismatch ...), before any API call.
        """
        empty = {name: schema.empty_table() for name, schema in schemas.items()}
        _register(self.probe, empty)
        statement = one_select(self.probe, sql)
        try:
            relation = self.probe.sql(statement)
            columns = list(relation.columns) if relation is not None else []
        except Exception as exc:  # duckdb.Error and its subclasses
            raise LiveSqlError(_one_line(exc)) from None
        _register(self.conn, empty)
        return columns

    def try_query(
        self, sql: str, params: Sequence[Any] = (), tables: Mapping[str, pa.Table] | None = None
    ) -> list[tuple[Any, ...]] | None:
        """The rows of a statement of the engine's own, run in the transaction; None when it fails."""
        if tables is not None:
            _register(self.probe, tables)
        try:
            self.probe.execute(sql, list(params)).fetchall()
        except Exception:  # anything DuckDB refuses is simply not used
            return None
        if tables is not None:
            _register(self.conn, tables)
        return self.conn.execute(sql, list(params)).fetchall()

    def run(self, sql: str, tables: Mapping[str, pa.Table]) -> QueryResult:
        """Run the user's SQL over the tables read from the API.

        Raises:
            LiveSqlError: DuckDB's one-line message (the sandbox's, for a file or setting it refuses).
        """
        _register(self.conn, tables)
        try:
            return run_select(self.conn, sql)
        except QueryError as exc:
            raise LiveSqlError(str(exc)) from None


@contextmanager
def sandbox() -> Iterator[Sandbox]:
    """A `Sandbox`, closed at the end of the block."""
    box = Sandbox()
    try:
        yield box
    finally:
        box.close()


def _register(conn: Any, tables: Mapping[str, pa.Table]) -> None:
    for name, table in tables.items():
        conn.register(name, table)  # replaces an earlier registration of the same name


def _one_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
