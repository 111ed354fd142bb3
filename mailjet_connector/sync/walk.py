"""A listing walk that can stop after any page and resume there in another process.

The client's `Walker` (pagination.py) makes a walk exact; its position is two values, the key frontier and
the offset estimate, so it fits in dlt resource state. `iter_walk` drives a `Walker` restored from such a
checkpoint and reports, with each page, the key range that page settled: every upstream row with a key in
`(before, after]` is in the page, which is what deletion marking needs. Once the first page has told the
total, several pages are fetched at once (`concurrency`); they are still fed and reported in walk order, each
with the checkpoint after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.client import Client
from mailjet_connector.pagination import Walker
from mailjet_connector.protocol import walk_order


@dataclass
class Step:
    """One page of a walk.

    Args:
        rows: rows new to this walk (overlap re-reads removed).
        before / after: the key frontier before and after the page (None before the first row).
        done: this was the last page.
        checkpoint: the walk position to store for a resume after this page.
    """

    rows: list[dict[str, Any]]
    before: Any
    after: Any
    done: bool
    checkpoint: dict[str, Any]


def iter_walk(
    client: Client,
    name: str,
    filters: dict[str, Any],
    *,
    sort: str | None = None,
    limit: int,
    checkpoint: dict[str, Any] | None = None,
    concurrency: int = 1,
) -> Iterator[Step]:
    """Walk a listing page by page from `checkpoint` (or the start).

    Args:
        client: the API client (retries and pacing are its business).
        name: catalog name.
        filters: query filters.
        sort: ascending sort field (default ID when sortable).
        limit: rows per page.
        checkpoint: a `Step.checkpoint` from an earlier walk with the same arguments.
        concurrency: pages in flight at once once the total is known.

    Yields:
        One `Step` per page fetched, the last one with `done=True`.
    """
    sort_field, key = walk_order(catalog.get(name), sort)
    walker = Walker(limit=limit, key=key, concurrency=concurrency)
    if checkpoint:
        walker.frontier = _thaw(checkpoint.get("frontier"))
        walker.position = int(checkpoint.get("position", 0))
    while offsets := walker.plan():
        # The first page of each batch counts the total (that is what lets the next batch go several wide).
        counted = concurrency > 1
        if counted:
            pages = client.fetch_pages(name, filters, offsets, limit=walker.limit, sort=sort_field)
        else:
            pages = [
                client.page(
                    name, filters, limit=walker.limit, offset=offsets[0], sort=sort_field, count=False
                )
            ]
        for i, offset in enumerate(offsets):
            # Each page is let go once fed: the step holds its rows alone, so the consumer frees them when it
            # has converted them, while the batch's later pages wait their turn (a page of decoded rows weighs
            # ten times its arrow table).
            page, pages[i] = pages[i], None
            before = walker.frontier
            fresh, stop = walker.feed(offset, page.rows, page.total if counted and i == 0 else None)
            del page
            yield Step(fresh, before, walker.frontier, walker.done, _freeze(walker))
            del fresh
            if stop:
                break


def keyed(name: str, sort: str | None = None) -> bool:
    """Whether a walk of `name` is ordered by its primary key `ID` (so page key ranges are meaningful)."""
    res = catalog.get(name)
    sort_field, key = walk_order(res, sort)
    return key is not None and sort_field == "ID" and tuple(res.primary_key) == ("ID",)


def _freeze(walker: Walker) -> dict[str, Any]:
    frontier = walker.frontier
    return {
        "frontier": list(frontier) if isinstance(frontier, tuple) else frontier,
        "position": walker.position,
    }


def _thaw(frontier: Any) -> Any:
    # JSON state turns the (sort value, ID) tuple of a field-sorted walk into a list.
    return tuple(frontier) if isinstance(frontier, list) else frontier
