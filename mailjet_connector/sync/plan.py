"""`sync --plan`: the API calls each table of a sync will take, and the time at the configured rate, before any work.

Counted with the sync's own pieces: the same tables, streams, windows (from the dataset's state), filters and
paging state machine (`pagination.Walker`), fed each walk's row count from one `countOnly` call. Exact for
walks whose count is known; estimates where the rows are only known while reading:

- per-row children (`source.per_row_tables`): one call per parent row new in this run (messagehistory: the
  messages of the message window; contents: the parent rows the dataset does not hold yet), one walk per
  campaign for the per-campaign tables (one page each assumed);
- statcounters: one page per window part (a part spans at most 100 slices, a page holds 1000).

The plan's own calls (one `countOnly` per walk, the parent listings) are reported apart.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.pagination import Walker
from mailjet_connector.protocol import walk_order
from mailjet_connector.ratelimit import parse_rate
from mailjet_connector.sync import settings
from mailjet_connector.sync.incremental import split_window, window_filters
from mailjet_connector.sync.source import CONTENT_CHILDREN, resolved_narrowing, sync_counters
from mailjet_connector.sync.stream_sets import counter_streams, listed_ids, plain_streams
from mailjet_connector.sync.streams import (
    FULL,
    WINDOW,
    Stream,
    SyncContext,
    full_read_due,
    stream_window,
    top_id,
)

# Without --rate-limit the plan times the calls at Mailjet's documented limit (mailjet-api.md, rate limits).
DEFAULT_PLAN_RATE = "300/min"


@dataclass
class PlanLine:
    """One table's expected API calls."""

    table: str
    calls: int
    rows: int | None = None  # rows the walks will read, where counted
    how: str = ""  # how the calls were counted


@dataclass
class SyncPlan:
    """Expected calls per table, their time at `rate`, and what the plan itself cost."""

    lines: list[PlanLine] = field(default_factory=list)
    rate: str = DEFAULT_PLAN_RATE
    plan_calls: int = 0

    @property
    def calls(self) -> int:
        return sum(line.calls for line in self.lines)

    def seconds(self, calls: int | None = None) -> float:
        per_second = parse_rate(self.rate) or 1.0
        return (self.calls if calls is None else calls) / per_second

    def to_dict(self) -> dict[str, Any]:
        tables = {
            line.table: {"calls": line.calls, "rows": line.rows, "seconds": round(self.seconds(line.calls), 1),
                         "how": line.how}
            for line in self.lines
        }  # fmt: skip
        return {
            "tables": tables,
            "total": {"calls": self.calls, "seconds": round(self.seconds(), 1)},
            "rate": self.rate,
            "plan_calls": self.plan_calls,
        }


def walk_pages(
    total: int, *, limit: int, key: Any, concurrency: int, start: tuple[Any, int] | None = None
) -> int:
    """Calls one walk over `total` rows makes (`start`: resume after (key, position)), by the client's Walker
    fed a listing of that many rows (IDs 1..total), batch by batch as `walk.iter_walk` does."""
    walker = Walker(limit=limit, key=key, concurrency=concurrency)
    if start is not None:
        walker.frontier, walker.position = start
    rows = [{"ID": i} for i in range(1, total + 1)]
    calls = 0
    while offsets := walker.plan():
        for i, offset in enumerate(offsets):
            calls += 1
            page = rows[offset : offset + walker.limit]
            _, stop = walker.feed(offset, page, total if concurrency > 1 and i == 0 else None)
            if stop:
                break
    return calls


def plan_tables(
    ctx: SyncContext, tables: list[str], state: dict[str, Any], known: dict[str, int]
) -> list[PlanLine]:
    """The plan of each table, in sync order.

    Args:
        ctx: the sync's context (client, time; its options: windows, narrowing, statcounters coverage, schedule).
        tables: the tables to sync.
        state: dlt resource state per table (`{}` for a first sync).
        known: rows the dataset holds per table (absent: none).
    """
    lines: dict[str, PlanLine] = {}
    listed: dict[
        str, int
    ] = {}  # parent listings the sync makes once: their calls count for the parent's table
    for name in tables:
        if name in dict((t, p) for p, _, t in CONTENT_CHILDREN) or catalog.get(name).parent is not None:
            continue  # children: counted from their parents below
        res = catalog.get(name)
        if res.name == "statcounters":
            lines[name] = _counters(ctx, res, state.get(name, {}), listed)
        else:
            lines[name] = _plain(ctx, res, state.get(name, {}), known.get(name, 0))
    for name in tables:
        if name not in lines:
            lines[name] = _child(ctx, name, tables, lines, known, listed)
    for parent, calls in listed.items():
        line = lines.setdefault(parent, PlanLine(parent, 0, None, "the listing of its IDs"))
        line.calls += calls
    return [lines[t] for t in [*tables, *(p for p in listed if p not in tables)]]


def _plain(ctx: SyncContext, res: Any, state: dict[str, Any], known: int) -> PlanLine:
    narrowing = resolved_narrowing(ctx)
    keys = narrowing.reads(res).keys
    if keys is not None:  # read by key (`campaignstatistics/{ID}`): one GET each
        return PlanLine(res.name, len(keys), len(keys), "one call per ID named")
    calls = rows = 0
    hows = set()
    for stream in plain_streams(res, narrowing):
        sub = state.get("streams", {}).get(stream.key, {})
        for filters, start, how in _walks(ctx, stream, sub):
            total = ctx.client.count(res.name, filters)
            _, key = walk_order(res, stream.sort)
            if start is not None:  # from the highest ID synced: the rows added since
                start = (start[0], min(start[1], total))
            read = total - (start[1] if start else 0)
            calls += walk_pages(
                total, limit=ctx.options.page_limit, key=key, concurrency=ctx.client.concurrency, start=start
            )
            rows, hows = rows + read, hows | {how}
    return PlanLine(res.name, calls, rows, ", ".join(sorted(hows)))


def _walks(
    ctx: SyncContext, stream: Stream, state: dict[str, Any]
) -> Iterator[tuple[dict[str, Any], Any, str]]:
    """(filters, start, how) of each walk a new run of `stream` makes."""
    filters = stream.res.with_show_flags(dict(stream.filters))
    if stream.mode == WINDOW:
        parts = split_window(stream_window(ctx, stream, _mark(ctx, state)), stream.span)
        for part in parts:
            yield {**filters, **window_filters(stream.res, part)}, None, "rows in the window"
        return
    if stream.mode == FULL and not full_read_due(ctx, stream, state):
        top = top_id(ctx, stream)
        if top is not None:
            yield filters, top, "rows added since (deletions not due)"
            return
    yield filters, None, "whole table"


def _counters(ctx: SyncContext, res: Any, state: dict[str, Any], listed: dict[str, int]) -> PlanLine:
    counters = sync_counters(ctx.options)
    _list_parents(ctx, [settings.COUNTER_SOURCE_PARENT.get(s) for s in counters[0]], listed)
    calls = 0
    for stream in counter_streams(ctx, res, resolved_narrowing(ctx), *counters):
        sub = state.get("streams", {}).get(stream.key, {})
        calls += (
            len(split_window(stream_window(ctx, stream, _mark(ctx, sub)), stream.span))
            if stream.mode == WINDOW
            else 1
        )
    return PlanLine(res.name, calls, None, "one page per window part (<= 100 slices)")


def _child(
    ctx: SyncContext,
    name: str,
    tables: list[str],
    lines: dict[str, PlanLine],
    known: dict[str, int],
    listed: set[str],
) -> PlanLine:
    content_parent = {t: p for p, _, t in CONTENT_CHILDREN}.get(name)
    if content_parent is not None:
        if content_parent not in tables:
            return PlanLine(name, 0, 0, f"{content_parent} not synced: nothing queued")
        new = max(0, ctx.client.count(content_parent) - known.get(content_parent, 0))
        return PlanLine(name, new, new, f"one call per {content_parent} row not in the dataset yet")
    res = catalog.get(name)
    assert res.parent is not None
    parent, flt = res.parent
    spec = res.filter(flt)
    if spec is not None and spec.required:  # one walk per parent row, every run
        _list_parents(ctx, [parent], listed)
        narrowing = resolved_narrowing(ctx)
        ids = narrowing.parent_ids(parent, listed_ids(ctx, parent, narrowing))
        return PlanLine(name, len(ids), None, f"one walk per {parent} (one page each assumed)")
    if parent not in tables:
        return PlanLine(name, 0, 0, f"{parent} not synced: nothing queued")
    rows = lines[parent].rows or 0
    return PlanLine(name, rows, rows, f"one call per {parent} row read in this run (new or changed)")


def _list_parents(ctx: SyncContext, parents: list[str | None], listed: dict[str, int]) -> None:
    """Count the parent listings the sync makes once per run (shared by every table that needs them)."""
    for parent in dict.fromkeys(p for p in parents if p):
        if parent not in listed:
            ids = listed_ids(ctx, parent, resolved_narrowing(ctx))
            listed[parent] = max(1, math.ceil(len(ids) / settings.PAGE_LIMIT))


def row_counts(sql: Any, tables: list[str]) -> dict[str, int]:
    """Rows the dataset holds per table (not marked deleted); tables it lacks are left out."""
    from dlt.destinations.exceptions import DatabaseUndefinedRelation

    counts = {}
    for table in dict.fromkeys([*tables, *(p for p, _, _ in CONTENT_CHILDREN)]):
        name = sql.make_qualified_table_name(table)
        with contextlib.suppress(DatabaseUndefinedRelation):
            counts[table] = int(
                sql.execute_sql(f"SELECT count(*) FROM {name} WHERE {settings.DELETED_COLUMN} IS NULL")[0][0]
            )
    return counts


def _mark(ctx: SyncContext, state: dict[str, Any]) -> int | None:
    """The high-water mark a new run of a stream starts from (none with --full-refresh)."""
    return None if ctx.options.full_refresh else state.get("mark")
