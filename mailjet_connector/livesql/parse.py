"""Parse one SQL statement with sqlglot and find what the API could narrow: table references, conditions, joins.

The statement is parsed (DuckDB dialect), its columns qualified against the live tables' columns, and every
SELECT scope (subqueries, CTEs and set operations included) is walked. For each reference to a live table
it collects the *conditions* that may be pushed to the API (a column compared with a constant) and the
*edges* through which another table's values narrow it (`a.x = b.y`, `a.x IN (SELECT b.y ...)`).

A condition is only collected where dropping the rows it rejects cannot change the result: WHERE conjuncts
and inner-join ON conjuncts, except `IS NULL` on the null-supplying side of an outer join; ON conjuncts of a
LEFT or SEMI join that name only the joined table. Everything is re-evaluated locally: a condition narrows
the read, it never replaces the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError, ParseError, SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, traverse_scope

from mailjet_connector.errors import QueryError
from mailjet_connector.livesql.conditions import DIALECT, Condition, condition, conjuncts, is_constant
from mailjet_connector.livesql.tables import SQL_TYPES, LiveColumn, LiveTable, UnknownTableError, live_table

__all__ = [
    "Analysis",
    "Edge",
    "LiveSqlError",
    "Shape",
    "TableRef",
    "analyse",
    "parse_statement",
    "referenced_tables",
]


class LiveSqlError(QueryError):
    """SQL the live engine cannot run: a parse error, an unknown table or column, a statement kind it refuses."""


@dataclass(eq=False)
class TableRef:
    """One reference to a live table in the statement (a table read twice has two references).

    Args:
        id: position in the statement.
        table: the live table.
        alias: its alias in its scope.
        conditions: conditions collected for it.
        residual: conjuncts about it that are not conditions (evaluated locally only).
        local: the conjuncts about it alone (conditions included): rows failing one cannot matter.
    """

    id: int
    table: LiveTable
    alias: str
    conditions: list[Condition] = field(default_factory=list)
    residual: list[str] = field(default_factory=list)
    local: list[exp.Expression] = field(default_factory=list)


@dataclass(frozen=True)
class Edge:
    """A target row can only matter where `target_column` equals one of the values a query gives.

    The values come either from a column of another reference in the same scope (`a.x = b.y`: the values of
    `source_column` in the source's rows that pass its own conjuncts), or from an uncorrelated subquery
    (`t.x IN (SELECT ...)`, `t.x = (SELECT ...)`), evaluated by DuckDB once the tables it reads are read.

    Args:
        target / target_column: the reference narrowed and its column.
        needs: the references whose rows the values are computed from.
        source / source_column: the column edge's other side (None for a subquery).
        query: the subquery (None for a column edge).
    """

    target: TableRef
    target_column: LiveColumn
    needs: tuple[TableRef, ...]
    source: TableRef | None = None
    source_column: LiveColumn | None = None
    query: exp.Expression | None = None

    @property
    def text(self) -> str:
        """Where the values come from, for `--explain`."""
        if self.source is not None and self.source_column is not None:
            return f"{self.source.alias}.{self.source_column.name}"
        return "the subquery's values"

    def values_sql(self) -> str:
        """A SELECT over the needed tables whose first column lists the values."""
        if self.query is not None:
            return self.query.sql(DIALECT)
        assert self.source is not None and self.source_column is not None
        src = self.source
        select = exp.select(exp.column(self.source_column.name, table=src.alias)).distinct()
        select = select.from_(exp.to_table(src.table.name).as_(src.alias))
        if src.local:
            select = select.where(*(c.copy() for c in src.local))
        return select.sql(DIALECT)


@dataclass
class Shape:
    """A plain one-table SELECT, whose ORDER BY / LIMIT / OFFSET or count may go to the API.

    Args:
        ref: the table.
        order: (column, descending, nulls first) per ORDER BY item; None when an item is not a plain column.
        limit / offset: the constant expressions, or None.
        count: the select list is a lone `count(*)` (or count of a never-null column) with nothing else.
        rows: no aggregate, GROUP BY, DISTINCT, window or QUALIFY: each output row is one table row.
    """

    ref: TableRef
    order: list[tuple[LiveColumn, bool, bool]] | None
    limit: exp.Expression | None
    offset: exp.Expression | None
    count: bool
    rows: bool


@dataclass
class Analysis:
    """What `analyse` found in a SELECT."""

    refs: list[TableRef]
    edges: list[Edge]
    shape: Shape | None


def parse_statement(sql: str) -> exp.Expression:
    """The one statement in `sql`.

    Raises:
        LiveSqlError: no statement, several, or a syntax error.
    """
    try:
        statements = [s for s in sqlglot.parse(sql, read=DIALECT) if s is not None]
    except ParseError as exc:
        raise LiveSqlError(f"cannot parse the SQL: {_first_line(exc)}") from None
    if len(statements) != 1:
        raise LiveSqlError(f"expected one SQL statement, got {len(statements)}")
    return statements[0]


def analyse(statement: exp.Expression) -> Analysis:
    """Table references, conditions, edges and the one-table shape of a SELECT statement.

    Raises:
        LiveSqlError: a table that is not a live table, or a column that its table does not have.
    """
    names = referenced_tables(statement)
    schema = {name: _sql_schema(live_table(name)) for name in names}
    try:
        qualified = qualify(
            statement.copy(),
            schema=schema,
            dialect=DIALECT,
            validate_qualify_columns=True,
            expand_stars=False,
            quote_identifiers=False,
        )
        scopes = list(traverse_scope(qualified))
    except OptimizeError as exc:
        raise LiveSqlError(_first_line(exc)) from None
    except SqlglotError:
        # Valid DuckDB that sqlglot cannot scope: read every table whole; DuckDB still runs the SQL.
        return Analysis([_ref(i, live_table(n), n) for i, n in enumerate(names)], [], None)
    return _Walker(scopes).run()


def referenced_tables(statement: exp.Expression) -> list[str]:
    """The live tables a statement reads (CTE names shadow them), in order of first mention.

    Raises:
        LiveSqlError: a name that is neither a CTE nor a live table, or a schema-qualified table.
    """
    ctes = {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}
    found: dict[str, None] = {}
    for table in statement.find_all(exp.Table):
        name = table.name.lower()
        if not name or name in ctes or isinstance(table.this, exp.Func):
            continue
        if table.args.get("db") or table.args.get("catalog"):
            raise LiveSqlError(f"live tables have no schema: write {table.name}, not {table.sql(DIALECT)}")
        try:
            live_table(name)
        except UnknownTableError as exc:
            raise LiveSqlError(str(exc)) from None
        found.setdefault(name, None)
    return list(found)


def _sql_schema(table: LiveTable) -> dict[str, str]:
    """Column -> SQL type, bookkeeping columns (`_mj_key` ...) included, for sqlglot's qualifier."""
    types = {c: SQL_TYPES[col.type] for c, col in table.columns.items()}
    return {f.name: types.get(f.name, "VARCHAR") for f in table.schema}


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _ref(i: int, table: LiveTable, alias: str) -> TableRef:
    return TableRef(i, table, alias)


class _Walker:
    """Collects references, conditions and edges scope by scope."""

    def __init__(self, scopes: list[Scope]) -> None:
        self.scopes = scopes
        self.refs: list[TableRef] = []
        self.by_scope: dict[int, dict[str, TableRef]] = {}
        self.edges: list[Edge] = []

    def run(self) -> Analysis:
        for scope in self.scopes:
            self.by_scope[id(scope)] = {
                alias: self._new_ref(source, alias)
                for alias, source in scope.sources.items()
                if isinstance(source, exp.Table) and source.name
            }
        for scope in self.scopes:
            if isinstance(scope.expression, exp.Select):
                self._scope(scope)
        return Analysis(self.refs, self.edges, self._shape())

    def _new_ref(self, source: exp.Table, alias: str) -> TableRef:
        ref = TableRef(len(self.refs), live_table(source.name.lower()), alias)
        self.refs.append(ref)
        return ref

    def _scope(self, scope: Scope) -> None:
        select: exp.Select = scope.expression
        refs = self.by_scope[id(scope)]
        nullable, pushable_on, inner_on = _join_sides(select, refs)
        where = select.args.get("where")
        found = [(c, None) for c in conjuncts(where.this if where else None)]
        found += [(c, None) for c in inner_on]
        found += [(c, alias) for alias, cs in pushable_on for c in cs]
        for conjunct, only in found:
            own = {c.table for c in conjunct.find_all(exp.Column) if c.find_ancestor(exp.Select) is select}
            nested = conjunct.find(exp.Query, exp.Subquery) is not None
            if len(own) == 1 and own <= set(refs) and only in (None, *own) and not nested:
                refs[next(iter(own))].local.append(conjunct)
            if nested:
                self._subquery_edge(scope, conjunct, refs, only)
            elif len(own) == 2 and own <= set(refs):
                self._edge(conjunct, refs, only)
                continue
            elif len(own) == 1 and own <= set(refs):
                (alias,) = own
                cond = condition(conjunct, refs[alias].table)
                # IS NULL keeps null-extended rows: not on the null-supplying side of an outer join.
                null_side = cond is not None and cond.op == "null" and alias in nullable and only is None
                if cond is not None and only in (None, alias) and not null_side:
                    refs[alias].conditions.append(cond)
                    continue
                if only is not None:
                    continue  # an ON conjunct about the preserved side: it narrows nothing
            # Evaluated locally only: a residual of the tables it names (of every table when it names none).
            for alias in (own & set(refs)) or set(refs):
                refs[alias].residual.append(conjunct.sql(DIALECT))

    def _edge(self, conjunct: exp.Expression, refs: dict[str, TableRef], only: str | None) -> None:
        if not isinstance(conjunct, exp.EQ):
            return
        left, right = conjunct.this, conjunct.expression
        if not (isinstance(left, exp.Column) and isinstance(right, exp.Column)):
            return
        if left.table not in refs or right.table not in refs:
            return
        a, b = refs[left.table], refs[right.table]
        col_a, col_b = a.table.column(left.name), b.table.column(right.name)
        if col_a is None or col_b is None:
            return
        # A LEFT/SEMI join's ON equality narrows the joined table only; elsewhere it narrows both sides.
        if only in (None, b.alias):
            self.edges.append(Edge(b, col_b, (a,), source=a, source_column=col_a))
        if only in (None, a.alias):
            self.edges.append(Edge(a, col_a, (b,), source=b, source_column=col_b))

    def _subquery_edge(
        self, scope: Scope, conjunct: exp.Expression, refs: dict[str, TableRef], only: str | None
    ) -> None:
        """`t.x IN (SELECT ...)` or `t.x = (SELECT ...)` with an uncorrelated subquery: its values narrow t."""
        if isinstance(conjunct, exp.In) and conjunct.args.get("query") is not None:
            column, query = conjunct.this, conjunct.args["query"]
        elif isinstance(conjunct, exp.EQ):
            column, query = conjunct.this, conjunct.expression
            if isinstance(column, exp.Subquery):
                column, query = query, column
        else:
            return
        inner = query.this if isinstance(query, exp.Subquery) else query
        if not isinstance(column, exp.Column) or column.table not in refs or only not in (None, column.table):
            return
        target = refs[column.table]
        target_col = target.table.column(column.name)
        child = next((s for s in scope.subquery_scopes if s.expression is inner), None)
        if child is None or target_col is None or not isinstance(inner, exp.Query):
            return
        tree = list(child.traverse())
        aliases = {alias for s in tree for alias in s.sources}
        if any(c.table and c.table not in aliases for c in inner.find_all(exp.Column)):
            return  # correlated: its values depend on the outer row
        needs = tuple(r for s in tree for r in self.by_scope.get(id(s), {}).values())
        self.edges.append(Edge(target, target_col, needs, query=inner))

    def _shape(self) -> Shape | None:
        root = self.scopes[-1] if self.scopes else None
        if root is None or len(self.scopes) != 1 or not isinstance(root.expression, exp.Select):
            return None
        select: exp.Select = root.expression
        refs = self.by_scope[id(root)]
        if len(refs) != 1 or select.args.get("joins") or len(root.sources) != 1:
            return None
        (ref,) = refs.values()
        plain = not any(select.args.get(k) for k in ("group", "having", "distinct", "qualify", "windows"))
        aggregates = any(e.find(exp.AggFunc) for e in select.expressions)
        windows = any(e.find(exp.Window) for e in select.expressions)
        return Shape(
            ref=ref,
            order=_order(select, ref),
            limit=_limit_value(select.args.get("limit")),
            offset=_limit_value(select.args.get("offset")),
            count=plain and not windows and _is_count(select, ref),
            rows=plain and not aggregates and not windows,
        )


def _join_sides(
    select: exp.Select, refs: dict[str, TableRef]
) -> tuple[set[str], list[tuple[str, list[exp.Expression]]], list[exp.Expression]]:
    """(null-supplying aliases, ON conjuncts pushable to the joined table only, inner ON conjuncts)."""
    from_ = select.args.get("from_") or select.args.get("from")
    seen = [from_.this.alias_or_name] if from_ is not None else []
    nullable: set[str] = set()
    pushable: list[tuple[str, list[exp.Expression]]] = []
    inner: list[exp.Expression] = []
    for join in select.args.get("joins") or []:
        alias = join.this.alias_or_name
        side, kind, method = join.side.upper(), join.kind.upper(), (join.method or "").upper()
        on = conjuncts(join.args.get("on"))
        if method:
            nullable.update([*seen, alias])  # ASOF, POSITIONAL, NATURAL: leave them to DuckDB
        elif side == "LEFT":
            nullable.add(alias)
            pushable.append((alias, on))
        elif side == "RIGHT":
            nullable.update(seen)
        elif side == "FULL":
            nullable.update([*seen, alias])
        elif kind in ("", "INNER", "CROSS", "SEMI"):
            inner += on
        seen.append(alias)
    return nullable & set(refs), pushable, inner


def _order(select: exp.Select, ref: TableRef) -> list[tuple[LiveColumn, bool, bool]] | None:
    order = select.args.get("order")
    # ORDER BY may name an output column (`SELECT id ... ORDER BY id`): see through the alias.
    outputs = {
        e.alias_or_name: e.unalias() for e in select.expressions if isinstance(e.unalias(), exp.Column)
    }
    items: list[tuple[LiveColumn, bool, bool]] = []
    for item in order.expressions if order else []:
        node = item.this
        if isinstance(node, exp.Column) and not node.table and node.name in outputs:
            node = outputs[node.name]
        col = (
            ref.table.column(node.name) if isinstance(node, exp.Column) and node.table == ref.alias else None
        )
        if col is None:
            return None
        desc = bool(item.args.get("desc"))
        # sqlglot fills in DuckDB's default (NULLS LAST in both directions) when the SQL says nothing.
        nulls_first = bool(item.args.get("nulls_first"))
        items.append((col, desc, nulls_first))
    return items


def _limit_value(node: exp.Expression | None) -> exp.Expression | None:
    if node is None:
        return None
    value = node.expression if isinstance(node, exp.Limit | exp.Offset) else node
    return value if value is not None and is_constant(value) else exp.Null()


def _is_count(select: exp.Select, ref: TableRef) -> bool:
    if len(select.expressions) != 1 or select.args.get("order") or select.args.get("offset"):
        return False
    node = select.expressions[0].unalias()
    if not isinstance(node, exp.Count) or node.args.get("distinct") or node.find(exp.Filter):
        return False
    arg = node.this
    if arg is None or isinstance(arg, exp.Star) or (isinstance(arg, exp.Literal) and not arg.is_string):
        return True
    # count(col) counts non-NULL values: equal to count(*) for a column that is never NULL (the key).
    return isinstance(arg, exp.Column) and arg.name == "id" and ref.table.column("id") is not None
