"""The durable event store: `open_store(url)` (which backend a URL names) and the readers.

The contract, the records and the table layout are in `backend.py` (re-exported here); the backends are
`sqlite_store.SQLiteStore` and `postgres_store.PostgresStore`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mailjet_connector.errors import ConfigError
from mailjet_connector.webhooks.backend import Batch, Kind, Row, Store, WriteResult
from mailjet_connector.webhooks.postgres_store import PostgresStore
from mailjet_connector.webhooks.sqlite_store import SQLiteStore

__all__ = [
    "PAGE_SIZE",
    "Batch",
    "Kind",
    "Row",
    "Store",
    "WriteResult",
    "iter_events",
    "iter_inbound",
    "iter_pages",
    "open_store",
]

PAGE_SIZE = 1000


def open_store(url: str, *, create: bool = True) -> Store:
    """Open (and create when needed) the store at `url`.

    Args:
        url: `sqlite:///relative.db`, `sqlite:////absolute/path.db`, a plain file path (SQLite), or
            `postgresql://user@host:5432/db` (also `postgres://`).
        create: create a SQLite store that does not exist yet (False for readers: a misspelt path is an
            error, not a new empty store).

    Returns:
        The store, tables created.

    Raises:
        ConfigError: an unsupported scheme, or a backend that cannot be opened.
    """
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresStore(url)
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        if not path.startswith("/"):
            raise ConfigError(f"bad SQLite URL {url!r}: use sqlite:///relative.db or sqlite:////abs.db")
        path = path[1:]
    elif "://" in url:
        raise ConfigError(
            f"unsupported store {url.split('://')[0]!r}: use sqlite:///file.db or postgresql://..."
        )
    else:
        path = url
    if not create and path and not Path(path).exists():
        raise ConfigError(f"no store at {path}: `mailjet-connector webhooks serve --store {url}` creates it")
    return SQLiteStore(path or ":memory:")


def iter_pages(
    store: Store, kind: Kind, after_seq: int = 0, page_size: int = PAGE_SIZE
) -> Iterator[list[dict]]:
    """Pages of stored rows after a cursor, until the store has no more (a snapshot-free walk: rows that
    arrive meanwhile are included when their `seq` is reached).

    Args:
        store: an open store.
        kind: "event" or "inbound".
        after_seq: the last `seq` already consumed (0 = from the start).
        page_size: rows per page.

    Yields:
        Non-empty lists of rows, `seq` ascending.
    """
    while True:
        page = store.read(kind, after_seq, page_size)
        if not page:
            return
        yield page
        after_seq = page[-1]["seq"]


def iter_events(store: Store, after_seq: int = 0) -> Iterator[dict[str, Any]]:
    """Every stored event after `after_seq`, `seq` ascending (see `iter_pages`)."""
    for page in iter_pages(store, "event", after_seq):
        yield from page


def iter_inbound(store: Store, after_seq: int = 0) -> Iterator[dict[str, Any]]:
    """Every stored inbound mail after `after_seq`, `seq` ascending (see `iter_pages`)."""
    for page in iter_pages(store, "inbound", after_seq):
        yield from page
