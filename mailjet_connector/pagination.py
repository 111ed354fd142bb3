"""Exact paging over Mailjet listings: overlapping Offset windows re-anchored on the last key seen.

Mailjet lists have no cursor and most resources no ID range filter, only `Limit`/`Offset` over a sort.
Plain offset paging skips rows when rows before the offset are deleted between pages, and repeats rows when
rows are inserted before it. `Walker` makes a walk exact for a list sorted ascending by a unique key:

* It keeps a *frontier*: the largest key yielded so far. Every row that existed for the whole walk and whose
  key is <= frontier has been yielded exactly once (the invariant).
* Each page is requested so that it should start `overlap` rows before the frontier. A page is accepted only
  when it starts at offset 0 or its first key is <= frontier: a page is a contiguous slice of the sorted
  list at the moment it was served, so every row with a key between the frontier and the page's last key is
  in it. Rows with keys <= frontier are dropped (dedupe), the rest are yielded and the frontier moves.
* A page whose first key is above the frontier may hide a gap (rows deleted before it): it is discarded and
  the overlap doubles until a page connects again (at worst offset 0).
* A short page that connects proves the end: no row with a larger key existed when it was served.

With `concurrency > 1` and a known `Total`, a batch of pages is planned with the same overlap between
neighbours and checked in order; a page after a gap is simply refetched. Rows inserted or deleted during the
walk may or may not appear; rows present throughout appear exactly once. The key must not change during the
walk (ID, or a sort field plus ID when the server breaks ties by ID).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

MAX_LIMIT = 1000

Row = dict[str, Any]
KeyFn = Callable[[Row], Any]


def plan_offsets(start: int, total: int | None, *, limit: int, overlap: int, concurrency: int) -> list[int]:
    """Offsets of the next batch of pages, neighbours overlapping by `overlap` rows.

    Args:
        start: offset of the first page of the batch.
        total: the server's last known row count, or None when unknown (then one page).
        limit: rows per page.
        overlap: rows shared by neighbouring pages (>= 0, < limit).
        concurrency: the most pages in one batch.

    Returns:
        At least one offset, ascending, each page reaching past the previous one.
    """
    stride = max(1, limit - overlap)
    if total is None or concurrency <= 1:
        return [start]
    remaining = max(1, total - start)
    # The page that ends exactly at `total` is full, and only a short page proves the end: plan one more.
    pages = min(concurrency, remaining // stride + 1)
    return [start + i * stride for i in range(pages)]


@dataclass
class Walker:
    """The paging state machine, free of I/O: ask `plan()` for offsets, `feed()` each page in offset order.

    Args:
        limit: rows per page (<= 1000).
        key: the row's position in the sort (unique, ascending), or None for plain offset paging with no
            exactness guarantee (resources without a stable sort).
        overlap: rows each page re-reads before the frontier (grows on gaps, shrinks back on success).
        concurrency: pages per batch once `Total` is known.
    """

    limit: int = MAX_LIMIT
    key: KeyFn | None = None
    overlap: int = 1
    concurrency: int = 1
    total: int | None = None
    done: bool = False
    frontier: Any = None
    position: int = 0  # estimated offset of the first row after the frontier
    pages: int = 0
    _base_overlap: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.key is None:
            self.limit, self.overlap = max(1, min(self.limit, MAX_LIMIT)), 0
        else:
            # A keyed walk re-reads at least one row to prove contiguity, so it needs two rows per page.
            self.limit = max(2, min(self.limit, MAX_LIMIT))
            self.overlap = max(1, min(self.overlap, self.limit - 1))
        self._base_overlap = self.overlap

    def plan(self) -> list[int]:
        """The offsets to fetch next (empty when the walk is over)."""
        if self.done:
            return []
        start = 0 if self.frontier is None else max(0, self.position - self.overlap)
        # After a gap the overlap can be large; speculative neighbours would mostly re-read the same rows.
        concurrency = self.concurrency if self.overlap < self.limit // 2 else 1
        return plan_offsets(
            start, self.total, limit=self.limit, overlap=self.overlap, concurrency=concurrency
        )

    def feed(self, offset: int, rows: list[Row], total: int | None = None) -> tuple[list[Row], bool]:
        """Take one page.

        Args:
            offset: the offset it was requested with.
            rows: its rows, in server order.
            total: the `Total` it reported with countrecords=1, if any.

        Returns:
            (new rows to yield, whether to drop the remaining pages of this batch and plan again).
        """
        self.pages += 1
        if total is not None:
            self.total = total
        if len(rows) > self.limit:  # the server ignored Limit (metadata): it sent everything at once
            self.done = True
            return self._accept(offset, rows), True
        if self.key is None:
            fresh = rows
            self.position = offset + len(rows)
            self.frontier = self.position
        elif offset > 0 and (not rows or self.frontier is None or self.key(rows[0]) > self.frontier):
            return self._gap()
        else:
            fresh = self._accept(offset, rows)
            self.overlap = max(self._base_overlap, self.overlap // 2)
        if len(rows) < self.limit:
            self.done = True
        return fresh, self.done

    def _accept(self, offset: int, rows: list[Row]) -> list[Row]:
        if self.key is None:
            return rows
        key, frontier = self.key, self.frontier
        fresh = rows if frontier is None else [r for r in rows if key(r) > frontier]
        if fresh:
            self.frontier = key(fresh[-1])
        self.position = offset + len(rows)
        return fresh

    def _gap(self) -> tuple[list[Row], bool]:
        # Rows before this page vanished (or the list shrank under it): re-read further back.
        self.overlap = min(max(1, self.overlap * 2), 1 << 40)
        return [], True


def id_key(row: Row) -> Hashable:
    """The sort key of an ID-sorted listing."""
    return row["ID"]


def field_key(name: str) -> KeyFn:
    """The sort key of a listing sorted by `name`, ties broken by ID (as the emulator and Mailjet order them)."""

    def key(row: Row) -> tuple[Any, Any]:
        return (row.get(name), row["ID"])

    return key
