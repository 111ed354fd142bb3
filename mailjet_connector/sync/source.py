"""`mailjet_source`: a dlt source with one resource per readable catalog entry, fed arrow tables page by page.

Usable from anyone's own dlt pipeline::

    pipeline = dlt.pipeline("mailjet", destination="duckdb", dataset_name="mailjet_data")
    pipeline.run(mailjet_source(api_key, api_secret, resources=["contact", "message"]))

`run_sync` (pipeline.py) adds what a plain `pipeline.run` cannot: page-budgeted runs (checkpoints), resuming
an interrupted sync, and deletion marking after the loads.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import dlt
import pyarrow as pa

from mailjet_connector import catalog
from mailjet_connector.catalog import FieldType, Resource
from mailjet_connector.catalog.counters import legal_combinations, max_span
from mailjet_connector.client import Client
from mailjet_connector.errors import APIError, NotFoundError
from mailjet_connector.sync import settings
from mailjet_connector.sync.dlt_logs import telemetry_off
from mailjet_connector.sync.filters import Narrowing
from mailjet_connector.sync.incremental import to_unix
from mailjet_connector.sync.schema import (
    COUNTER_CONTEXT,
    Column,
    TableLayout,
    layout,
    parent_column,
    resource_layout,
)
from mailjet_connector.sync.streams import (
    MERGE,
    WINDOW,
    Stream,
    SyncContext,
    read_stream,
    record_refusal,
    refused,
    stream_mode,
)
from mailjet_connector.sync.walk import keyed

telemetry_off()  # nothing leaves the machine but calls to Mailjet, unless the user's dlt config says otherwise

# Sub-resources read through an action rather than a listing: (parent, action, table); their columns are the
# action's body fields in the catalog.
CONTENT_CHILDREN = (("campaigndraft", "detailcontent", "campaigndraft_content"),)
CONTENT_CHILDREN += (("template", "detailcontent", "template_content"),)


def syncable() -> tuple[Resource, ...]:
    """Catalog resources the sync covers: readable and holding account data (reference tables excluded)."""
    return tuple(r for r in catalog.readable() if r.account_data)


def table_names() -> tuple[str, ...]:
    """Every table the sync can write, in order (catalog resources, then content tables)."""
    return tuple(r.name for r in syncable()) + tuple(table for _, _, table in CONTENT_CHILDREN)


def not_synced_reason(resource: Resource) -> str:
    """Why a catalog resource is not among the sync's tables (it is listed by `resources` all the same)."""
    if not resource.readable:
        return "Mailjet offers no listing of it (write-only); the sync reads only listable resources"
    return (
        "it is reference data, the same for every account, so the sync skips it; "
        f"read it with `mailjet-connector export {resource.name}`"
    )


def select_tables(resources: Sequence[str] | None, exclude: Sequence[str] = ()) -> list[str]:
    """The tables to sync, in sync order.

    Raises:
        UnknownResourceError: a name that is neither a syncable resource nor a content table.
    """
    known = table_names()

    def resolve(name: str) -> str:
        if name in known:
            return name
        found = catalog.get(name)
        if found.name not in known:
            raise catalog.UnknownResourceError(name, reason=not_synced_reason(found))
        return found.name

    chosen = {resolve(n) for n in resources} if resources else set(known)
    chosen -= {resolve(n) for n in exclude}
    return [t for t in known if t in chosen]


@dlt.source(name=settings.SOURCE_NAME, max_table_nesting=0)
def mailjet_source(
    api_key: str = dlt.secrets.value,
    api_secret: str = dlt.secrets.value,
    base_url: str | None = None,
    resources: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    full_refresh: bool = False,
    campaigns: Sequence[int] = (),
    lists: Sequence[int] = (),
    include_deleted: bool = False,
    starred_only: bool = False,
    campaign_status: Sequence[int] = (),
    counter_sources: Sequence[str] = settings.COUNTER_SOURCES,
    counter_timings: Sequence[str] = settings.COUNTER_TIMINGS,
    counter_resolutions: Sequence[str] = settings.COUNTER_RESOLUTIONS,
    rate_limit: str | None = None,
    page_limit: int = settings.PAGE_LIMIT,
    webhook_store: str | None = None,
    merge_strategy: str = settings.MERGE_STRATEGY,
    context: Any = None,
) -> Any:
    """The Mailjet account as dlt resources, one per table, merged on `_mj_key`.

    Args:
        api_key / api_secret: credentials (dlt secrets `sources.mailjet.api_key` / `api_secret` work too).
        base_url: API root (the emulator's URL, or `https://api.us.mailjet.com`).
        resources / exclude: catalog names to sync / to skip (default: every syncable resource).
        start_date / end_date: bounds of incremental windows (first run starts at start_date).
        full_refresh: ignore stored high-water marks.
        campaigns, lists, include_deleted, starred_only, campaign_status: narrowing filters, applied to every
            resource that has the matching filter (see `filters.Narrowing`).
        counter_sources / counter_timings / counter_resolutions: statcounters coverage.
        rate_limit: e.g. "300/min".
        page_limit: rows per page.
        webhook_store: the webhook receiver's store (`sqlite:///events.db`, `postgresql://...`): adds the
            `event` and `inbound_message` tables, read incrementally from it.
        merge_strategy: dlt's merge strategy: "delete-insert" (every destination) or "upsert" (one MERGE
            statement where the destination has it; `run_sync` picks it then).
        context: a `SyncContext` prepared by `run_sync` (overrides the arguments above that it holds).

    Returns:
        The dlt resources.
    """
    ctx: SyncContext = context or SyncContext(
        client=Client(api_key, api_secret, base_url=base_url, rate_limit=rate_limit),
        run_id=uuid.uuid4().hex,
        now=int(time.time()),
        start=to_unix(start_date, 0) if start_date else None,
        end=to_unix(end_date, 0) if end_date else None,
        full_refresh=full_refresh,
        page_limit=page_limit,
        merge_strategy=merge_strategy,
    )
    narrowing = Narrowing(
        tuple(campaigns), tuple(lists), include_deleted, starred_only, tuple(campaign_status)
    )
    counters = (tuple(counter_sources), tuple(counter_timings), tuple(counter_resolutions))
    tables = select_tables(resources, exclude)
    built = [_build(ctx, name, tables, narrowing, counters) for name in tables]
    if webhook_store:
        from mailjet_connector.webhooks.source import webhook_resources

        built += webhook_resources(webhook_store)
    return built


def _build(ctx: SyncContext, name: str, tables: list[str], narrowing: Narrowing, counters: tuple) -> Any:
    for parent, action, table in CONTENT_CHILDREN:
        if name == table:
            return _content_resource(ctx, parent, action, table)
    res = catalog.get(name)
    if res.name == "statcounters":
        return _statcounters_resource(ctx, res, narrowing, *counters)
    if res.parent is not None:
        flt = res.filter(res.parent[1])
        if flt is not None and flt.required:
            return _per_parent_resource(ctx, res, narrowing)
        return _changed_parent_resource(ctx, res)
    children = [c.name for c in syncable() if c.parent and c.parent[0] == res.name and c.name in tables]
    children += [table for parent, _, table in CONTENT_CHILDREN if parent == res.name and table in tables]
    return _plain_resource(ctx, res, narrowing, children)


def _dlt_resource(
    ctx: SyncContext, gen: Any, name: str, table_layout: TableLayout, *, append: bool = False
) -> Any:
    """The dlt resource of one table: merged on `_mj_key`, or appended (`append`: its keys cannot repeat).

    A read the API refuses (a listing of parents, a content call) ends this table only: it is reported
    failed and the other tables go on.
    """

    def rows() -> Iterator[pa.Table]:
        try:
            yield from gen()
        except APIError as exc:
            if not refused(exc):
                raise
            record_refusal(ctx, name, exc)

    return dlt.resource(
        rows,
        name=name,
        table_name=name,
        write_disposition="append" if append else {"disposition": "merge", "strategy": ctx.merge_strategy},
        primary_key=settings.KEY_COLUMN,
        columns=table_layout.hints(),
    )


def _read_all(ctx: SyncContext, streams: list[Stream], state: dict[str, Any]) -> Iterator[pa.Table]:
    """Read streams in order, each with its own sub-state; stop when one stops on the page budget."""
    subs = state.setdefault("streams", {})
    for stream in streams:
        yield from read_stream(ctx, stream, subs.setdefault(stream.key, {}))
        if stream.layout.table in ctx.budget.pending:
            return


def _plain_resource(ctx: SyncContext, res: Resource, narrowing: Narrowing, children: list[str]) -> Any:
    table_layout = layout(res)
    filter_sets = narrowing.filter_sets(res)
    mode = stream_mode(res, narrowing.narrows(res))
    streams = [
        Stream(f"s{i}" if i else "main", res, table_layout, mode, tuple(sorted(f.items())))
        for i, f in enumerate(filter_sets)
    ]

    def rows() -> Iterator[pa.Table]:
        for table in _read_all(ctx, streams, dlt.current.resource_state()):
            if children and "id" in table.column_names:
                _queue(ctx, children, table.column("id").to_pylist())
            yield table

    # An empty table read by one walk in ID order gets each key once: append, no merge (a first sync).
    append = res.name in ctx.empty_tables and len(streams) == 1 and keyed(res.name)
    return _dlt_resource(ctx, rows, res.name, table_layout, append=append)


def _queue(ctx: SyncContext, children: list[str], ids: list[int]) -> None:
    """Hand the IDs of new or changed parent rows to the child resources (kept in their dlt state)."""
    for child in children:
        dlt.current.resource_state(child).setdefault("queue", []).extend(ids)
    ctx.budget.queued = True  # make sure a run follows that drains the queues
    ctx.budget.pending.update(children)


def _drain(ctx: SyncContext, name: str, state: dict[str, Any], read_one: Any) -> Iterator[pa.Table]:
    """Process a child queue one parent at a time; the position is committed with the pages."""
    queue, pos = state.setdefault("queue", []), state.get("pos", 0)
    while pos < len(queue):
        yield from read_one(queue[pos])
        pos += 1
        state["pos"] = pos
        if not ctx.budget.take() and pos < len(queue):
            ctx.budget.incomplete = True
            ctx.budget.pending.add(name)
            return
    state["queue"], state["pos"] = [], 0


def _changed_parent_resource(ctx: SyncContext, res: Resource) -> Any:
    column = parent_column(res)
    table_layout = resource_layout(res)
    flt = res.parent[1] if res.parent else ""

    def read_one(parent_id: int) -> Iterator[pa.Table]:
        stream = Stream(str(parent_id), res, table_layout, MERGE, ((flt, parent_id),), ((column, parent_id),))
        yield from read_stream(ctx, stream, {}, may_stop=False)

    def rows() -> Iterator[pa.Table]:
        yield from _drain(ctx, res.name, dlt.current.resource_state(), read_one)

    return _dlt_resource(ctx, rows, res.name, table_layout)


def _per_parent_resource(ctx: SyncContext, res: Resource, narrowing: Narrowing) -> Any:
    assert res.parent is not None
    column = parent_column(res)
    table_layout = resource_layout(res)
    parent, flt = res.parent

    def rows() -> Iterator[pa.Table]:
        ids = narrowing.parent_ids(parent, _parent_ids(ctx, parent))
        streams = [Stream(str(i), res, table_layout, MERGE, ((flt, i),), ((column, i),)) for i in ids]
        yield from _read_all(ctx, streams, dlt.current.resource_state())

    return _dlt_resource(ctx, rows, res.name, table_layout)


def _parent_ids(ctx: SyncContext, parent: str) -> list[int]:
    """Every ID of a parent resource (campaigns, lists, senders), listed once per sync."""
    if parent not in ctx.parent_ids:
        ctx.parent_ids[parent] = [row["ID"] for row in ctx.client.iter(parent)]
        ctx.stats_for(parent).api_calls += 1
    return ctx.parent_ids[parent]


def _statcounters_resource(
    ctx: SyncContext, res: Resource, narrowing: Narrowing, sources: tuple, timings: tuple, resolutions: tuple
) -> Any:
    table_layout = resource_layout(res)

    def streams() -> Iterator[Stream]:
        # Only the combinations the API accepts (catalog.counters): the others would be refused with a 400.
        for source, timing, resolution in legal_combinations(sources, timings, resolutions):
            parent = settings.COUNTER_SOURCE_PARENT.get(source)
            ids = [None] if parent is None else narrowing.parent_ids(parent, _parent_ids(ctx, parent))
            for source_id in ids:
                yield _counter_stream(res, table_layout, source, source_id, timing, resolution)

    def rows() -> Iterator[pa.Table]:
        yield from _read_all(ctx, list(streams()), dlt.current.resource_state())

    return _dlt_resource(ctx, rows, res.name, table_layout)


def _counter_stream(
    res: Resource, table_layout: TableLayout, source: str, source_id: int | None, timing: str, resolution: str
) -> Stream:
    context = tuple(zip(COUNTER_CONTEXT, (source, timing, resolution), strict=True))
    filters = dict(context)
    if source_id is not None:
        filters["SourceID"] = source_id
    slice_seconds = settings.COUNTER_SLICE.get(resolution)
    return Stream(
        key=f"{source}:{source_id or ''}:{timing}:{resolution}",
        res=res,
        layout=table_layout,
        mode=WINDOW if slice_seconds else MERGE,
        filters=tuple(filters.items()),
        context=context,
        slice_seconds=slice_seconds,
        lookback=settings.COUNTER_LOOKBACK.get(resolution),
        span=max_span(resolution),
    )


def _content_resource(ctx: SyncContext, parent: str, action: str, table: str) -> Any:
    res = catalog.get(parent)
    column = f"{res.mailjet_name.capitalize()}ID"
    body = res.action(action).fields  # type: ignore[union-attr]
    columns = (Column(column, FieldType.INT), *(Column(f.name, f.type) for f in body))
    table_layout = TableLayout(table, columns, (column,))

    def read_one(parent_id: int) -> Iterator[pa.Table]:
        stats = ctx.stats_for(table)
        stats.api_calls += 1
        try:
            found = ctx.client.action(parent, action, parent_id) or []
        except NotFoundError:
            return  # the parent went away between its listing and this call
        rows = [{**row, column: parent_id} for row in found[:1] if isinstance(row, dict)]
        if not rows:
            return
        keys, hashes = [table_layout.row_key(r) for r in rows], [table_layout.row_hash(r) for r in rows]
        stats.rows += len(rows)
        stats.new += len(rows)
        yield table_layout.to_arrow(rows, keys, hashes)

    def rows() -> Iterator[pa.Table]:
        yield from _drain(ctx, table, dlt.current.resource_state(), read_one)

    return _dlt_resource(ctx, rows, table, table_layout)
