"""The sandbox on PostgreSQL: one SELECT through a server-side cursor, in a read-only transaction, and a
role check, since only the database's own grants can keep a statement away from files and other tables.

- One SELECT: the statement is declared as a cursor (`DECLARE ... CURSOR FOR`), which PostgreSQL accepts for
  a query only, and over the extended protocol, which refuses a second statement.
- Read-only: the transaction is `READ ONLY` and rolled back.
- Files: a role that can read or write server files (a superuser, a member of `pg_read_server_files`,
  `pg_write_server_files`, `pg_execute_server_program` or of a superuser role, or one granted
  `pg_read_file` & co.) is refused unless files are allowed: such a role could also lift any limit set
  inside the session (`set_config('role', ...)`).
- Tables (agents): the role may read no table outside the allowed ones; `setup_sql` writes the grants.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from mailjet_connector.query import QueryError, QueryResult, first_line, redact_url
from mailjet_connector.sqlsandbox.statement import SandboxError

__all__ = ["run_on_postgres", "setup_sql"]

FILE_ROLES = ("pg_read_server_files", "pg_write_server_files", "pg_execute_server_program")
FILE_FUNCTIONS = (
    "pg_read_file(text)",
    "pg_read_binary_file(text)",
    "pg_ls_dir(text)",
    "pg_stat_file(text)",
    "lo_import(text)",
    "lo_export(oid,text)",
)
FILE_ACCESS_SQL = """
select exists (
    select 1 from pg_roles r
    where (r.rolsuper or r.rolname = any(%(roles)s)) and pg_has_role(session_user, r.oid, 'MEMBER')
) or exists (
    select 1 from unnest(%(functions)s::text[]) f
    where to_regprocedure(f) is not null
      and has_function_privilege(session_user, to_regprocedure(f), 'EXECUTE')
)
"""
# Every table or view outside the system schemas that the login role, or a role it may switch to, can read.
READABLE_SQL = """
select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'v', 'm', 'f', 'p')
  and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%%'
  and exists (
    select 1 from pg_roles r
    where pg_has_role(session_user, r.oid, 'MEMBER') and has_any_column_privilege(r.oid, c.oid, 'SELECT')
  )
order by 1, 2
"""
CURSOR = "mailjet_sandbox"


def run_on_postgres(
    sql: str,
    url: str,
    dataset: str,
    *,
    allow_files: bool = False,
    allowed: Callable[[str], bool] | None = None,
    max_rows: int | None = None,
    timeout: float | None = None,
) -> QueryResult:
    """One SELECT on a PostgreSQL dataset, read-only.

    Args:
        sql: the statement.
        url: `postgresql://...`.
        dataset: the schema the sync wrote to (first on the search path).
        allow_files: do not refuse a role that can reach server files.
        allowed: for agents: which dataset tables may be read; the role must be able to read no other
            table (None: no table check).
        max_rows: at most this many rows.
        timeout: seconds the statement may run (`statement_timeout`); None: the server's setting.

    Raises:
        SandboxError: a role that can reach files or other tables, or not one SELECT.
        QueryError: bad SQL or an unreachable database (the password never appears).
    """
    try:
        import psycopg
    except ImportError:
        raise QueryError("psycopg is not installed: pip install 'mailjet-connector[sync]'") from None
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            conn.read_only = True
            with conn.cursor() as check:
                if not allow_files:
                    _refuse_file_access(check)
                if allowed is not None:
                    _refuse_other_tables(check, dataset, allowed)
                check.execute(f"set local search_path to {dataset}, public")  # type: ignore[arg-type]
                if timeout is not None:
                    check.execute(f"set local statement_timeout = {max(1, round(timeout * 1000))}")  # type: ignore[arg-type]
            with conn.cursor(name=CURSOR) as cursor:
                try:
                    cursor.execute(sql)  # type: ignore[arg-type]
                except psycopg.errors.SyntaxError as exc:
                    raise _statement_error(exc) from None
                rows = cursor.fetchmany(max_rows) if max_rows is not None else cursor.fetchall()
                columns = [d.name for d in cursor.description or []]
            conn.rollback()
            return QueryResult(columns, rows)
    except psycopg.errors.QueryCanceled:
        raise QueryError(
            f"the query ran longer than {timeout:g} s and was stopped: narrow it (a WHERE, a LIMIT, fewer joins)"
        ) from None
    except psycopg.Error as exc:
        raise QueryError(redact_url(first_line(exc), url)) from None


def _refuse_file_access(cursor: Any) -> None:
    cursor.execute(FILE_ACCESS_SQL, {"roles": list(FILE_ROLES), "functions": list(FILE_FUNCTIONS)})
    if cursor.fetchone()[0]:
        raise SandboxError(
            "the dataset URL's role can read or write server files (a superuser or a file role): "
            "connect as a role without file access (docs/sql.md#postgresql), or pass --allow-files"
        )


def _refuse_other_tables(cursor: Any, dataset: str, allowed: Callable[[str], bool]) -> None:
    cursor.execute(READABLE_SQL)
    for schema, table in cursor.fetchall():
        if schema != dataset or not allowed(str(table)):
            raise SandboxError(
                f"the dataset URL's role can read {schema}.{table}, which this agent may not: connect as a role "
                "granted only the agent's tables (docs/agents-mcp.md#postgresql)"
            )


def _statement_error(exc: Exception) -> Exception:
    text = first_line(exc)
    if "multiple commands" in text:
        return SandboxError("one statement only: remove the extra ';' statements")
    if re.search(r"syntax error at or near", text) and not re.search(r"\bselect\b", text, re.IGNORECASE):
        return QueryError(f"{text} (read-only: only a SELECT runs here)")
    return QueryError(text)


def setup_sql(role: str, dataset: str, tables: Iterable[str]) -> str:
    """The SQL that creates a login role which can read exactly `tables` of the dataset (for agents).

    Run it as an administrator; set the password yourself. The role gets no other grant, so the sandbox's
    table check passes and PostgreSQL itself keeps every other table and every file out of reach.
    """
    names = ", ".join(f"{dataset}.{t}" for t in sorted(tables))
    lines = [
        f"create role {role} login password 'change-me' nosuperuser noinherit;",
        f"revoke all on all tables in schema {dataset} from public;",
        f"grant usage on schema {dataset} to {role};",
    ]
    if names:
        lines.append(f"grant select on {names} to {role};")
    return "\n".join(lines)
