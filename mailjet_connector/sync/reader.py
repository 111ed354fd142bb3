"""Pages of one stream read ahead on a worker thread, converted for the destination before they are asked for.

A sync spends its time in three places: waiting for the API, turning JSON rows into arrow tables, and dlt
writing and loading those tables. `PageReader` takes the first two off dlt's extract loop: a worker thread
walks the listing (several pages in flight once the total is known, see `walk.iter_walk`) and prepares each
page (keys, hashes, arrow table), up to `ahead` pages before the consumer. It goes on while dlt normalizes
and loads a checkpoint, so fetching and loading overlap.

Pages come out in walk order, each with the walk checkpoint *after* it: the state committed with a load still
matches exactly the pages in it. Pages read ahead but not taken when a chunk ends stay in the reader; the next
chunk of the same sync takes up the reader whose position is the committed checkpoint (`resumes`). A new
process starts a new walk from that checkpoint; pages read ahead by a killed process are simply read again.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from mailjet_connector.client import Client
from mailjet_connector.sync.schema import TableLayout
from mailjet_connector.sync.walk import Step, iter_walk

POLL_SECONDS = 0.1  # how often a blocked worker checks whether it was closed


@dataclass
class Prepared:
    """One page, ready for the destination.

    Args:
        step: the walk step (rows, key range, checkpoint after it).
        keys / hashes: `_mj_key` and `_mj_hash` of each row.
        table: every row of the page as arrow (the consumer keeps the new and changed ones).
        seq: listing position after the page (layouts keyed by position).
    """

    step: Step
    keys: list[str]
    hashes: list[str]
    table: pa.Table
    seq: int


@dataclass(frozen=True)
class WalkSpec:
    """What one reader walks and how it prepares the pages."""

    name: str
    filters: dict[str, Any]
    layout: TableLayout
    context: dict[str, Any]
    sort: str | None
    limit: int


def prepare_pages(
    client: Client, spec: WalkSpec, checkpoint: dict[str, Any] | None, seq: int, concurrency: int
) -> Iterator[Prepared]:
    """Walk `spec` from `checkpoint` and prepare every page (runs on the reader's thread)."""
    walk = iter_walk(
        client, spec.name, spec.filters, sort=spec.sort, limit=spec.limit, checkpoint=checkpoint,
        concurrency=concurrency,
    )  # fmt: skip
    lay, context = spec.layout, spec.context
    for step in walk:
        keys = lay.page_keys(step.rows, context, seq)
        hashes = lay.page_hashes(step.rows)
        table = lay.to_arrow(step.rows, keys, hashes, context)
        seq += len(step.rows)
        step.rows = []  # the arrow table holds them now: keep one copy in memory, not two
        yield Prepared(step, keys, hashes, table, seq)


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class PageReader:
    """The prepared pages of one walk, read `ahead` pages before they are taken (0: read when taken).

    Args:
        pages: the prepared pages (a `prepare_pages` generator).
        checkpoint: the walk position the pages start after.
        ahead: pages to read before they are taken; 0 reads in the caller's thread.
    """

    def __init__(self, pages: Iterator[Prepared], checkpoint: dict[str, Any] | None, *, ahead: int) -> None:
        self.position = checkpoint
        self._pages = pages
        self._done = False
        self._closed = threading.Event()
        self._queue: queue.Queue[Prepared | _Failure | None] | None = None
        if ahead > 0:
            self._queue = queue.Queue(maxsize=ahead)
            self._thread = threading.Thread(target=self._work, name="mailjet-reader", daemon=True)
            self._thread.start()

    def resumes(self, checkpoint: dict[str, Any] | None) -> bool:
        """Whether the next page this reader gives follows `checkpoint` (it can serve the next chunk)."""
        return not self._done and not self._closed.is_set() and self.position == checkpoint

    def take(self) -> Prepared | None:
        """The next page in walk order, or None after the last one.

        Raises:
            Whatever the walk raised (API errors after the client's retries).
        """
        if self._done:
            return None
        item = next(self._pages, None) if self._queue is None else self._queue.get()
        if isinstance(item, _Failure):
            self._done = True
            raise item.error
        if item is None:
            self._done = True
            return None
        self.position = item.step.checkpoint
        return item

    def close(self) -> None:
        """Stop reading ahead (a blocked worker notices within POLL_SECONDS)."""
        self._closed.set()
        if self._queue is None:
            close = getattr(self._pages, "close", None)
            if close is not None:
                close()

    def _work(self) -> None:
        try:
            for item in self._pages:
                if not self._put(item):
                    return
            self._put(None)
        except BaseException as error:  # handed to the consumer, which raises it in its own thread
            self._put(_Failure(error))
        finally:
            close = getattr(self._pages, "close", None)
            if close is not None:
                close()

    def _put(self, item: Prepared | _Failure | None) -> bool:
        assert self._queue is not None
        while not self._closed.is_set():
            try:
                self._queue.put(item, timeout=POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False
