"""The synced DuckDB dataset under the sandbox: run on the file itself, or copy allowed tables out of it."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from mailjet_connector.query import QueryError, QueryResult, open_duckdb, use_dataset
from mailjet_connector.sqlsandbox.lockdown import lock, run_select
from mailjet_connector.sqlsandbox.statement import first_line

__all__ = ["DatasetTables", "run_on_dataset"]


def run_on_dataset(
    sql: str, path: Path, dataset: str, *, allow_files: bool = False, max_rows: int | None = None
) -> QueryResult:
    """One SELECT on the dataset file itself: every table of the file, read-only, locked down.

    Used where the caller owns the dataset (the `query` command, `import --sql`); agents get
    `Sandbox(DatasetTables(...))`, which holds only their tables.
    """
    import duckdb

    with open_duckdb(path) as conn:
        try:
            use_dataset(conn, dataset)
            lock(conn, allow_files=allow_files)
        except duckdb.Error as exc:
            raise QueryError(first_line(exc)) from None
        return run_select(conn, sql, max_rows)


class DatasetTables:
    """A `TableSource` over the synced DuckDB file: the dataset's tables that `allowed` accepts.

    The file is opened read-only for each copy and closed at once, so a sync can take its write lock
    between queries; `version` is the file's size and modification time.

    Args:
        path: the DuckDB file.
        dataset: the schema the sync wrote to.
        allowed: whether a table name may be seen (e.g. its catalog area is readable).
    """

    def __init__(self, path: Path, dataset: str, allowed: Callable[[str], bool]) -> None:
        self.path = path
        self.dataset = dataset
        self.allowed = allowed
        self._names: tuple[Hashable, frozenset[str]] | None = None

    def version(self) -> Hashable:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return (stat.st_size, stat.st_mtime_ns)

    def tables(self) -> frozenset[str]:
        version = self.version()
        if self._names is None or self._names[0] != version:
            with open_duckdb(self.path) as conn:
                found = conn.execute(
                    "select table_name from information_schema.tables where table_schema = ?", [self.dataset]
                ).fetchall()
            names = frozenset(str(row[0]).lower() for row in found)
            self._names = (version, frozenset(n for n in names if self.allowed(n)))
        return self._names[1]

    def load(self, name: str) -> Any:
        with open_duckdb(self.path) as conn:
            return conn.sql(f'select * from "{self.dataset}"."{name}"').to_arrow_table()
