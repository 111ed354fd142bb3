"""`mailjet_source`: a dlt source with one resource per readable catalog entry, fed arrow tables page by page.

Usable from anyone's own dlt pipeline::

    pipeline = dlt.pipeline("mailjet", destination="duckdb", dataset_name="mailjet_data")
    pipeline.run(mailjet_source(api_key, api_secret, SyncOptions(resources=["contact", "message"])))

`run_sync` (pipeline.py) adds what a plain `pipeline.run` cannot: page-budgeted runs (checkpoints), resuming
an interrupted sync, and deletion marking after the loads.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import dlt
import pyarrow as pa

from mailjet_connector import catalog
from mailjet_connector.catalog import FieldType, Resource
from mailjet_connector.catalog.counters import legal_combinations
from mailjet_connector.errors import APIError, ConfigError, NotFoundError
from mailjet_connector.sync import settings
from mailjet_connector.sync.dlt_logs import telemetry_off
from mailjet_connector.sync.filters import Narrowing
from mailjet_connector.sync.options import SyncOptions
from mailjet_connector.sync.schema import (
    Column,
    TableLayout,
    layout,
    resource_layout,
)
from mailjet_connector.sync.stream_sets import (
    counter_streams,
    listed_ids,
    parent_stream,
    per_parent_streams,
    plain_streams,
)
from mailjet_connector.sync.streams import (
    MERGE,
    Stream,
    SyncContext,
    read_stream,
    record_refusal,
    refused,
    snapshot_of,
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


def per_row_tables() -> frozenset[str]:
    """Tables read with one call (or walk) per parent row: resources with a parent in the catalog
    (messagehistory per message, statistics_link_click and statistics_recipient_esp per campaign) and the
    content tables (one `detailcontent` call per draft or template). A million messages is a million calls."""
    return frozenset(r.name for r in syncable() if r.parent) | {table for _, _, table in CONTENT_CHILDREN}


def select_tables(
    resources: Sequence[str] | None, exclude: Sequence[str] = (), *, children: bool = True
) -> list[str]:
    """The tables to sync, in sync order (without `resources`: every table, less the per-row children
    unless `children`).

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

    chosen = (
        {resolve(n) for n in resources}
        if resources
        else set(known) - (set() if children else per_row_tables())
    )
    chosen -= {resolve(n) for n in exclude}
    return [t for t in known if t in chosen]


@dlt.source(name=settings.SOURCE_NAME, max_table_nesting=0)
def mailjet_source(
    api_key: str = dlt.secrets.value,
    api_secret: str = dlt.secrets.value,
    options: SyncOptions | None = None,
    context: SyncContext | None = None,
) -> Any:
    """The Mailjet account as dlt resources, one per table, merged on `_mj_key`.

    Args:
        api_key / api_secret: credentials (dlt secrets `sources.mailjet.api_key` / `api_secret` work too).
        options: what to read and from where (`SyncOptions`: resources, window, narrowing filters, statcounters
            coverage, webhook store, page size, base URL and rate); default: every syncable resource.
        context: the state of a running `run_sync` (its client, run, budget and options; the arguments above
            are then unused).

    Returns:
        The dlt resources.
    """
    if context is None:
        options = options or SyncOptions()
        client = options.create_client(api_key, api_secret)
        context = SyncContext(client=client, run_id=uuid.uuid4().hex, now=int(time.time()), options=options)
    ctx, options = context, context.options
    narrowing, counters = resolved_narrowing(ctx), sync_counters(options)
    tables = list(ctx.tables) if ctx.tables is not None else sync_tables(options)
    built = [_build(ctx, name, tables, narrowing, counters) for name in tables]
    # The webhook store is read whole (from its own cursor) in a sync's first extract.
    if options.webhook_store and ctx.chunk == 0:
        from mailjet_connector.webhooks.source import webhook_resources

        built += webhook_resources(options.webhook_store)
    return built


def sync_tables(options: SyncOptions) -> list[str]:
    """The tables `options` select, in sync order (per-row children only when asked: `options.children`).

    Raises:
        UnknownResourceError: a name that is not a syncable table.
        ConfigError: statcounters chosen with sources, timings and resolutions of which the API serves no
            combination (catalog.counters).
    """
    tables = select_tables(options.resources, options.exclude, children=options.children)
    if "statcounters" in tables and not any(legal_combinations(*sync_counters(options))):
        raise ConfigError(
            "no statcounters combination of these sources, timings and resolutions is served by the API "
            "(Lifetime not with Event; List only with Message and Lifetime; Sender only with Message): "
            "see docs/sync.md"
        )
    return tables


def sync_counters(options: SyncOptions) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The statcounters coverage of `options`: (sources, timings, resolutions)."""
    return tuple(options.counter_sources), tuple(options.counter_timings), tuple(options.counter_resolutions)


def resolved_narrowing(ctx: SyncContext) -> Narrowing:
    """The options' narrowing, with the campaigns sent to its lists when it names lists: resources that filter
    by campaign only (message) are narrowed to those."""
    narrowing = ctx.options.narrowing
    if not narrowing.lists:
        return narrowing
    sent = listed_ids(ctx, "campaign", replace(narrowing, campaigns=()))
    return replace(narrowing, list_campaigns=tuple(sent))


def feeding_parent(table: str) -> str | None:
    """The table whose new and changed rows feed `table` (content tables, messagehistory), else None.

    Such a table is read for the parent rows its parent's read hands over in the same sync: syncing it
    without its parent reads nothing.
    """
    for parent, _, child in CONTENT_CHILDREN:
        if child == table:
            return parent
    res = catalog.get(table)
    if res.parent is None or res.name == "statcounters":
        return None
    flt = res.filter(res.parent[1])
    return None if flt is not None and flt.required else res.parent[0]


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
        write_disposition="append" if append else settings.MERGE_DISPOSITION,
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
    read = narrowing.reads(res)
    if read.keys is not None:
        return _keyed_resource(ctx, res, table_layout, read.keys, children)
    streams = plain_streams(res, narrowing)

    def rows() -> Iterator[pa.Table]:
        for table in _read_all(ctx, streams, dlt.current.resource_state()):
            if children and "id" in table.column_names:
                _queue(ctx, children, table.column("id").to_pylist())
            yield table

    # An empty table read by one walk in ID order gets each key once: append, no merge (a first sync).
    append = res.name in ctx.empty_tables and len(streams) == 1 and keyed(res.name)
    return _dlt_resource(ctx, rows, res.name, table_layout, append=append)


def _keyed_resource(
    ctx: SyncContext, res: Resource, table_layout: TableLayout, keys: tuple[int, ...], children: list[str]
) -> Any:
    """A resource narrowed to a few IDs it has no filter for (`campaignstatistics/{CampaignID}`): one GET each."""
    stream = Stream("keyed", res, table_layout, MERGE)

    def rows() -> Iterator[pa.Table]:
        stats = ctx.stats_for(res.name)
        snapshot = snapshot_of(ctx, stream)
        found = []
        for key in keys:
            stats.api_calls += 1
            try:
                found.append(ctx.client.get(res.name, key))
            except NotFoundError:
                continue  # no such ID (or not visible to this key): nothing to load
        if not found:
            return
        row_keys = [table_layout.row_key(r) for r in found]
        hashes = [table_layout.row_hash(r) for r in found]
        load, new, changed = snapshot.classify(row_keys, hashes)
        stats.rows, stats.new, stats.updated = (
            stats.rows + len(found),
            stats.new + new,
            stats.updated + changed,
        )
        if children:
            _queue(ctx, children, [found[i]["ID"] for i in load if "ID" in found[i]])
        if load:
            yield table_layout.to_arrow(
                [found[i] for i in load], [row_keys[i] for i in load], [hashes[i] for i in load]
            )

    return _dlt_resource(ctx, rows, res.name, table_layout)


def _queue(ctx: SyncContext, children: list[str], ids: list[int]) -> None:
    """Hand the IDs of new or changed parent rows to the child resources (kept in their dlt state)."""
    for child in children:
        dlt.current.resource_state(child).setdefault("queue", []).extend(ids)
    ctx.budget.pending.update(children)  # make sure a run follows that drains the queues


def _drain(ctx: SyncContext, name: str, state: dict[str, Any], read_one: Any) -> Iterator[pa.Table]:
    """Process a child queue one parent at a time; the position is committed with the pages."""
    queue, pos = state.setdefault("queue", []), state.get("pos", 0)
    while pos < len(queue):
        yield from read_one(queue[pos])
        pos += 1
        state["pos"] = pos
        if not ctx.budget.take() and pos < len(queue):
            ctx.budget.pending.add(name)
            return
    state["queue"], state["pos"] = [], 0


def _changed_parent_resource(ctx: SyncContext, res: Resource) -> Any:
    def read_one(parent_id: int) -> Iterator[pa.Table]:
        yield from read_stream(ctx, parent_stream(res, parent_id), {}, may_stop=False)

    def rows() -> Iterator[pa.Table]:
        yield from _drain(ctx, res.name, dlt.current.resource_state(), read_one)

    return _dlt_resource(ctx, rows, res.name, resource_layout(res))


def _per_parent_resource(ctx: SyncContext, res: Resource, narrowing: Narrowing) -> Any:
    def rows() -> Iterator[pa.Table]:
        yield from _read_all(ctx, per_parent_streams(ctx, res, narrowing), dlt.current.resource_state())

    return _dlt_resource(ctx, rows, res.name, resource_layout(res))


def _statcounters_resource(
    ctx: SyncContext, res: Resource, narrowing: Narrowing, sources: tuple, timings: tuple, resolutions: tuple
) -> Any:
    def rows() -> Iterator[pa.Table]:
        streams = list(counter_streams(ctx, res, narrowing, sources, timings, resolutions))
        yield from _read_all(ctx, streams, dlt.current.resource_state())

    return _dlt_resource(ctx, rows, res.name, resource_layout(res))


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
