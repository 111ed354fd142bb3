"""dlt resources `event` and `inbound_message`: the receiver's store, read incrementally by `seq`.

One arrow table per page of the store. Merge on `dedupe_key`, so a re-run (even a full refresh) never
duplicates a row; the incremental cursor is `seq`, so a normal run reads only what arrived since the last.

    pipeline = dlt.pipeline("mailjet", destination="duckdb", dataset_name="mailjet_data")
    pipeline.run(webhook_source("sqlite:///events.db"))
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dlt
import pyarrow as pa

from mailjet_connector.webhooks.backend import META_COLUMNS, TABLES, Kind
from mailjet_connector.webhooks.store import PAGE_SIZE, iter_pages, open_store

ARROW_TYPES = {"int": pa.int64(), "str": pa.string(), "bool": pa.bool_(), "num": pa.float64()}
META_TYPES = {"seq": pa.int64(), "dedupe_key": pa.string(), "received_at": pa.float64()}
RESOURCES: dict[str, Kind] = {"event": "event", "inbound_message": "inbound"}


def arrow_schema(kind: Kind) -> pa.Schema:
    """The arrow schema of a store table: meta columns, typed fields, `raw` (JSON text)."""
    meta = [pa.field(name, META_TYPES[name], nullable=False) for name in META_COLUMNS]
    typed = [pa.field(f.column, ARROW_TYPES[f.kind]) for f in TABLES[kind][1]]
    return pa.schema([*meta, *typed, pa.field("raw", pa.string(), nullable=False)])


def to_arrow(kind: Kind, rows: list[dict[str, Any]]) -> pa.Table:
    """One page of store rows as an arrow table with the kind's schema."""
    schema = arrow_schema(kind)
    return pa.table({name: [row[name] for row in rows] for name in schema.names}, schema=schema)


def _pages(store_url: str, kind: Kind, after_seq: int, page_size: int) -> Iterator[pa.Table]:
    with open_store(store_url) as store:
        for page in iter_pages(store, kind, after_seq, page_size):
            yield to_arrow(kind, page)


def webhook_resource(name: str, store_url: str, page_size: int = PAGE_SIZE) -> Any:
    """One dlt resource over the store (`event` or `inbound_message`).

    Args:
        name: the resource and table name.
        store_url: see `store.open_store`.
        page_size: rows per arrow table.

    Raises:
        KeyError: an unknown resource name.
    """
    kind = RESOURCES[name]
    cursor = dlt.sources.incremental("seq", initial_value=0)

    def rows(seq: Any = cursor) -> Iterator[pa.Table]:
        yield from _pages(store_url, kind, int(seq.last_value or 0), page_size)

    return dlt.resource(
        rows,
        name=name,
        table_name=name,
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        primary_key="dedupe_key",
    )


def webhook_resources(store_url: str, page_size: int = PAGE_SIZE) -> list[Any]:
    """Both resources, `event` and `inbound_message` (what `mailjet_source` appends when given a store)."""
    return [webhook_resource(name, store_url, page_size) for name in RESOURCES]


@dlt.source(name="mailjet_webhooks", max_table_nesting=0)
def webhook_source(store_url: str = dlt.config.value, page_size: int = PAGE_SIZE) -> Any:
    """The receiver's store as a dlt source of its own.

    Args:
        store_url: `sqlite:///events.db` or `postgresql://...` (dlt config `sources.mailjet_webhooks.store_url`).
        page_size: rows per arrow table.

    Returns:
        The `event` and `inbound_message` resources.
    """
    return webhook_resources(store_url, page_size)
