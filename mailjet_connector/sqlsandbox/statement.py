"""What the sandbox runs: exactly one read-only statement, as DuckDB's own parser sees it (never a word list)."""

from __future__ import annotations

from typing import Any

from mailjet_connector.query import QueryError, first_line

__all__ = ["SandboxError", "first_line", "one_select"]


class SandboxError(QueryError):
    """The SQL is not allowed here (not one SELECT, a file, a table outside the sandbox); one line."""


def one_select(conn: Any, sql: str) -> str:
    """The text of the one SELECT statement `sql` holds, parsed by `conn` (a DuckDB connection).

    SELECT covers `WITH ... SELECT`, `FROM t`, `VALUES`, `DESCRIBE t`, `SHOW TABLES` and `SUMMARIZE t`;
    anything else (INSERT, COPY, ATTACH, SET, PRAGMA, CALL, EXPORT, INSTALL...) is refused, and so is a
    second statement.

    Raises:
        SandboxError: empty, several statements, or not a SELECT.
        QueryError: a syntax error (DuckDB's first line).
    """
    import duckdb

    try:
        statements = conn.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(first_line(exc)) from None
    if not statements:
        raise SandboxError("no SQL statement given: write one SELECT, e.g. select count(*) from contact")
    if len(statements) > 1:
        raise SandboxError(f"one statement only, {len(statements)} given: remove the extra ';' statements")
    statement = statements[0]
    if statement.type != duckdb.StatementType.SELECT:
        kind = statement.type.name.replace("_STATEMENT", "").replace("_", " ")
        raise SandboxError(f"read-only: only a SELECT runs here, not {kind}")
    return str(statement.query).strip().rstrip(";")
