"""Reading one stream (a catalog resource with fixed filters) into arrow pages, with resumable state.

A *stream* is one walk: a resource, its filters and the context columns its rows carry (statcounters reads
one stream per source x timing x resolution, statistics/link-click one per campaign). Its dlt state holds:

    {"mark": <high-water mark of the last completed run>,
     "run": {"id", "time", "lo", "hi", "walk": <page checkpoint>, "done", "deleted": [keys], "seq"}}

Every page updates `run` before it is handed to dlt, so the state committed with a load matches exactly the
pages in it: a re-run after a crash resumes after the last committed page.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import dlt
import pyarrow as pa

from mailjet_connector.catalog import Resource
from mailjet_connector.client import Client
from mailjet_connector.errors import APIError, AuthenticationError
from mailjet_connector.sync.deletions import IdSnapshot, Snapshot, load_snapshot
from mailjet_connector.sync.incremental import (
    Window,
    is_incremental,
    next_window,
    slice_floor,
    split_window,
    window_filters,
)
from mailjet_connector.sync.keyset import KeySet
from mailjet_connector.sync.options import SyncOptions
from mailjet_connector.sync.reader import PageReader, WalkSpec, prepare_pages
from mailjet_connector.sync.schema import TableLayout, column_name
from mailjet_connector.sync.settings import KEY_COLUMN, READ_WHOLE, YIELD_ROWS
from mailjet_connector.sync.walk import keyed

FULL, WINDOW, MERGE = (
    "full",
    "window",
    "merge",
)  # stream modes: full read + deletions, time window, merge only


NEW_ONLY = "since_id"  # run key: the run reads only IDs above this one (no deletions found)
FULL_AT = "full_at"  # stream state key: time of the last finished full read


@dataclass
class Budget:
    """Pages one pipeline run may extract, and until when, before it stops to commit (None = no limit)."""

    pages: int | None = None
    deadline: float | None = None  # time.monotonic() after which every stream stops at its next page
    pending: set[str] = field(default_factory=set)  # tables with work left for the next run

    def take(self) -> bool:
        """Count a page; False once the budget is spent (the stream must stop at a resumable point)."""
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return False
        if self.pages is None:
            return True
        self.pages -= 1
        return self.pages > 0


@dataclass
class ResourceStats:
    """What one resource did in a sync."""

    rows: int = 0  # rows read from the API
    new: int = 0
    updated: int = 0
    deleted: int = 0
    api_calls: int = 0
    seconds: float = 0.0
    failed: int = 0  # reads the API refused (400, 403, 404): the rest of the sync went on without them
    error: str = ""  # the first refusal, one line


@dataclass
class SyncContext:
    """The state of one sync while it runs, shared by its resources (the options say what to do).

    Args:
        client: the API client.
        run_id / now: identity and time of the sync (a resumed sync keeps the interrupted one's).
        options: the sync's options (what to read, the window, the narrowing...).
        tables: the tables the current extract reads (None: what the options select).
        chunk: how many extracts this sync has loaded before the current one.
        budget: pages per pipeline run.
        stats: per-resource counters, kept across pipeline runs.
    """

    client: Client
    run_id: str
    now: int
    options: SyncOptions = field(default_factory=SyncOptions)
    tables: Sequence[str] | None = None
    chunk: int = 0
    budget: Budget = field(default_factory=Budget)
    stats: dict[str, ResourceStats] = field(default_factory=dict)
    parent_ids: dict[Any, list[int]] = field(default_factory=dict)  # (parent, narrowing) -> IDs listed
    snapshots: dict[tuple[str, str], Snapshot | IdSnapshot] = field(default_factory=dict)
    sql: Any = None  # an open sql client of the destination, shared by the snapshots of one extract
    readers: dict[tuple[str, str], PageReader] = field(default_factory=dict)
    # Tables the destination held no row of when the sync started (`run_sync` fills it): one walk in key
    # order cannot repeat a key, so such a table is loaded by append, with no merge against itself.
    empty_tables: frozenset[str] = frozenset()
    # Keys handed to dlt in this extract, per table, for walks that cannot promise unique keys (a load holds
    # each key once: the merge skips dlt's deduplication, `settings.MERGE_DISPOSITION`).
    extract_keys: dict[str, KeySet] = field(default_factory=dict)

    def stats_for(self, name: str) -> ResourceStats:
        return self.stats.setdefault(name, ResourceStats())

    def sql_client(self) -> Any:
        """The destination's sql client, opened once per extract (`close_sql` ends it)."""
        if self.sql is None:
            self.sql = dlt.current.pipeline().sql_client()
            self.sql.open_connection()
        return self.sql

    def close(self) -> None:
        """Stop every reader still reading ahead (end of the sync, or an error)."""
        for reader in self.readers.values():
            reader.close()
        self.readers.clear()

    def close_sql(self) -> None:
        if self.sql is not None:
            self.sql.close_connection()
            self.sql = None


@dataclass(frozen=True)
class Stream:
    """One walk of a resource.

    Args:
        key: the stream's name inside its resource state.
        res: the catalog resource.
        layout: the table layout (the table may hold several streams).
        mode: FULL (read everything, mark deletions), WINDOW (incremental) or MERGE (merge what is read).
        filters: query filters.
        context: values of the layout's context columns.
        slice_seconds: statcounters Day/Hour: re-read the last (still growing) slice.
        lookback: first-run window length when no start date is given (statcounters Day/Hour).
        sort: walk order (default ID).
        span: the widest window one request may ask for (statcounters: 100 slices); a run's window is
            read in consecutive parts of at most this, its position in `run["part"]`.
    """

    key: str
    res: Resource
    layout: TableLayout
    mode: str
    filters: tuple[tuple[str, Any], ...] = ()
    context: tuple[tuple[str, Any], ...] = ()
    slice_seconds: int | None = None
    lookback: int | None = None
    sort: str | None = None
    span: int | None = None


def stream_mode(res: Resource, narrowed: bool) -> str:
    """WINDOW when the API filters `res` by time (and it is not read whole: `READ_WHOLE`), else FULL, or
    MERGE when user filters narrow the read."""
    if is_incremental(res) and res.name not in READ_WHOLE:
        return WINDOW
    return MERGE if narrowed else FULL


def read_stream(
    ctx: SyncContext, stream: Stream, state: dict[str, Any], *, may_stop: bool = True
) -> Iterator[pa.Table]:
    """Yield the changed rows of `stream` as arrow tables of up to `YIELD_ROWS` rows, checkpointing into `state`.

    Args:
        ctx: the sync.
        stream: what to read.
        state: the stream's dlt state (see the module docstring).
        may_stop: stop when the page budget is spent (adds the table to `ctx.budget.pending`).
    """
    run = _current_run(ctx, stream, state)
    if run is None:
        return
    batch = _Batch()
    try:
        yield from _read_pages(ctx, stream, state, run, batch, may_stop=may_stop)
    except APIError as exc:
        if not refused(exc):
            raise
        _refuse(ctx, stream, run, exc)
    if batch.rows:
        yield batch.flush()


def refused(exc: APIError) -> bool:
    """Whether the API refused this read for good (400, 403, 404...): the rest of the sync goes on.

    A 401 refuses the key itself, and retriable errors (429, 5xx) already had their retries: both stop the sync.
    """
    return not exc.retriable and not isinstance(exc, AuthenticationError)


def _refuse(ctx: SyncContext, stream: Stream, run: dict[str, Any], exc: APIError) -> None:
    """Record a stream the API refused: its run ends (so no later sync resumes it), its mark stays."""
    run["done"] = True
    run["deleted"] = []
    record_refusal(ctx, stream.layout.table, exc)


def record_refusal(ctx: SyncContext, table: str, exc: APIError) -> None:
    """Count a read of `table` the API refused; the report says the sync was partial."""
    stats = ctx.stats_for(table)
    stats.failed += 1
    if not stats.error:
        text = str(exc).strip()
        stats.error = text.splitlines()[0] if text else type(exc).__name__


def _read_pages(
    ctx: SyncContext,
    stream: Stream,
    state: dict[str, Any],
    run: dict[str, Any],
    batch: _Batch,
    *,
    may_stop: bool,
) -> Iterator[pa.Table]:
    """The page loop of `read_stream` (pages gathered into `batch`, full batches yielded)."""
    stats, started = ctx.stats_for(stream.layout.table), time.monotonic()
    snapshot = _snapshot(ctx, stream, run)
    in_id_order = keyed(stream.res.name, stream.sort)
    full = stream.mode == FULL and NEW_ONLY not in run  # a read that finds deletions
    by_id = full and in_id_order
    # Only a walk whose position is a key can stop mid-way; a full read that is not ordered by ID must be
    # seen whole in one extract to know which rows vanished.
    stoppable = may_stop and (by_id or not full)
    # A walk in ID order never repeats a key; any other may (rows moving under plain offsets, or a catalog
    # key that is not unique upstream): keep each key once per load.
    once = None if in_id_order else ctx.extract_keys.setdefault(stream.layout.table, KeySet())
    ahead = max(0, ctx.options.read_ahead) if may_stop else 0
    reader = _reader(ctx, stream, run, ahead=ahead)
    while (page := reader.take()) is not None:
        step, keys = page.step, page.keys
        stats.api_calls += 1
        run["seq"] = page.seq
        load, new, changed = snapshot.classify(keys, page.hashes)
        if once is not None:
            load = once.first_seen(load, keys)
        if full:
            if by_id:
                run["deleted"] += snapshot.gone_between(step.before, None if step.done else step.after, keys)
            elif len(snapshot):  # an empty snapshot (a first sync) has nothing that could have vanished
                snapshot.see(keys)
                if step.done:
                    run["deleted"] += snapshot.unseen()
        run["walk"] = step.checkpoint
        finished = step.done and not _next_part(stream, run)
        if finished:
            run["done"] = True
            state["mark"] = run["hi"]
            if full:
                state[FULL_AT] = run["time"]
            _forget_snapshot(ctx, stream, run)
        stats.rows, stats.new, stats.updated = (
            stats.rows + len(keys),
            stats.new + new,
            stats.updated + changed,
        )
        if load:
            batch.add(page.table if len(load) == len(keys) else page.table.take(pa.array(load, pa.int64())))
        stats.seconds += time.monotonic() - started
        if batch.rows >= YIELD_ROWS:
            yield batch.flush()
        started = time.monotonic()
        if ctx.options.progress is not None:
            ctx.options.progress(stream.layout.table, stats.rows)
        if finished:
            break
        if step.done:  # the window's next part: a walk of its own
            reader = _reader(ctx, stream, run, ahead=ahead)
        if not ctx.budget.take() and stoppable:
            ctx.budget.pending.add(stream.layout.table)
            break


def _parts(stream: Stream, run: dict[str, Any]) -> list[Window]:
    """The windows the run's window is read in (one unless the stream's requests have a widest span)."""
    return window_parts(stream, Window(run["lo"], run["hi"]))


def window_parts(stream: Stream, window: Window) -> list[Window]:
    """The consecutive windows a stream reads `window` in (one unless its requests have a widest span)."""
    return split_window(window, stream.span)


def _next_part(stream: Stream, run: dict[str, Any]) -> bool:
    """Move the run to its window's next part (a fresh walk); False when the last part is done."""
    part = run.get("part", 0) + 1
    if stream.mode != WINDOW or part >= len(_parts(stream, run)):
        return False
    run["part"], run["walk"] = part, None
    return True


class _Batch:
    """Pages gathered into one arrow table per yield (dlt's cost is per item, not per row)."""

    def __init__(self) -> None:
        self.tables: list[pa.Table] = []
        self.rows = 0

    def add(self, table: pa.Table) -> None:
        if table.num_rows:
            self.tables.append(table)
            self.rows += table.num_rows

    def flush(self) -> pa.Table:
        table = self.tables[0] if len(self.tables) == 1 else pa.concat_tables(self.tables)
        self.tables, self.rows = [], 0
        return table


def _reader(ctx: SyncContext, stream: Stream, run: dict[str, Any], *, ahead: int) -> PageReader:
    """The reader that goes on from the run's committed page: the one a previous chunk left, or a new one."""
    ident = (stream.layout.table, stream.key)
    reader = ctx.readers.pop(ident, None)
    if reader is not None and reader.resumes(run["walk"]):
        ctx.readers[ident] = reader
        return reader
    if reader is not None:
        reader.close()
    spec = walk_spec(stream, _parts(stream, run)[run.get("part", 0)], ctx.options.page_limit)
    pages = prepare_pages(ctx.client, spec, run["walk"], run["seq"], ctx.client.concurrency if ahead else 1)
    reader = PageReader(pages, run["walk"], ahead=ahead)
    if ahead:
        ctx.readers[ident] = reader
    return reader


def walk_spec(stream: Stream, window: Window, page_limit: int) -> WalkSpec:
    """What a reader walks for `stream`: its filters, plus the window's bounds when it reads a window.

    Args:
        stream: the stream.
        window: the window (or the part of it, `window_parts`) to read; ignored unless the mode is WINDOW.
        page_limit: rows per API page.
    """
    # Complete rows: the display flags that fill fields a listing otherwise leaves empty (ShowSubject...).
    filters = stream.res.with_show_flags(dict(stream.filters))
    if stream.mode == WINDOW:
        filters.update(window_filters(stream.res, window))
    return WalkSpec(stream.res.name, filters, stream.layout, dict(stream.context), stream.sort, page_limit)


def _current_run(ctx: SyncContext, stream: Stream, state: dict[str, Any]) -> dict[str, Any] | None:
    """The run to continue (None when this sync already finished the stream), or a new one."""
    run = state.get("run")
    if run is not None and not ctx.options.full_refresh:
        if run["id"] == ctx.run_id:
            return None if run["done"] else run
        if not run["done"]:
            run["id"] = ctx.run_id  # resume the interrupted run inside this sync
            return run
    if run is not None and run["id"] == ctx.run_id:
        return None if run["done"] else run
    window = stream_window(ctx, stream, None if ctx.options.full_refresh else state.get("mark"))
    run = {"id": ctx.run_id, "time": ctx.now, "lo": window.lo, "hi": window.hi, "walk": None}
    run.update({"done": False, "deleted": [], "seq": 0})
    top = None if full_read_due(ctx, stream, state) else top_id(ctx, stream)
    if top is not None:  # only the rows added since: the walk starts after the highest ID synced
        run[NEW_ONLY], run["walk"] = top[0], {"frontier": top[0], "position": top[1]}
    state["run"] = run
    return run


def full_read_due(ctx: SyncContext, stream: Stream, state: dict[str, Any]) -> bool:
    """Whether this run reads `stream` whole (finding deletions and edits), per the deletions schedule.

    Only a FULL stream walked by ID can do otherwise (read the IDs above the highest synced); it reads whole
    on its first run, with --full-refresh, and when the schedule says so (`SyncOptions.deletions`);
    `settings.READ_WHOLE` resources always.
    """
    if stream.mode != FULL or not keyed(stream.res.name, stream.sort) or stream.layout.key != ("ID",):
        return True
    if stream.res.name in READ_WHOLE:  # read whole on every run so that its edits are caught (campaign)
        return True
    last = state.get(FULL_AT)
    if ctx.options.full_refresh or last is None:
        return True
    return ctx.options.deletions is not None and ctx.now - int(last) >= ctx.options.deletions


def top_id(ctx: SyncContext, stream: Stream) -> tuple[int, int] | None:
    """(highest ID, rows not marked deleted) of the stream's table, or None when it holds none."""
    from dlt.destinations.exceptions import DatabaseUndefinedRelation

    from mailjet_connector.sync.settings import DELETED_COLUMN

    client = ctx.sql_client()
    name = client.make_qualified_table_name(stream.layout.table)
    sql = f"SELECT max(CAST({KEY_COLUMN} AS BIGINT)), count(*) FROM {name} WHERE {DELETED_COLUMN} IS NULL"
    try:
        rows = client.execute_sql(sql)
    except DatabaseUndefinedRelation:
        return None
    top, count = rows[0] if rows else (None, 0)
    return None if top is None else (int(top), int(count))


def stream_window(ctx: SyncContext, stream: Stream, mark: int | None) -> Window:
    """The window a new run of `stream` reads, after the high-water mark `mark` of its last completed run.

    Args:
        ctx: the sync (its time; the options' start and end dates and lookback).
        stream: the stream (statcounters Day/Hour streams re-read their last, still growing, slice).
        mark: the mark (None on a first run or a full refresh).
    """
    start, end = ctx.options.start, ctx.options.end
    if stream.slice_seconds is None:
        return next_window(mark, ctx.now, start=start, end=end, lookback=ctx.options.lookback)
    base = mark if mark is not None else (start if start is not None else ctx.now - (stream.lookback or 0))
    # The newest slice keeps growing until it ends: start one second before it (FromTS is exclusive).
    lo = slice_floor(base, stream.slice_seconds) - 1
    return Window(lo, max(lo, ctx.now if end is None else min(end, ctx.now)))


def _snapshot(ctx: SyncContext, stream: Stream, run: dict[str, Any]) -> Snapshot | IdSnapshot:
    """What the destination holds for the stream, read once per sync (a stream may span many chunks)."""
    pipeline, table = dlt.current.pipeline(), stream.layout.table
    if stream.layout.seq_key:
        return Snapshot()  # rows without a key of their own (messagehistory): only read for changed parents
    # MERGE streams share their table's snapshot; the others' rows loaded in earlier chunks are never met again.
    ident = (table, "") if stream.mode == MERGE else (table, f"{stream.key}:{run['id']}")
    if ident not in ctx.snapshots:
        by_id = stream.layout.key == ("ID",)  # `_mj_key` is the ID: a compact snapshot
        int_key = stream.layout.int_key  # another integer column alone (ContactID...): compact too
        if NEW_ONLY in run:
            found = load_snapshot(
                pipeline,
                table,
                f"CAST({KEY_COLUMN} AS BIGINT) > %s",
                (run[NEW_ONLY],),
                client=ctx.sql_client(),
                by_id=by_id,
                int_key=int_key,
            )
        elif stream.mode == WINDOW and stream.res.cursor is not None:
            column = column_name(stream.res.cursor.field)
            since = (datetime.fromtimestamp(run["lo"], UTC),)
            found = load_snapshot(
                pipeline,
                table,
                f"{column} > %s",
                since,
                client=ctx.sql_client(),
                by_id=by_id,
                int_key=int_key,
            )
        else:
            found = load_snapshot(pipeline, table, client=ctx.sql_client(), by_id=by_id, int_key=int_key)
        ctx.snapshots[ident] = found
    return ctx.snapshots[ident]


def snapshot_of(ctx: SyncContext, stream: Stream) -> Snapshot | IdSnapshot:
    """What the destination holds for a MERGE stream (read once per sync, shared by the table's streams)."""
    assert stream.mode == MERGE
    return _snapshot(ctx, stream, {})


def _forget_snapshot(ctx: SyncContext, stream: Stream, run: dict[str, Any]) -> None:
    """Free a finished stream's snapshot (shared MERGE snapshots stay for the other streams)."""
    if stream.mode != MERGE:
        ctx.snapshots.pop((stream.layout.table, f"{stream.key}:{run['id']}"), None)
