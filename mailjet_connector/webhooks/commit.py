"""Group commit: one writer thread stores the batches of many concurrent requests in one transaction.

A request hands its batch over and waits; the writer takes everything queued (up to `max_rows` rows),
writes it in one transaction, and wakes every waiter once that transaction is durable. Under load,
requests that arrive during one disk sync share the next one, so throughput grows with concurrency while
each request still waits for at most about two syncs. Alone, a request pays one sync.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from mailjet_connector.webhooks.backend import Batch, Store, WriteResult

MAX_GROUP_ROWS = 10_000
_STOP = object()


@dataclass
class CommitStats:
    """How the writer has been doing: transactions committed and failed, rows and batches written."""

    commits: int = 0
    failures: int = 0
    batches: int = 0
    rows: int = 0


class GroupCommitter:
    """The single writer of a store.

    Args:
        store: the store to write to (its `write` is only ever called from this committer's thread).
        max_rows: rows per transaction before the rest waits for the next one.
    """

    def __init__(self, store: Store, max_rows: int = MAX_GROUP_ROWS) -> None:
        self.store = store
        self.max_rows = max_rows
        self.stats = CommitStats()
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> GroupCommitter:
        """Start the writer thread (idempotent)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="webhook-group-commit", daemon=True)
                self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Write what is queued, then stop the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(_STOP)
            thread.join(timeout)

    def __enter__(self) -> GroupCommitter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def submit(self, batch: Batch) -> WriteResult:
        """Store a batch durably (shared transaction) and return what it became.

        Raises:
            Exception: the transaction failed (nothing of the batch is stored).
        """
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[WriteResult] = loop.create_future()

        def done(result: WriteResult | BaseException) -> None:
            loop.call_soon_threadsafe(_settle, waiter, result)

        self._put(batch, done)
        return await waiter

    def submit_sync(self, batch: Batch, timeout: float | None = None) -> WriteResult:
        """`submit` for code without an event loop (blocks the calling thread)."""
        future: Future[WriteResult] = Future()

        def done(result: WriteResult | BaseException) -> None:
            _settle(future, result)

        self._put(batch, done)
        return future.result(timeout)

    def _put(self, batch: Batch, done: Callable[[WriteResult | BaseException], None]) -> None:
        if self._thread is None:
            raise RuntimeError("the group committer is not running")
        self._queue.put((batch, done))

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            group, rows, stop = [first], len(first[0].rows), False
            while rows < self.max_rows:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop = True
                    break
                group.append(item)
                rows += len(item[0].rows)
            self._commit(group)
            if stop:
                return

    def _commit(self, group: list[tuple[Batch, Callable[[Any], None]]]) -> None:
        try:
            results: list[Any] = self.store.write([batch for batch, _ in group])
        except Exception as exc:  # every waiter learns of the failure; the thread goes on
            self.stats.failures += 1
            results = [exc] * len(group)
        else:
            self.stats.commits += 1
            self.stats.batches += len(group)
            self.stats.rows += sum(len(batch.rows) for batch, _ in group)
        for (_, done), result in zip(group, results, strict=True):
            with contextlib.suppress(RuntimeError):  # the waiter's event loop is closed (shutting down)
                done(result)


def _settle(future: Any, result: WriteResult | BaseException) -> None:
    if future.done():  # the request went away meanwhile; its batch is stored all the same
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)
