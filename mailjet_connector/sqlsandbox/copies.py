"""A sandbox that holds copies of allowed tables only: whatever the SQL calls, nothing else is there.

The connection is an in-memory DuckDB database with one schema. Tables come from a `TableSource` and are
copied in the first time a statement names them (a statement over `contact` does not copy `message`); the
source says when its data changed (`version`), and the copies are dropped then. The connection is locked down
(`lockdown.lock`: no files, no extensions, settings frozen) before any SQL of the caller runs, so
`query_table`, `query`, `duckdb_*()`, `read_*`, `glob` and `FROM 'file'` reach only those copies.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Hashable
from typing import Any, Protocol

from mailjet_connector import duckdb_connect
from mailjet_connector.query import QueryError, QueryResult
from mailjet_connector.sqlsandbox.lockdown import MissingTableError, lock, run_select
from mailjet_connector.sqlsandbox.statement import first_line

__all__ = ["Sandbox", "TableSource"]


class TableSource(Protocol):
    """Where a sandbox's tables come from (a synced dataset, live API pages...)."""

    def tables(self) -> Collection[str]:
        """The names the SQL may use (lower case); every other name does not exist in the sandbox."""
        ...

    def load(self, name: str) -> Any:
        """The rows of table `name` as an Arrow table or record batch reader (called once per version)."""
        ...

    def version(self) -> Hashable:
        """A value that changes when the data changes; the sandbox then drops its copies."""
        ...


class Sandbox:
    """Read-only SQL over copies of a source's tables; reuse it for many statements (thread-safe).

    Args:
        source: the tables and their rows.
        schema: the schema the tables live in (also first on the search path, so `contact` and
            `mailjet_data.contact` both work).
        timeout: seconds a statement may run before DuckDB is interrupted (None: no bound).

    Example:
        with Sandbox(source) as sandbox:
            result = sandbox.run("select count(*) from contact", max_rows=100)
    """

    def __init__(self, source: TableSource, *, schema: str, timeout: float | None = None) -> None:
        if not schema.isidentifier():
            raise QueryError(f"schema name {schema!r} must be a plain SQL identifier")
        self.source = source
        self.schema = schema
        self.timeout = timeout
        self._lock = threading.Lock()
        self._conn: Any = None
        self._version: Hashable = None
        self._loaded: set[str] = set()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Drop the copies and the connection."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def run(self, sql: str, *, max_rows: int | None = None) -> QueryResult:
        """Run one SELECT over the source's tables.

        Args:
            sql: one SELECT statement.
            max_rows: at most this many rows (None: all).

        Returns:
            The columns and rows.

        Raises:
            SandboxError: not one SELECT, or a file or setting it may not touch.
            QueryError: bad SQL, or a table the sandbox does not hold (the same answer whether the table
                exists outside or not).
        """
        with self._lock:
            conn = self._connection()
            while True:  # each turn copies one more table in, or ends
                try:
                    return run_select(conn, sql, max_rows, timeout=self.timeout)
                except MissingTableError as missing:
                    if not self._load(conn, missing.table.lower()):
                        raise QueryError(str(missing)) from None

    def _connection(self) -> Any:
        version = self.source.version()
        if self._conn is not None and version == self._version:
            return self._conn

        if self._conn is not None:
            self._conn.close()
        conn = duckdb_connect.connect(":memory:")
        conn.execute(f"create schema {self.schema}")
        conn.execute(f"set search_path = '{self.schema}'")
        lock(conn)
        self._conn, self._version, self._loaded = conn, version, set()
        return conn

    def _load(self, conn: Any, name: str) -> bool:
        """Copy table `name` in; False when the source does not offer it or it is already there."""
        import duckdb

        if name in self._loaded or name not in self.source.tables() or not _plain(name):
            return False
        rows = self.source.load(name)
        view = f"__sandbox_load_{len(self._loaded)}"
        try:
            conn.register(view, rows)
            conn.execute(f'create table {self.schema}."{name}" as select * from "{view}"')
        except duckdb.Error as exc:
            raise QueryError(f"cannot load table {name}: {first_line(exc)}") from None
        finally:
            conn.unregister(view)
        self._loaded.add(name)
        return True


def _plain(name: str) -> bool:
    return name.isascii() and name.isidentifier()
