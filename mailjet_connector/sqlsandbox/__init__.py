"""Read-only SQL over the synced dataset: one SELECT, no writes, no files unless asked, only allowed tables.

One module for every place that runs SQL someone typed: the `query` command, `import --sql` (and the other
`--sql` sources), the agents' MCP `query` tool, and live SQL over the API. The rules are enforced by the
database, not by reading the SQL:

- one statement, and a SELECT (DuckDB's own parser says which; PostgreSQL gets it as a cursor declaration);
- nothing written: the DuckDB file is opened read-only (or the tables are copies in memory); PostgreSQL runs
  a READ ONLY transaction that is rolled back;
- no files, network or extensions: DuckDB's `enable_external_access=false`, extension autoload/install off,
  Python replacement scans off, then `lock_configuration=true`; on PostgreSQL a role that can reach server
  files is refused. `allow_files=True` lifts only the file rule (the operator's own `--allow-files`);
- only allowed tables (agents): `Sandbox` holds copies of the allowed tables and nothing else, so
  `query_table`, `query`, `duckdb_*()`, `read_*` and `glob` find nothing outside; on PostgreSQL the login
  role must be granted only those tables (`setup_sql` writes the grants).

API:
    run_readonly(sql, dataset_url, dataset, allow_files=False, max_rows=None) -> QueryResult
    open_sandbox(dataset_url, dataset, allowed, timeout=None) -> a runner with .run(sql, max_rows=...) and .close()
    Sandbox(source, schema=...)      # over any TableSource (tables(), load(name), version())
    DatasetTables(path, dataset, allowed)   # the synced DuckDB file as a TableSource
    SandboxError (a QueryError): the SQL is not allowed; the message is one line and says why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from mailjet_connector.dataset import DEFAULT_DATASET
from mailjet_connector.query import (
    DEFAULT_DATASET_URL,
    QueryError,
    QueryResult,
    duckdb_path,
    is_postgres_url,
)
from mailjet_connector.sqlsandbox.copies import Sandbox, TableSource
from mailjet_connector.sqlsandbox.dataset import DatasetTables, run_on_dataset
from mailjet_connector.sqlsandbox.postgres import run_on_postgres, setup_sql
from mailjet_connector.sqlsandbox.statement import SandboxError

__all__ = [
    "DatasetTables",
    "QueryRunner",
    "Sandbox",
    "SandboxError",
    "TableSource",
    "open_sandbox",
    "run_readonly",
    "setup_sql",
]


class QueryRunner(Protocol):
    """What `open_sandbox` returns: run statements, then close."""

    def run(self, sql: str, *, max_rows: int | None = None) -> QueryResult: ...

    def close(self) -> None: ...


def _check_dataset(dataset: str) -> None:
    if not (dataset.isascii() and dataset.isidentifier()):
        raise QueryError(f"dataset name {dataset!r} must be a plain SQL identifier")


def run_readonly(
    sql: str,
    dataset_url: str | None = None,
    dataset: str = DEFAULT_DATASET,
    *,
    allow_files: bool = False,
    max_rows: int | None = None,
) -> QueryResult:
    """Run one SELECT on the whole dataset (the caller owns it), read-only and without files.

    Args:
        sql: one SELECT statement (`select count(*) from contact`: tables need no schema prefix).
        dataset_url: a DuckDB file path (default `./mailjet.duckdb`) or a `postgresql://` URL.
        dataset: the schema the sync wrote to.
        allow_files: let the statement read files (`read_csv('x.csv')`, `FROM 'x.parquet'`); still one
            SELECT and still read-only.
        max_rows: at most this many rows (None: all).

    Raises:
        SandboxError: not one SELECT, a file without `allow_files`, or a PostgreSQL role that can reach
            server files without `allow_files`.
        QueryError: no dataset, bad SQL, unreachable database.
    """
    _check_dataset(dataset)
    url = dataset_url or DEFAULT_DATASET_URL
    if is_postgres_url(url):
        return run_on_postgres(sql, url, dataset, allow_files=allow_files, max_rows=max_rows)
    return run_on_dataset(sql, duckdb_path(url), dataset, allow_files=allow_files, max_rows=max_rows)


class _PostgresRunner:
    def __init__(
        self, url: str, dataset: str, allowed: Callable[[str], bool], timeout: float | None = None
    ) -> None:
        self.url, self.dataset, self.allowed, self.timeout = url, dataset, allowed, timeout

    def run(self, sql: str, *, max_rows: int | None = None) -> QueryResult:
        return run_on_postgres(
            sql, self.url, self.dataset, allowed=self.allowed, max_rows=max_rows, timeout=self.timeout
        )

    def close(self) -> None:
        return None


def open_sandbox(
    dataset_url: str | None, dataset: str, allowed: Callable[[str], bool], *, timeout: float | None = None
) -> QueryRunner:
    """A runner that sees only the dataset tables `allowed` accepts (for agents); keep it for many queries.

    DuckDB: a `Sandbox` over copies of those tables. PostgreSQL: each statement checks that the login role can
    read no other table and no file, then runs read-only (`setup_sql` makes such a role). With `timeout`, a
    statement running longer is stopped (QueryError) and the runner stays usable.

    Raises:
        QueryError: the dataset name is not an identifier.
    """
    _check_dataset(dataset)
    url = dataset_url or DEFAULT_DATASET_URL
    if is_postgres_url(url):
        return _PostgresRunner(url, dataset, allowed, timeout)
    return Sandbox(DatasetTables(duckdb_path(url), dataset, allowed), schema=dataset, timeout=timeout)
