"""The read plan of a live query: which API calls fetch the rows each table reference needs.

Each reference to a live table becomes a `Source`: a set of `Read`s (a filtered listing, a countOnly call,
a window of a sorted listing, or keyed GETs), possibly *fed* by another source (`a.x = b.y`: b is read for
the values of a.x once a is read) or by its parent's IDs (messagehistory per message). A one-table query
whose WHERE is pushed exactly may also send its ORDER BY / LIMIT / OFFSET, or its `count(*)` (countOnly).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from mailjet_connector.catalog import FieldType, Op
from mailjet_connector.exporting import ALL_TIME
from mailjet_connector.livesql.constants import Evaluator
from mailjet_connector.livesql.parse import DIALECT, Analysis, Edge, LiveSqlError, Shape, TableRef
from mailjet_connector.livesql.pushdown import Narrowing, narrow, render
from mailjet_connector.livesql.tables import Dimension, LiveColumn, LiveTable

__all__ = ["Plan", "Read", "Source", "plan_query"]

KEYED_READS = 5  # IDs read one call each even when other filters could list them
MAX_READS = 500  # combinations of split values and dimension values one reference may expand to


@dataclass
class Read:
    """One family of API calls for one table.

    Args:
        params: query filters (dimension values and the all-time window included).
        context: values of injected context columns for the rows it returns.
        keys: read `/{resource}/{id}` for each of these IDs instead of listing.
        sort / limit / offset: a window of a sorted listing (limit None = every row).
        count: a countOnly call.
    """

    params: dict[str, str]
    context: dict[str, Any] = field(default_factory=dict)
    keys: list[int] | None = None
    sort: str | None = None
    limit: int | None = None
    offset: int = 0
    count: bool = False


@dataclass
class Source:
    """How the rows of one table reference are read.

    Args:
        ref: the reference.
        narrowing: what the WHERE pushes.
        reads: the reads, when they need nothing from another source.
        feed: the edge whose source values narrow this one (read after its source).
        parent_dims: dimensions enumerated from their parent resource's IDs.
        notes: what is pushed and what is left to DuckDB, for `--explain`.
    """

    ref: TableRef
    narrowing: Narrowing
    reads: list[Read] = field(default_factory=list)
    feed: Edge | None = None
    parent_dims: list[Dimension] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def table(self) -> LiveTable:
        return self.ref.table

    @property
    def full(self) -> bool:
        """A plain read of every row: any other source of the same table is covered by it."""
        return (
            self.feed is None
            and not self.parent_dims
            and len(self.reads) == 1
            and not self.reads[0].params
            and not self.table.dimensions
            and self.reads[0].keys is None
            and self.reads[0].limit is None
            and not self.reads[0].count
        )


@dataclass
class Plan:
    """The reads of a query and how DuckDB finishes it.

    Args:
        sources: one per table reference, in reading order (fed sources after their feeders).
        local_sql: the SQL DuckDB runs over the rows read (OFFSET removed when the API applied it).
        count: the answer is the sum of the countOnly calls (the SQL is a pushed `count(*)`).
        empty: nothing can match (`LIMIT 0`): no call at all.
    """

    sources: list[Source]
    local_sql: str
    count: bool = False
    empty: bool = False


def plan_query(sql: str, statement: exp.Expression, analysis: Analysis, ev: Evaluator) -> Plan:
    """The read plan of a parsed, analysed SELECT.

    Raises:
        LiveSqlError: a table the API cannot read as asked (a required parameter the query leaves open).
    """
    sources = [Source(ref, narrow(ref, ev)) for ref in analysis.refs]
    by_ref = {s.ref.id: s for s in sources}
    plan = Plan(sources, sql)
    shape = analysis.shape
    pushed = _push_shape(plan, by_ref[shape.ref.id], shape, statement, ev) if shape else False
    for source in sources:
        if not (pushed and source.ref is shape.ref):  # type: ignore[union-attr]
            _plain_reads(source)
    plan.sources = _feeds(sources, analysis.edges)
    for source in plan.sources:
        source.notes = list(source.narrowing.notes) + [f"local only: {r}" for r in source.ref.residual]
    return plan


def _plain_reads(source: Source) -> None:
    """The reads of a source from its narrowing: every combination of split and dimension values."""
    nar, table = source.narrowing, source.table
    if nar.keys is not None and (len(nar.keys) <= KEYED_READS or not (nar.params or nar.splits)):
        source.reads.append(Read({}, keys=nar.keys))  # `/{resource}/{id}`: the other filters apply locally
        return
    axes: list[list[tuple[str, str, Any]]] = [
        [(name, v, None) for v in values] for name, values in nar.splits
    ]
    for dim in table.dimensions:
        values = nar.dims.get(dim.column)
        if values is None:
            continue
        wire = _wire(table, dim)
        axes.append([(dim.filter, render(dim.type, v), (wire, v) if dim.injected else None) for v in values])
    combos = list(itertools.islice(itertools.product(*axes), MAX_READS + 1))
    if len(combos) > MAX_READS:
        raise LiveSqlError(
            f"{table.name}: the IN lists make more than {MAX_READS} reads; narrow the query or sync first"
        )
    for combo in combos:
        params = dict(nar.params)
        context = {}
        for name, value, ctx in combo:
            params[name] = value
            if ctx is not None:
                context[ctx[0]] = ctx[1]
        source.reads.append(Read(params, context))


def _wire(table: LiveTable, dim: Dimension) -> str:
    col = table.column(dim.column)
    assert col is not None
    return col.wire


def _feeds(sources: list[Source], edges: list[Edge]) -> list[Source]:
    """Choose the feeds and the reading order: a source is read after the sources its feed needs.

    Sources narrowed by the query come first. A table with open dimensions (messagehistory without a
    message_id) takes any edge into the dimension, else its parent's IDs are enumerated; any other table
    takes an edge whose needed sources are already placed into a column it can be read by. When nothing
    can be placed, the first remaining plain source is read whole and the rest tried again.
    """
    placed: list[Source] = []
    done: set[int] = set()

    def place(source: Source) -> None:
        placed.append(source)
        done.add(source.ref.id)

    for source in sources:
        if _anchored(source):
            place(source)
    pending = [s for s in sources if s.ref.id not in done]
    while pending:
        progress = False
        for source in list(pending):
            if _try_place(source, edges, done):
                place(source)
                pending.remove(source)
                progress = True
        if progress:
            continue
        plain = next((s for s in pending if not _open_dims(s)), None)
        if plain is None:  # only tables with open dimensions left: enumerate their parents
            plain = pending[0]
            plain.feed = None
            _enumerate(plain, _open_dims(plain))
        place(plain)
        pending.remove(plain)
    return placed


def _open_dims(source: Source) -> list[Dimension]:
    return [d for d in source.table.dimensions if d.column not in source.narrowing.dims]


def _try_place(source: Source, edges: list[Edge], done: set[int]) -> bool:
    ready = [e for e in edges if e.target is source.ref and all(n.id in done for n in e.needs)]
    open_dims = _open_dims(source)
    if open_dims:
        for dim in open_dims:
            edge = next((e for e in ready if e.target_column.name == dim.column), None)
            if edge is not None:
                source.feed = edge
                _enumerate(source, [d for d in open_dims if d is not dim])
                return True
        blocked = any(
            e.target_column.name in {d.column for d in open_dims} for e in edges if e.target is source.ref
        )
        if blocked:
            return False  # wait: a feed into the dimension may become ready
        _enumerate(source, open_dims)
        return True
    edge = next((e for e in ready if _keyable(source.table, e.target_column)), None)
    if edge is None:
        return False
    source.feed = edge
    return True


def _enumerate(source: Source, dims: list[Dimension]) -> None:
    """Open dimensions: enumerated from their parent's IDs where the catalog says how, else refused."""
    for dim in dims:
        if dim.required:
            raise LiveSqlError(_required_message(source.table))
        source.parent_dims.append(dim)


def _anchored(source: Source) -> bool:
    """Whether a source is narrowed by the query itself and needs nothing else (it can be read first)."""
    nar = source.narrowing
    if _open_dims(source):
        return False
    if source.reads and (source.reads[0].count or source.reads[0].limit is not None):
        return True
    return bool(nar.params or nar.splits or nar.keys is not None or nar.dims)


def _keyable(table: LiveTable, column: LiveColumn) -> bool:
    if column.wire == "ID" and table.keyed:
        return True
    return feed_filter(column) is not None


def feed_filter(column: LiveColumn) -> str | None:
    """The filter that reads a column's rows one value at a time (an equality filter), if any."""
    for flt in column.filters:
        if flt.op is Op.EQ and column.type in (FieldType.INT, FieldType.STR, FieldType.EMAIL):
            return flt.name
    return None


def _required_message(table: LiveTable) -> str:
    parts = [f"{d.column} = '{d.choices[0]}'" for d in table.dimensions if d.required]
    choices = "; ".join(f"{d.column}: {', '.join(d.choices)}" for d in table.dimensions if d.required)
    return (
        f"{table.name} is read with {', '.join(d.column for d in table.dimensions if d.required)} given: "
        + (f"add WHERE {' AND '.join(parts)} ({choices})")
    )


# -- one-table pushdown: count, order, limit, offset ------------------------------------------------------


def _push_shape(plan: Plan, source: Source, shape: Shape, statement: exp.Expression, ev: Evaluator) -> bool:
    """Send a one-table query's count or ORDER BY/LIMIT/OFFSET to the API when that is exact."""
    nar = source.narrowing
    if not nar.exact or source.table.dimensions or nar.keys is not None:
        return False
    if shape.count and shape.limit is None:
        plan.count = True
        _plain_reads(source)
        for read in source.reads:
            read.count = True
        source.narrowing.notes.append("count(*) -> countOnly=1")
        return True
    if not shape.rows or shape.limit is None:
        return False
    limit, offset = _integer(shape.limit, ev), _integer(shape.offset, ev) if shape.offset is not None else 0
    sort = _sort(shape, source)
    if limit is None or offset is None or sort is False:
        return False
    if limit == 0:
        plan.empty = True
        return False
    _plain_reads(source)
    split = len(source.reads) > 1
    for read in source.reads:
        read.sort, read.limit = sort, limit + offset if split else limit
        read.offset = 0 if split else offset
    if offset and not split:
        local = statement.copy()
        local.set("offset", None)
        plan.local_sql = local.sql(DIALECT)
    what = f"ORDER BY -> Sort={sort}, " if sort else ""
    source.narrowing.notes.append(f"{what}LIMIT {limit} OFFSET {offset} -> Limit/Offset")
    return True


def _integer(node: exp.Expression, ev: Evaluator) -> int | None:
    if isinstance(node, exp.Null):
        return None
    _, value = ev.scalar(node)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _sort(shape: Shape, source: Source) -> str | bool | None:
    """The `Sort` parameter that orders the listing as the ORDER BY does, None for no ORDER BY, False when
    the API cannot (not sortable, text collation, empty values placed differently)."""
    order = shape.order
    if order is None:
        return False
    if not order:
        return None
    if len(order) == 2 and (order[1][0].wire != "ID" or order[1][1]):
        return False  # a second key is only a tie-break by ascending ID, as the API breaks ties
    if len(order) > 2:
        return False
    col, desc, nulls_first = order[0]
    if col.sort is None or (desc and not col.sort.desc) or col.type in (FieldType.STR, FieldType.EMAIL):
        return False
    if col.nullable:
        # The API sorts an empty timestamp as 0 (first ascending, last descending); DuckDB puts NULLs last.
        narrowed = any(c.column.name == col.name and c.op in ("gt", "ge", "eq", "between", "notnull", "in")
                       for c in source.ref.conditions)  # fmt: skip
        if nulls_first != (not desc) and not narrowed:
            return False
    return f"{col.sort.field} DESC" if desc else col.sort.field


def export_params(table: LiveTable, params: dict[str, str], *, rows: bool = True) -> dict[str, Any]:
    """The params of a listing call: the resource's display flags (complete rows), and where the API defaults
    to today (openinformation ...), its lower time bound at the start of time unless the query gives one, as
    the sync's first window and `export` do."""
    cursor = table.res.cursor
    # Complete rows, as the sync reads them: the display flags (ShowSubject...) that fill otherwise empty fields.
    params = table.res.with_show_flags(params) if rows else dict(params)  # a count needs no display flags
    if (
        table.res.today_default
        and cursor is not None
        and cursor.from_filter
        and cursor.from_filter not in params
    ):
        return {**params, cursor.from_filter: ALL_TIME}
    return params
