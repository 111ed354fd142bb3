"""SQL writes on writable resources: INSERT, UPDATE ... WHERE, DELETE ... WHERE become the importer's plan.

Each statement is turned into a live SELECT that gives the rows to write (read with the same pushdown as any
live query), then into the rows of an import:

| statement | rows read live | import |
|---|---|---|
| `INSERT INTO t (a, b) VALUES (...), ...` | the VALUES (no API call) | insert |
| `INSERT INTO t (a, b) SELECT ...` | the SELECT (live tables) | insert |
| `UPDATE t SET a = expr WHERE cond` | `SELECT id, expr AS a FROM t WHERE cond` | update, matched on the key |
| `DELETE FROM t WHERE cond` | `SELECT id FROM t WHERE cond` | delete, matched on the key |

The plan is the importer's (`importer.prepare`): the same validation, per-row errors, journal and bulk paths
as `mailjet-connector import`. It is applied only by `apply_live_write` (the CLI asks first, or takes
`--yes`). Columns are named as in the dataset (`is_excluded_from_campaigns`); a read-only or unknown column is
refused before any call. As in `import`, a NULL or empty value leaves a field as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from mailjet_connector.client import Client
from mailjet_connector.livesql.conditions import DIALECT
from mailjet_connector.livesql.fetch import DEFAULT_MAX_CALLS
from mailjet_connector.livesql.parse import LiveSqlError, parse_statement
from mailjet_connector.livesql.run import run_live
from mailjet_connector.livesql.tables import LiveTable, UnknownTableError, live_table

__all__ = ["LiveWrite", "apply_live_write", "is_write", "plan_live_write"]

_MODES = {exp.Insert: "insert", exp.Update: "update", exp.Delete: "delete"}


@dataclass
class LiveWrite:
    """A planned SQL write.

    Args:
        sql: the statement.
        mode: insert, update or delete.
        table: the live table written.
        plan: the importer's plan (`importer.Plan`).
        calls: the API calls made to find the rows (the live SELECT's, not the planner's own reads).
    """

    sql: str
    mode: str
    table: LiveTable
    plan: Any
    calls: tuple[str, ...] = ()


def is_write(sql: str) -> bool:
    """Whether `sql` is one INSERT, UPDATE or DELETE (parsed, never matched as text)."""
    try:
        statement = parse_statement(sql)
    except LiveSqlError:
        return False
    return type(statement) in _MODES


def plan_live_write(client: Client, sql: str, *, max_calls: int | None = DEFAULT_MAX_CALLS) -> LiveWrite:
    """Find the rows an INSERT, UPDATE or DELETE writes (live) and plan their writes; writes nothing.

    Args:
        client: the API client.
        sql: one INSERT, UPDATE ... WHERE or DELETE ... WHERE on a writable live table.
        max_calls: the bound on the calls of the live SELECT that finds the rows.

    Raises:
        LiveSqlError: not such a statement, a table that cannot be written that way, a column that is unknown
            or read-only, UPDATE or DELETE without WHERE.
        PlanError: the importer refuses the rows (e.g. a verb the resource does not allow).
    """
    from mailjet_connector.importer import prepare

    statement = parse_statement(sql)
    mode = _MODES.get(type(statement))
    if mode is None:
        raise LiveSqlError("expected one INSERT, UPDATE ... WHERE or DELETE ... WHERE")
    table = _target(statement)
    select, columns, key = _rows_query(statement, table, mode)
    found = run_live(client, select, max_calls=max_calls)
    rows = [_wire_row(table, columns, row) for row in found.rows]
    plan = prepare(client, table.name, rows, mode, key=key)
    return LiveWrite(sql, mode, table, plan, found.calls)


def apply_live_write(client: Client, write: LiveWrite, **options: Any) -> Any:
    """Apply a planned write with the importer (`importer.apply`: journal, per-row errors, bulk jobs).

    Args:
        client: the client the write was planned with.
        write: from `plan_live_write`.
        **options: `journal`, `restart`, `concurrency`, as `importer.apply` takes them.

    Returns:
        The importer's `ImportResult`.
    """
    from mailjet_connector.importer import apply

    return apply(client, write.plan, **options)


def _target(statement: exp.Expression) -> LiveTable:
    node = statement.this
    table = node.this if isinstance(node, exp.Schema) else node
    if not isinstance(table, exp.Table) or table.args.get("db"):
        raise LiveSqlError("write to one live table, named without a schema (e.g. contactslist)")
    try:
        found = live_table(table.name.lower())
    except UnknownTableError as exc:
        raise LiveSqlError(str(exc)) from None
    return found


def _rows_query(statement: exp.Expression, table: LiveTable, mode: str) -> tuple[str, list[str], list[str]]:
    """(live SELECT giving the rows, the SQL column of each of its output columns, the match key fields)."""
    for clause in ("returning", "conflict", "from_", "from", "using", "order", "limit"):
        if statement.args.get(clause):
            raise LiveSqlError(
                f"{clause.rstrip('_').upper().replace('CONFLICT', 'ON CONFLICT')} is not supported"
            )
    if mode == "insert":
        return _insert_query(statement, table)
    where = statement.args.get("where")
    if where is None:
        raise LiveSqlError(f"{mode.upper()} needs a WHERE (write WHERE true to mean every row)")
    key = [f for f in table.res.primary_key]
    if not key:
        raise LiveSqlError(f"{table.name} has no key to address its rows: it cannot be updated or deleted")
    key_columns = [_column_of(table, f) for f in key]
    alias = statement.this.alias_or_name
    projections: list[exp.Expression] = [exp.column(c, table=alias) for c in key_columns]
    columns = list(key_columns)
    if mode == "update":
        for assignment in statement.expressions:
            name = _writable(table, assignment.this.name)
            projections.append(exp.alias_(assignment.expression.copy(), name))
            columns.append(name)
    source = exp.to_table(table.name)
    if alias != table.name:
        source = source.as_(alias)
    select = exp.select(*projections).from_(source).where(where.this.copy())
    return select.sql(DIALECT), columns, key


def _insert_query(statement: exp.Insert, table: LiveTable) -> tuple[str, list[str], list[str]]:
    target = statement.this
    if not isinstance(target, exp.Schema) or not target.expressions:
        raise LiveSqlError(f"name the columns: INSERT INTO {table.name} (col, ...) VALUES (...)")
    columns = [_writable(table, ident.name) for ident in target.expressions]
    source = statement.expression
    if isinstance(source, exp.Values):
        width = {len(row.expressions) for row in source.expressions if isinstance(row, exp.Tuple)}
        if width != {len(columns)}:
            raise LiveSqlError(f"each VALUES row needs {len(columns)} values, one per column named")
        select = exp.select("*").from_(exp.Subquery(this=source.copy(), alias=exp.TableAlias(
            this=exp.to_identifier("v"), columns=[exp.to_identifier(c) for c in columns])))  # fmt: skip
        return select.sql(DIALECT), columns, []
    if isinstance(source, exp.Query):
        return source.sql(DIALECT), columns, []
    raise LiveSqlError("INSERT takes VALUES (...) or a SELECT")


def _writable(table: LiveTable, name: str) -> str:
    column = table.column(name.lower())
    if column is None or column.context:
        raise LiveSqlError(f"{table.name} has no column {name!r}")
    field = table.res.field(column.wire)
    if field is None or field.read_only:
        raise LiveSqlError(f"{table.name}.{column.name} is read-only: Mailjet sets it")
    return column.name


def _column_of(table: LiveTable, wire: str) -> str:
    found = next((c.name for c in table.columns.values() if c.wire == wire and not c.context), None)
    if found is None:
        raise LiveSqlError(f"{table.name} has no column for its key {wire}")
    return found


def _wire_row(table: LiveTable, columns: list[str], values: tuple[Any, ...]) -> dict[str, Any]:
    if len(values) != len(columns):
        raise LiveSqlError(f"the SELECT gives {len(values)} columns for {len(columns)} named")
    return {table.columns[c].wire: v for c, v in zip(columns, values, strict=True)}
