"""`read`: the configured streams as RECORD lines, with STATE after every page of a window and every walk.

Reading goes through the sync engine: the same streams per resource (`sync.stream_sets`), the same windows
over the same cursors (`stream_window`, `walk_spec`), the same readers turning pages into arrow tables
(`prepare_pages`). Only the output differs: records on stdout instead of a dlt load.

A stream's state is `{"streams": {walk key: {"mark": hi of the last completed window, "run": {"lo", "hi",
"walk", "seq", "part"} while a window is half read}}}`: a read stopped mid-window resumes after its last
page (`part`: which of the window's parts, for statcounters, whose requests span 100 slices at most).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson
import pyarrow as pa

from mailjet_connector import catalog
from mailjet_connector.airbyte.messages import state_line
from mailjet_connector.airbyte.streams import StreamInfo
from mailjet_connector.catalog import FieldType
from mailjet_connector.client import Client
from mailjet_connector.sync.filters import Narrowing
from mailjet_connector.sync.incremental import Window
from mailjet_connector.sync.options import SyncOptions
from mailjet_connector.sync.reader import prepare_pages
from mailjet_connector.sync.settings import DELETED_COLUMN, HASH_COLUMN, PAGE_LIMIT
from mailjet_connector.sync.stream_sets import (
    counter_streams,
    parent_stream,
    per_parent_streams,
    plain_streams,
)
from mailjet_connector.sync.streams import WINDOW, Stream, SyncContext, stream_window, walk_spec, window_parts


def create_context(
    client: Client, start_date: datetime | None = None, page_limit: int = PAGE_LIMIT
) -> SyncContext:
    """The sync context one `read` shares across its streams (time fixed at the start of the read)."""
    options = SyncOptions(start_date=start_date, page_limit=page_limit)
    return SyncContext(client=client, run_id=uuid.uuid4().hex, now=int(time.time()), options=options)


class StreamReader:
    """Reads one configured stream.

    Args:
        ctx: the read's context.
        info: the stream.
        incremental: the configured sync mode is incremental (state in, state out).
        state: the stream's state from the last read (ignored in full refresh).
    """

    def __init__(self, ctx: SyncContext, info: StreamInfo, incremental: bool, state: dict[str, Any]) -> None:
        self.ctx, self.info, self.incremental = ctx, info, incremental
        self.state: dict[str, Any] = state if incremental else {}
        self.records = 0
        self._kv = [c.name for c in info.layout.columns if c.type is FieldType.KV]
        self._drop = [HASH_COLUMN, DELETED_COLUMN]

    def lines(self) -> Iterator[bytes]:
        """RECORD and STATE lines (each ending with a newline), in order."""
        subs = self.state.setdefault("streams", {})
        if self.info.by_parent:
            yield from self._by_parent(subs.setdefault("main", {}))
            return
        for stream in self.streams():
            yield from self._walk(stream, subs.setdefault(stream.key, {}))

    def streams(self) -> list[Stream]:
        """The walks of the stream (one for most; per parent or per counter series for some)."""
        res, narrowing = self.info.res, Narrowing()
        if res.name == "statcounters":
            return list(counter_streams(self.ctx, res, narrowing))
        if res.parent is not None:
            return per_parent_streams(self.ctx, res, narrowing)
        return plain_streams(res, narrowing)

    def _window(self, stream: Stream, sub: dict[str, Any]) -> dict[str, Any]:
        """The window run to read: the half-read one of the state, or the next one."""
        run = sub.get("run")
        if run is None:
            window = stream_window(self.ctx, stream, sub.get("mark"))
            run = {"lo": window.lo, "hi": window.hi, "walk": None, "seq": 0, "part": 0}
        return run

    def _walk(self, stream: Stream, sub: dict[str, Any]) -> Iterator[bytes]:
        run = self._window(stream, sub)
        window = Window(run["lo"], run["hi"])
        if stream.mode == WINDOW and window.empty:  # nothing can have changed since: the state as it was
            if self.incremental:
                yield state_line(self.info.name, self.state)
            return
        parts = window_parts(stream, window) if stream.mode == WINDOW else [window]
        checkpoints = self.incremental and stream.mode == WINDOW
        concurrency = self.ctx.client.concurrency
        for index in range(run.get("part", 0), len(parts)):  # statcounters: at most 100 slices a request
            run["part"] = index
            spec = walk_spec(stream, parts[index], self.ctx.options.page_limit)
            for page in prepare_pages(self.ctx.client, spec, run["walk"], run["seq"], concurrency):
                yield from self._records(page.table)
                run["seq"] = page.seq
                last = page.step.done and index == len(parts) - 1
                run["walk"] = None if page.step.done else page.step.checkpoint
                if checkpoints and not last:
                    sub["run"] = run
                    yield state_line(self.info.name, self.state)
        sub.pop("run", None)
        sub["mark"] = run["hi"]
        if self.incremental:
            yield state_line(self.info.name, self.state)

    def _by_parent(self, sub: dict[str, Any]) -> Iterator[bytes]:
        """messagehistory: the history of each message in the window of the message listing."""
        assert self.info.res.parent is not None
        parents = plain_streams(catalog.get(self.info.res.parent[0]), Narrowing())[0]
        run = self._window(parents, sub)
        spec = walk_spec(parents, Window(run["lo"], run["hi"]), self.ctx.options.page_limit)
        for page in prepare_pages(self.ctx.client, spec, None, 0, self.ctx.client.concurrency):
            for parent_id in page.table.column("id").to_pylist():
                child = walk_spec(
                    parent_stream(self.info.res, parent_id), Window(0, 0), self.ctx.options.page_limit
                )
                for history in prepare_pages(self.ctx.client, child, None, 0, 1):
                    yield from self._records(history.table)
        sub["mark"] = run["hi"]
        if self.incremental:
            yield state_line(self.info.name, self.state)

    def _records(self, table: pa.Table) -> Iterator[bytes]:
        rows = table.drop_columns(self._drop).to_pylist()
        name, now = self.info.name, int(time.time() * 1000)
        dumps, fragment, newline = orjson.dumps, orjson.Fragment, orjson.OPT_APPEND_NEWLINE
        for row in rows:
            for column in self._kv:  # the JSON text as it is: the value is an array of objects
                if row[column] is not None:
                    row[column] = fragment(row[column])
            yield dumps(
                {"type": "RECORD", "record": {"stream": name, "data": row, "emitted_at": now}}, option=newline
            )
        self.records += len(rows)
