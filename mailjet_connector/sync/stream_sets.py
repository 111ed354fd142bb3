"""Which walks (streams) read a catalog resource: one per narrowing filter set, per parent ID, per counter series.

The sync's dlt resources and the Airbyte source (`mailjet_connector.airbyte`) read the same streams: this is
where they are decided, once.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailjet_connector.catalog import Resource
from mailjet_connector.catalog.counters import legal_combinations, max_span
from mailjet_connector.sync import settings
from mailjet_connector.sync.filters import Narrowing
from mailjet_connector.sync.schema import COUNTER_CONTEXT, TableLayout, layout, parent_column, resource_layout
from mailjet_connector.sync.streams import MERGE, WINDOW, Stream, SyncContext, stream_mode

# statcounters coverage: (sources, timings, resolutions)
Counters = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
DEFAULT_COUNTERS: Counters = (
    tuple(settings.COUNTER_SOURCES),
    tuple(settings.COUNTER_TIMINGS),
    tuple(settings.COUNTER_RESOLUTIONS),
)


def plain_streams(res: Resource, narrowing: Narrowing) -> list[Stream]:
    """The streams of a top-level resource: one per combination of single-valued narrowing filters."""
    table_layout = layout(res)
    mode = stream_mode(res, narrowing.narrows(res))
    return [
        Stream(f"s{i}" if i else "main", res, table_layout, mode, tuple(sorted(f.items())))
        for i, f in enumerate(narrowing.filter_sets(res))
    ]


def parent_stream(res: Resource, parent_id: int) -> Stream:
    """The stream of a per-parent resource (messagehistory, statistics_link_click...) for one parent."""
    assert res.parent is not None
    flt, column = res.parent[1], parent_column(res)
    return Stream(
        str(parent_id), res, resource_layout(res), MERGE, ((flt, parent_id),), ((column, parent_id),)
    )


def parent_ids(ctx: SyncContext, parent: str) -> list[int]:
    """Every ID of a parent resource (campaigns, lists, senders), listed once per sync."""
    if parent not in ctx.parent_ids:
        ctx.parent_ids[parent] = [row["ID"] for row in ctx.client.iter(parent)]
        ctx.stats_for(parent).api_calls += 1
    return ctx.parent_ids[parent]


def per_parent_streams(ctx: SyncContext, res: Resource, narrowing: Narrowing) -> list[Stream]:
    """The streams of a resource read per parent through a required filter: one per parent ID."""
    assert res.parent is not None
    ids = narrowing.parent_ids(res.parent[0], parent_ids(ctx, res.parent[0]))
    return [parent_stream(res, i) for i in ids]


def counter_streams(
    ctx: SyncContext, res: Resource, narrowing: Narrowing, counters: Counters = DEFAULT_COUNTERS
) -> Iterator[Stream]:
    """The statcounters streams: one per source (and source ID) x timing x resolution the API accepts."""
    table_layout = resource_layout(res)
    # Only the combinations the API accepts (catalog.counters): the others would be refused with a 400.
    for source, timing, resolution in legal_combinations(*counters):
        parent = settings.COUNTER_SOURCE_PARENT.get(source)
        ids = [None] if parent is None else narrowing.parent_ids(parent, parent_ids(ctx, parent))
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
