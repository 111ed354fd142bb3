"""Running a read plan against the API: pages into arrow tables in the synced layout, every call counted.

The calls a query may make are bounded (`max_calls`). Costs known in advance (keyed reads, countOnly, a
LIMIT window) are checked before any call; a full listing learns its size from its first page (countrecords),
so every listing's first page is read before the rest of any of them, and the total is checked then. A fed
source (read for the values another source found) is checked once those values are known.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from mailjet_connector.client import Client
from mailjet_connector.errors import NotFoundError
from mailjet_connector.livesql import DEFAULT_MAX_CALLS
from mailjet_connector.livesql.parse import Edge, LiveSqlError
from mailjet_connector.livesql.plan import Plan, Read, Source, export_params, feed_filter
from mailjet_connector.livesql.pushdown import render
from mailjet_connector.livesql.tables import LiveTable
from mailjet_connector.pagination import MAX_LIMIT, Walker
from mailjet_connector.protocol import count_params, list_params, walk_order

__all__ = [
    "DEFAULT_MAX_CALLS",
    "FEED_DIRECT",
    "Budget",
    "Fetcher",
    "LiveLimitError",
    "describe",
    "is_walk",
    "known_cost",
    "pages_for",
]

# Values a fed source is read for one call each without first counting what a plain listing would cost.
FEED_DIRECT = 5


class LiveLimitError(LiveSqlError):
    """The query would make more API calls than allowed.

    Args:
        estimate: the calls it would make in all.
        made: the calls made before this was known.
        limit: the allowance.
    """

    def __init__(self, estimate: int, made: int, limit: int) -> None:
        self.estimate, self.made, self.limit = estimate, made, limit
        super().__init__(
            f"this query needs about {estimate} API calls, more than --max-calls {limit} ({made} made to find "
            "out): raise --max-calls, narrow the WHERE, or sync and query the dataset"
        )


@dataclass
class Budget:
    """The calls made so far (described), and the most a query may make (None: no bound)."""

    limit: int | None = DEFAULT_MAX_CALLS
    calls: list[str] = field(default_factory=list)

    @property
    def made(self) -> int:
        return len(self.calls)

    def allow(self, more: int) -> None:
        """Raise LiveLimitError when `more` calls would go over the limit."""
        if self.limit is not None and self.made + more > self.limit:
            raise LiveLimitError(self.made + more, self.made, self.limit)

    def spend(self, description: str, n: int = 1) -> None:
        self.calls += [description] * n


def describe(table: LiveTable, read: Read, key: Any = None) -> str:
    """One call of a read, as `GET /v3/REST/contact?Email=x` (the real parameters, countOnly, Sort ...)."""
    path = table.res.path
    if read.keys is not None:
        return f"GET {path}/{'{id}' if key is None else key}"
    params = export_params(table, read.params, rows=not read.count)
    if read.count:
        query = count_params(params)
    else:
        limit = min(read.limit, MAX_LIMIT) if read.limit is not None else MAX_LIMIT
        query = list_params(params, limit=limit, offset=read.offset, sort=read.sort, count=False)
    return f"GET {path}?" + "&".join(f"{k}={v}" for k, v in query.items())


class _Rows:
    """The rows of one table read so far, as arrow pages in the synced layout, each key once."""

    def __init__(self, table: LiveTable) -> None:
        self.table = table
        self.seen: set[str] = set()
        self.pages: list[pa.Table] = []

    def add(self, rows: list[dict[str, Any]], context: dict[str, Any], seq: int = 0) -> None:
        lay = self.table.layout
        keys = lay.page_keys(rows, context, seq)
        keep = [i for i, k in enumerate(keys) if k not in self.seen]
        if not keep:
            return
        rows, keys = [rows[i] for i in keep], [keys[i] for i in keep]
        self.seen.update(keys)
        self.pages.append(lay.to_arrow(rows, keys, lay.page_hashes(rows), context))

    def arrow(self) -> pa.Table:
        if not self.pages:
            return self.table.schema.empty_table()
        return pa.concat_tables(self.pages)


class _Walk:
    """An exact walk of a listing (the client's `Walker`), one batch of pages at a time."""

    def __init__(self, client: Client, table: LiveTable, read: Read) -> None:
        self.client, self.table, self.read = client, table, read
        self.sort, key = walk_order(table.res, None)
        self.walker = Walker(limit=MAX_LIMIT, key=key, concurrency=client.concurrency)
        self.params = export_params(table, read.params)

    def remaining(self) -> int:
        """Calls still to make (1 before the first page; from the total afterwards)."""
        w = self.walker
        if w.done:
            return 0
        if w.total is None:
            return 1
        return pages_for(max(0, w.total - w.position))

    def batch(self, budget: Budget) -> list[dict[str, Any]] | None:
        """The rows of the next batch of pages (None when the walk is over)."""
        offsets = self.walker.plan()
        if not offsets:
            return None
        name = self.table.res.name
        pages = self.client.fetch_pages(name, self.params, offsets, limit=self.walker.limit, sort=self.sort)
        budget.spend(describe(self.table, self.read), len(offsets))
        rows: list[dict[str, Any]] = []
        for offset, page in zip(offsets, pages, strict=True):
            fresh, stop = self.walker.feed(offset, page.rows, page.total if offset == offsets[0] else None)
            rows += fresh
            if stop:
                break
        return rows


Values = Callable[[Edge, dict[str, pa.Table]], list[Any] | None]


class Fetcher:
    """Runs the reads of a plan with one client, within a budget; the rows end up per table.

    Args:
        client: the API client.
        budget: the calls allowed and made.
        values: computes a feed's values over the tables read so far (DuckDB, in the query's sandbox);
            None when it cannot (the source is then read without its feed).
    """

    def __init__(self, client: Client, budget: Budget, values: Values) -> None:
        self.client, self.budget, self.values = client, budget, values
        self.rows: dict[str, _Rows] = {}
        self.total = 0  # the sum of countOnly answers
        self._seq: dict[int, int] = {}  # rows taken so far per read: keys of rows keyed by position

    def run(self, plan: Plan) -> dict[str, pa.Table]:
        """Read everything the plan needs; the arrow table of every table it names (empty when unread)."""
        for source in plan.sources:
            self.rows.setdefault(source.table.name, _Rows(source.table))
        if not plan.empty:
            covered = {s.table.name: s for s in plan.sources if s.full}
            todo = [s for s in plan.sources if covered.get(s.table.name, s) is s]
            first = [s for s in todo if s.feed is None and not s.parent_dims]
            self._independent(first)
            for source in todo:
                if source not in first:
                    self._fed(source)
        return self.tables()

    # -- sources whose reads need nothing else ----------------------------------------------------------

    def _independent(self, sources: list[Source]) -> None:
        reads = [(s, r) for s in sources for r in s.reads]
        walks = [_Walk(self.client, s.table, r) for s, r in reads if is_walk(r)]
        known = sum(known_cost(r) for _, r in reads if not is_walk(r))
        self.budget.allow(known + len(walks))
        started = [(w, w.batch(self.budget)) for w in walks]
        self.budget.allow(known + sum(w.remaining() for w in walks))
        for walk, rows in started:
            self._add(walk.table, walk.read, rows or [])
            while (more := walk.batch(self.budget)) is not None:
                self._add(walk.table, walk.read, more)
        for source, read in reads:
            if not is_walk(read):
                self._read(source.table, read)

    def _read(self, table: LiveTable, read: Read) -> None:
        """A read of known cost: countOnly, keyed GETs, or a window of a sorted listing."""
        name = table.res.name
        if read.count:
            self.budget.spend(describe(table, read))
            self.total += self.client.count(name, export_params(table, read.params, rows=False))
        elif read.keys is not None:
            for key in read.keys:
                self.budget.spend(describe(table, read, key))
                try:
                    self._add(table, read, [self.client.get(name, key)])
                except NotFoundError:
                    continue
        elif read.limit is not None:
            self._window(table, read)
        else:
            walk = _Walk(self.client, table, read)
            while (rows := walk.batch(self.budget)) is not None:
                self._add(table, read, rows)

    def _window(self, table: LiveTable, read: Read) -> None:
        params, wanted, offset = export_params(table, read.params), read.limit or 0, read.offset
        while wanted > 0:
            limit = min(wanted, MAX_LIMIT)
            page = self.client.page(
                table.res.name, params, limit=limit, offset=offset, sort=read.sort, count=False
            )
            self.budget.spend(describe(table, Read(read.params, sort=read.sort, limit=limit, offset=offset)))
            self._add(table, read, page.rows[:wanted])
            if len(page.rows) < limit:
                return
            wanted, offset = wanted - len(page.rows), offset + len(page.rows)

    def _add(self, table: LiveTable, read: Read, rows: list[dict[str, Any]]) -> None:
        # Rows without a key of their own (messagehistory) are keyed by their position in their listing,
        # as the sync keys them: the same read gives the same keys.
        seq = self._seq.get(id(read), 0)
        self._seq[id(read)] = seq + len(rows)
        self.rows[table.name].add(rows, read.context, seq=seq)

    # -- sources read for values found by another ------------------------------------------------------

    def _fed(self, source: Source) -> None:
        reads = list(self._expand(source))
        direct = sum(known_cost(r) if not is_walk(r) else 1 for r in reads)
        if source.feed is not None and not source.table.dimensions and direct > FEED_DIRECT:
            # Many values: one count tells whether reading the table whole is cheaper.
            self.budget.allow(1)
            plain = list(source.reads)
            pages = sum(self._pages(source.table, r) for r in plain)
            if pages < direct:
                reads, direct = plain, pages
        self.budget.allow(direct)
        walks = [_Walk(self.client, source.table, r) for r in reads if is_walk(r)]
        for walk in walks:
            while (rows := walk.batch(self.budget)) is not None:
                self._add(walk.table, walk.read, rows)
        for read in reads:
            if not is_walk(read):
                self._read(source.table, read)

    def _pages(self, table: LiveTable, read: Read) -> int:
        self.budget.spend(describe(table, Read(read.params, count=True)))
        return pages_for(self.client.count(table.res.name, export_params(table, read.params, rows=False)))

    def _expand(self, source: Source) -> Iterator[Read]:
        """The reads of a fed source: each of its reads once per value it is fed (and per parent ID)."""
        table = source.table
        axes: list[list[tuple[str, str, Any]]] = []
        values = self.values(source.feed, self.tables()) if source.feed is not None else None
        if source.feed is not None and values is None:
            source.feed = None
            source.parent_dims += [d for d in table.dimensions if d.column not in source.narrowing.dims]
        if source.feed is not None and values is not None:
            column = source.feed.target_column
            dim = table.dimension(column.name)
            name = dim.filter if dim is not None else feed_filter(column)
            if name is None:  # the ID: `/{resource}/{id}`
                keys = sorted({v for v in values if isinstance(v, int) and not isinstance(v, bool)})
                if source.narrowing.keys is not None:
                    keys = [k for k in keys if k in set(source.narrowing.keys)]
                yield Read({}, keys=keys)
                return
            ftype = dim.type if dim is not None else column.type
            inject = dim is not None and dim.injected
            axes.append([(name, render(ftype, v), (column.wire, v) if inject else None) for v in values])
        for read in source.reads:
            read_axes = list(axes)
            for dim in source.parent_dims:
                parent = table.parent_of(dim, read.params)
                if parent is None:
                    continue  # statcounters SourceID with CounterSource=APIKey: not sent
                col = table.column(dim.column)
                wire = col.wire if col is not None else dim.filter
                ids = self._parent_ids(parent)
                read_axes.append(
                    [(dim.filter, render(dim.type, i), (wire, i) if dim.injected else None) for i in ids]
                )
            for combo in itertools.product(*read_axes):
                params, context = dict(read.params), dict(read.context)
                for name, value, ctx in combo:
                    params[name] = value
                    if ctx is not None:
                        context[ctx[0]] = ctx[1]
                yield Read(params, context)

    def tables(self) -> dict[str, pa.Table]:
        """The arrow table of every table named by the plan, as read so far."""
        return {name: rows.arrow() for name, rows in self.rows.items()}

    def _parent_ids(self, parent: str) -> list[int]:
        """Every ID of a parent resource (messagehistory is read per message), one walk, checked first."""
        from mailjet_connector.livesql.tables import live_table

        table = live_table(parent)
        walk = _Walk(self.client, table, Read({}))
        ids: list[int] = []
        while (rows := walk.batch(self.budget)) is not None:
            ids += [row["ID"] for row in rows if isinstance(row.get("ID"), int)]
            # The parent's listing still to read, then one call per parent (its total, once known).
            self.budget.allow(walk.remaining() + max(len(ids), walk.walker.total or 0))
        return ids


def pages_for(rows: int) -> int:
    """Calls an exact walk makes for a listing of `rows` rows (pages overlap by one row)."""
    return rows // (MAX_LIMIT - 1) + 1


def is_walk(read: Read) -> bool:
    return not read.count and read.keys is None and read.limit is None


def known_cost(read: Read) -> int:
    if read.count:
        return 1
    if read.keys is not None:
        return len(read.keys)
    if read.limit is not None:
        return max(1, -(-read.limit // MAX_LIMIT))
    return 1
