"""DuckDB locked down: no files or network, no extensions, no Python variables, settings frozen.

Applied to every sandbox connection once its own set-up (search path, loaded tables) is done. After
`lock_configuration`, no statement can change a setting back; `enable_external_access=false` cannot be undone
while the database runs at all.
"""

from __future__ import annotations

import re
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from mailjet_connector.query import QueryError, QueryResult
from mailjet_connector.sqlsandbox.statement import SandboxError, first_line, one_select

__all__ = ["FILE_SETTINGS", "SETTINGS", "MissingTableError", "lock", "run_select"]

_MISSING = re.compile(r"Table with name (.+?) does not exist")

# Always: nothing is fetched or loaded behind the query's back, and the caller's Python objects stay out.
SETTINGS = (
    ("autoinstall_known_extensions", "false"),
    ("autoload_known_extensions", "false"),
    ("allow_community_extensions", "false"),
    ("python_enable_replacements", "false"),
)
# Unless files are allowed: read_csv, read_text, glob, FROM 'file', COPY, ATTACH, INSTALL all fail.
FILE_SETTINGS = (("enable_external_access", "false"),)


def lock(conn: Any, *, allow_files: bool = False) -> None:
    """Apply the sandbox settings to `conn` and freeze them (`lock_configuration`).

    Without files, DuckDB still lets a query read its temp directory (`allowed_directories` gets it when
    external access is turned off): `.tmp/` under the working directory for an in-memory database,
    `<file>.tmp/` next to a dataset file, so `read_text('.tmp/x')` read whatever someone left there. The
    temp directory is first moved to a fresh, unguessable path that does not exist yet (DuckDB creates it
    only to spill, and removes it on close), so that exception holds nothing but DuckDB's own spill files.
    """
    if not allow_files:
        private = Path(tempfile.gettempdir()) / f"mailjet-sql-{uuid.uuid4().hex}"
        conn.execute("set temp_directory = $1", [str(private)])
    for name, value in SETTINGS + (() if allow_files else FILE_SETTINGS):
        conn.execute(f"set {name} = {value}")
    conn.execute("set lock_configuration = true")


def run_select(
    conn: Any, sql: str, max_rows: int | None = None, *, timeout: float | None = None
) -> QueryResult:
    """Run the one SELECT of `sql` on a locked connection; at most `max_rows` rows (None: all).

    The row bound is applied by DuckDB (a LIMIT on the statement's relation), not after fetching. With
    `timeout`, DuckDB is interrupted after that many seconds (a recursive CTE that never ends, a cross join
    of everything), so that a shared runner is not held forever.

    Raises:
        SandboxError: not one SELECT, or it reaches a file or setting the sandbox forbids.
        QueryError: any other database error (first line), or the statement ran past `timeout`.
    """
    import duckdb

    statement = one_select(conn, sql)
    timer = threading.Timer(timeout, conn.interrupt) if timeout is not None else None
    try:
        if timer is not None:
            timer.start()
        relation = conn.sql(statement)
        if relation is None:  # a SELECT always gives a relation; kept as a guard, never as a bypass
            raise SandboxError("read-only: the statement gave no rows to read")
        if max_rows is not None:
            relation = relation.limit(max_rows)
        columns = list(relation.columns)
        return QueryResult(columns, relation.fetchall())
    except duckdb.PermissionException as exc:
        raise SandboxError(f"{first_line(exc)} (files are off here)") from None
    except duckdb.CatalogException as exc:
        found = _MISSING.search(str(exc))
        if found:
            raise MissingTableError(found.group(1).strip('"'), first_line(exc)) from None
        raise QueryError(first_line(exc)) from None
    except duckdb.InterruptException:
        raise QueryError(
            f"the query ran longer than {timeout:g} s and was stopped: narrow it (a WHERE, a LIMIT, fewer joins)"
        ) from None
    except duckdb.Error as exc:
        raise QueryError(first_line(exc)) from None
    finally:
        if timer is not None:
            timer.cancel()


class MissingTableError(QueryError):
    """The statement names a table the connection does not hold (`table`, as written in the SQL)."""

    def __init__(self, table: str, message: str) -> None:
        super().__init__(message)
        self.table = table
