"""Conditions: the conjuncts of a WHERE (or ON) that compare one column with constants.

`condition` recognises `col op constant`, `constant op col`, `lower(col) = constant`, `BETWEEN`, `IN (...)`,
`LIKE`/`ILIKE`, `IS [NOT] NULL`, bare and negated boolean columns, and ORs of equalities on one column. A
constant is anything DuckDB evaluates to the same value twice in one transaction (`is_constant`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlglot import exp

from mailjet_connector.livesql.tables import LiveColumn, LiveTable

__all__ = ["DIALECT", "Condition", "condition", "conjuncts", "is_constant"]

DIALECT = "duckdb"
# Functions whose value changes between two evaluations: a predicate using them is never pushed.
_VOLATILE = {"random", "uuid", "gen_random_uuid", "uuidv4", "uuidv7", "nextval", "currval", "setseed"}
# Comparison node -> (operator, operator with the sides swapped).
_COMPARISONS: dict[type[exp.Expression], tuple[str, str]] = {
    exp.EQ: ("eq", "eq"),
    exp.GT: ("gt", "lt"),
    exp.GTE: ("ge", "le"),
    exp.LT: ("lt", "gt"),
    exp.LTE: ("le", "ge"),
}


@dataclass(frozen=True)
class Condition:
    """A test of one column against constants that the API may be able to apply.

    Args:
        column: the column tested.
        op: eq, gt, ge, lt, le, in, like, ilike, ieq (`lower(col) = x`), null, notnull.
        values: the constant expressions (one, or several for `in`).
        node: the conjunct (DuckDB checks every value derived from it against it).
    """

    column: LiveColumn
    op: str
    values: tuple[exp.Expression, ...]
    node: exp.Expression

    @property
    def text(self) -> str:
        """The conjunct as SQL, for `--explain`."""
        return self.node.sql(DIALECT)


def conjuncts(node: exp.Expression | None) -> Iterator[exp.Expression]:
    """The terms of `a AND (b AND c)`: a, b, c (parentheses seen through)."""
    return _terms(node, exp.And)


def _terms(node: exp.Expression | None, kind: type[exp.Connector]) -> Iterator[exp.Expression]:
    if node is None:
        return
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, kind):
        yield from _terms(node.this, kind)
        yield from _terms(node.expression, kind)
    else:
        yield node


def is_constant(node: exp.Expression) -> bool:
    """Whether `node` has the same value wherever it is evaluated in one transaction (no columns, no
    subqueries, no parameters, no aggregates or windows, no volatile functions)."""
    if node.find(
        exp.Column, exp.Query, exp.Subquery, exp.Placeholder, exp.Parameter, exp.AggFunc, exp.Window
    ):
        return False
    if node.find(exp.Rand):
        return False
    return not any(
        (f.name if isinstance(f, exp.Anonymous) else f.sql_name()).lower() in _VOLATILE
        for f in node.find_all(exp.Func)
    )


def condition(node: exp.Expression, table: LiveTable) -> Condition | None:
    """The condition a conjunct on one table expresses, or None when it is no column-vs-constant test."""
    text = node
    while isinstance(node, exp.Paren):
        node = node.this
    negated = isinstance(node, exp.Not)
    inner = node.this if negated else node
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, exp.Column):  # a bare boolean column, or NOT column
        col = table.column(inner.name)
        return Condition(col, "eq", (exp.Boolean(this=not negated),), text) if col else None
    if negated:
        if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
            return _on_column(table, inner.this, "notnull", (), text)
        return None
    if isinstance(node, exp.Is):
        if isinstance(node.expression, exp.Null):
            return _on_column(table, node.this, "null", (), text)
        if isinstance(node.expression, exp.Boolean):
            return _on_column(table, node.this, "eq", (node.expression,), text)
        return None
    for kind, (op, swapped) in _COMPARISONS.items():
        if type(node) is kind:
            left, right = node.this, node.expression
            if isinstance(left, exp.Lower) and op == "eq" and is_constant(right):
                return _on_column(table, left.this, "ieq", (right,), text)
            if is_constant(right):
                return _on_column(table, left, op, (right,), text)
            if is_constant(left):
                return _on_column(table, right, swapped, (left,), text)
            return None
    if isinstance(node, exp.Between) and is_constant(node.args["low"]) and is_constant(node.args["high"]):
        return _on_column(table, node.this, "between", (node.args["low"], node.args["high"]), text)
    if (
        isinstance(node, exp.In)
        and not node.args.get("query")
        and all(is_constant(v) for v in node.expressions)
    ):
        return _on_column(table, node.this, "in", tuple(node.expressions), text)
    if isinstance(node, exp.Like | exp.ILike) and is_constant(node.expression):
        return _on_column(
            table, node.this, "like" if isinstance(node, exp.Like) else "ilike", (node.expression,), text
        )
    if isinstance(node, exp.Or):
        return _disjunction(node, table, text)
    return None


def _on_column(
    table: LiveTable, node: exp.Expression, op: str, values: tuple[exp.Expression, ...], text: exp.Expression
) -> Condition | None:
    if not isinstance(node, exp.Column):
        return None
    col = table.column(node.name)
    return Condition(col, op, values, text) if col is not None else None


def _disjunction(node: exp.Or, table: LiveTable, text: exp.Expression) -> Condition | None:
    """`a = 1 OR a = 2 OR a IN (3)` on one column: an `in`."""
    parts = [condition(part, table) for part in _terms(node, exp.Or)]
    if not parts or any(p is None or p.op not in ("eq", "in") for p in parts):
        return None
    columns = {p.column.name for p in parts if p is not None}
    if len(columns) != 1:
        return None
    values = tuple(v for p in parts if p is not None for v in p.values)
    return Condition(parts[0].column, "in", values, text)  # type: ignore[union-attr]
