"""Which walks (streams) read a catalog resource: one per narrowing filter set, per parent ID, per counter series.

The sync's dlt resources and the Airbyte source (`mailjet_connector.airbyte`) read the same streams: this is
where they are decided, once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from mailjet_connector import catalog
from mailjet_connector.catalog import Resource
from mailjet_connector.catalog.counters import legal_combinations, max_span
from mailjet_connector.sync import settings
from mailjet_connector.sync.filters import Narrowing
from mailjet_connector.sync.schema import COUNTER_CONTEXT, TableLayout, layout, parent_column, resource_layout
from mailjet_connector.sync.streams import MERGE, WINDOW, Stream, SyncContext, stream_mode


def plain_streams(res: Resource, narrowing: Narrowing) -> list[Stream]:
    """The listings of a top-level resource: one per combination of single-valued narrowing filters.

    A resource the narrowing reads by key instead (`narrowing.reads(res).keys`) is not listed: see
    `source._keyed_resource`.
    """
    read = narrowing.reads(res)
    mode = stream_mode(res, read.narrowed)
    return [
        Stream(f"s{i}" if i else "main", res, layout(res), mode, tuple(sorted(f.items())))
        for i, f in enumerate(read.filter_sets)
    ]


def parent_stream(res: Resource, parent_id: int) -> Stream:
    """The stream of a per-parent resource (messagehistory, statistics_link_click...) for one parent."""
    assert res.parent is not None
    flt, column = res.parent[1], parent_column(res)
    return Stream(
        str(parent_id), res, resource_layout(res), MERGE, ((flt, parent_id),), ((column, parent_id),)
    )


def listed_ids(ctx: SyncContext, parent: str, narrowing: Narrowing) -> list[int]:
    """The IDs of a parent resource (campaigns, lists, senders) under the narrowing, listed once per sync."""
    ident = (parent, narrowing)
    if ident not in ctx.parent_ids:
        read = narrowing.reads(catalog.get(parent))
        if read.keys is not None:
            ids = list(read.keys)
        else:
            ids = sorted({row["ID"] for flt in read.filter_sets for row in ctx.client.iter(parent, flt)})
            ctx.stats_for(parent).api_calls += len(read.filter_sets)
        ctx.parent_ids[ident] = ids
    return ctx.parent_ids[ident]


def per_parent_streams(ctx: SyncContext, res: Resource, narrowing: Narrowing) -> list[Stream]:
    """The streams of a resource read per parent through a required filter: one per parent ID."""
    assert res.parent is not None
    parent = res.parent[0]
    return [parent_stream(res, i) for i in narrowing.parent_ids(parent, listed_ids(ctx, parent, narrowing))]


def counter_streams(
    ctx: SyncContext,
    res: Resource,
    narrowing: Narrowing,
    sources: Sequence[str] = settings.COUNTER_SOURCES,
    timings: Sequence[str] = settings.COUNTER_TIMINGS,
    resolutions: Sequence[str] = settings.COUNTER_RESOLUTIONS,
) -> Iterator[Stream]:
    """The statcounters series: one per source (and source ID) x timing x resolution the API accepts."""
    table_layout = resource_layout(res)
    # Only the combinations the API accepts (catalog.counters): the others would be refused with a 400.
    chosen = narrowing.counter_sources(sources)  # --campaign / --list: their own source only
    for source, timing, resolution in legal_combinations(chosen, timings, resolutions):
        parent = settings.COUNTER_SOURCE_PARENT.get(source)
        ids = [None] if parent is None else narrowing.parent_ids(parent, listed_ids(ctx, parent, narrowing))
        for source_id in ids:
            yield counter_stream(res, table_layout, source, source_id, timing, resolution)


def counter_stream(
    res: Resource, table_layout: TableLayout, source: str, source_id: int | None, timing: str, resolution: str
) -> Stream:
    """One statcounters series (a window per Day/Hour slice, merged otherwise)."""
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
