"""Change detection and deletion marking against what the destination already holds.

Before a resource is read, the keys and content hashes of its rows in the destination are loaded (a
*snapshot*). Each page is then split into new, changed and unchanged rows; only new and changed rows are
loaded, so a re-run over unchanged data loads nothing. For a full read, the rows of the snapshot that the
walk did not see are gone upstream: they get `_mj_deleted_at` (the run's time), rows seen again get it
cleared by being loaded anew. A walk sorted by ID settles deletions page by page (every snapshot ID inside the
page's key range and not in the page is gone), so a resumed walk needs no memory of earlier pages.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from dlt.destinations.exceptions import DatabaseUndefinedRelation

from mailjet_connector.sync.keyset import plain_ints
from mailjet_connector.sync.settings import DELETED_COLUMN, HASH_COLUMN, KEY_COLUMN

_BATCH = 500  # keys per deletion UPDATE
_FETCH = 50_000  # snapshot rows per fetch


@dataclass
class Snapshot:
    """Keys already in the destination: key -> (content hash, marked deleted)."""

    rows: dict[str, tuple[str | None, bool]] = field(default_factory=dict)
    _ids: list[int] | None = None
    _seen: set[str] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.rows)

    def classify(self, keys: Sequence[str], hashes: Sequence[str]) -> tuple[list[int], int, int]:
        """Which rows of a page to load.

        Returns:
            (positions of new or changed rows, how many are new, how many changed or came back).
        """
        if not self.rows:  # nothing loaded yet (a first sync): every row is new
            return list(range(len(keys))), len(keys), 0
        load, new, changed = [], 0, 0
        for i, (key, digest) in enumerate(zip(keys, hashes, strict=True)):
            known = self.rows.get(key)
            if known is None:
                new += 1
                load.append(i)
            elif known[0] != digest or known[1]:
                changed += 1
                load.append(i)
        return load, new, changed

    def gone_between(self, before: Any, after: Any, seen: Iterable[str]) -> list[str]:
        """Live snapshot IDs in the key range `(before, after]` (after None = no upper end) not in `seen`."""
        ids = self._live_ids()
        lo = 0 if before is None else bisect.bisect_right(ids, int(before))
        hi = len(ids) if after is None else bisect.bisect_right(ids, int(after))
        seen_set = set(seen)
        return [str(i) for i in ids[lo:hi] if str(i) not in seen_set]

    def gone(self, seen: Iterable[str]) -> list[str]:
        """Live snapshot keys not in `seen` (for walks that are not ordered by ID)."""
        seen_set = set(seen)
        return [k for k, (_, deleted) in self.rows.items() if not deleted and k not in seen_set]

    def see(self, keys: Sequence[str]) -> None:
        """Note keys a whole read met (`unseen` gives the live ones it did not)."""
        self._seen.update(keys)

    def unseen(self) -> list[str]:
        """Live snapshot keys no `see` met: the rows gone upstream, once a whole read is over."""
        return self.gone(self._seen)

    def _live_ids(self) -> list[int]:
        if self._ids is None:
            self._ids = sorted(int(k) for k, (_, deleted) in self.rows.items() if not deleted and _is_int(k))
        return self._ids


class IdSnapshot:
    """A `Snapshot` of a table keyed by one integer column, as sorted arrays: 17 bytes a row.

    The big tables (contacts, list recipients, messages, events) are keyed so; as Python objects their keys and
    hashes took about 230 bytes a row (457 MB measured for two million keys).

    Args:
        ids: the IDs, ascending.
        hashes: each row's `_mj_hash` as a number (`digests`; 0 when it has none).
        deleted: each row's deletion mark.
    """

    def __init__(self, ids: np.ndarray, hashes: np.ndarray, deleted: np.ndarray) -> None:
        self.ids, self.hashes, self.deleted = ids, hashes, deleted
        self._seen: np.ndarray | None = None  # one byte a row, once `see` is used

    def __len__(self) -> int:
        return len(self.ids)

    def classify(self, keys: Sequence[str], hashes: Sequence[str]) -> tuple[list[int], int, int]:
        """See `Snapshot.classify`."""
        if not len(self.ids):
            return list(range(len(keys))), len(keys), 0
        at, found = self._find(keys)
        same = found & (self.hashes[at] == digests(hashes)) & ~self.deleted[at]
        load = np.flatnonzero(~same)
        new = int(np.count_nonzero(~found))
        return load.tolist(), new, len(load) - new

    def gone_between(self, before: Any, after: Any, seen: Iterable[str]) -> list[str]:
        """See `Snapshot.gone_between`."""
        lo = 0 if before is None else int(np.searchsorted(self.ids, int(before), side="right"))
        hi = len(self.ids) if after is None else int(np.searchsorted(self.ids, int(after), side="right"))
        live = self.ids[lo:hi][~self.deleted[lo:hi]]
        return [str(i) for i in np.setdiff1d(live, _int_keys(list(seen))).tolist()]

    def gone(self, seen: Iterable[str]) -> list[str]:
        """See `Snapshot.gone`."""
        return self.gone_between(None, None, seen)

    def see(self, keys: Sequence[str]) -> None:
        """See `Snapshot.see` (a flag per snapshot row, not a set of strings)."""
        if not len(self.ids):
            return
        if self._seen is None:
            self._seen = np.zeros(len(self.ids), bool)
        at, found = self._find(keys)
        self._seen[at[found]] = True

    def unseen(self) -> list[str]:
        """See `Snapshot.unseen`."""
        live = ~self.deleted if self._seen is None else ~self.deleted & ~self._seen
        return [str(i) for i in self.ids[live].tolist()]

    def _find(self, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Where each key would sit in `ids`, and whether it is there (a key that is no integer never is)."""
        page = plain_ints(list(keys))
        valid = None
        if page is None:  # some key is not an integer (a row without its ID): such keys are never found
            valid = np.array([plain_ints([k]) is not None for k in keys], bool)
            page = np.array([int(k) if ok else 0 for k, ok in zip(keys, valid, strict=True)], np.int64)
        at = np.minimum(np.searchsorted(self.ids, page), len(self.ids) - 1)
        found = self.ids[at] == page
        return at, found if valid is None else found & valid


_HASH = np.uint64  # `_mj_hash` (16 hex digits) as the number it writes: 8 bytes a row, not 16 as text


def digests(hashes: Sequence[str | None]) -> np.ndarray:
    """`_mj_hash` values as numbers (0 for a row without one): what `IdSnapshot` keeps and compares."""
    return np.fromiter((int(h, 16) if h and len(h) == 16 else 0 for h in hashes), _HASH, len(hashes))


def _int_keys(keys: Sequence[str]) -> np.ndarray:
    return np.array(keys, dtype=np.str_).astype(np.int64) if len(keys) else np.empty(0, np.int64)


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()


def load_snapshot(
    pipeline: Any,
    table: str,
    where: str = "",
    args: Sequence[Any] = (),
    *,
    client: Any = None,
    by_id: bool = False,
    int_key: bool = False,
) -> Snapshot | IdSnapshot:
    """Read the keys and hashes of `table` from the pipeline's destination (empty when it does not exist).

    Args:
        pipeline: a dlt pipeline whose destination holds the dataset.
        table: the table name.
        where: optional SQL condition on the table's columns (e.g. only rows inside a window).
        args: parameters of `where` (`%s` placeholders).
        client: an open sql client to use (default: one opened for this call).
        by_id: the table is keyed by an integer ID alone (`_mj_key` is the ID): an `IdSnapshot`.
        int_key: the table is keyed by another integer column alone (ContactID...): an `IdSnapshot` too when
            every stored key reads as an integer (they are converted here, not by SQL), else a `Snapshot`.
    """
    if not _in_schema(pipeline, table):
        return Snapshot()
    if client is None:
        with pipeline.sql_client() as own:
            return load_snapshot(pipeline, table, where, args, client=own, by_id=by_id, int_key=int_key)
    name = client.make_qualified_table_name(table)
    key = f"CAST({KEY_COLUMN} AS BIGINT)" if by_id else KEY_COLUMN
    sql = f"SELECT {key}, {HASH_COLUMN}, {DELETED_COLUMN} IS NOT NULL FROM {name}"
    sql += (f" WHERE {where}" if where else "") + (f" ORDER BY {key}" if by_id else "")
    try:
        with client.execute_query(sql, *args) as cursor:
            compact = _int_key_snapshot(cursor) if int_key and not by_id else None
            chunks = [] if compact is not None or (int_key and not by_id) else list(_chunks(cursor, by_id))
    except DatabaseUndefinedRelation:
        return Snapshot()  # in the schema but never loaded
    if compact is not None:
        return compact
    if int_key and not by_id:  # a stored key is not an integer: the general snapshot
        return load_snapshot(pipeline, table, where, args, client=client)
    if not by_id:
        return Snapshot({k: v for chunk in chunks for k, v in chunk})
    if not chunks:
        return IdSnapshot(np.empty(0, np.int64), np.empty(0, _HASH), np.empty(0, bool))
    return IdSnapshot(*(np.concatenate(parts) for parts in zip(*chunks, strict=True)))


def _int_key_snapshot(cursor: Any) -> IdSnapshot | None:
    """An `IdSnapshot` of rows whose text keys all read as integers (sorted here), else None."""
    parts = []
    while rows := cursor.fetchmany(_FETCH):
        ids = plain_ints([str(r[0]) for r in rows])
        if ids is None:
            return None
        parts.append((ids, digests([r[1] for r in rows]), np.array([bool(r[2]) for r in rows])))
    if not parts:
        return IdSnapshot(np.empty(0, np.int64), np.empty(0, _HASH), np.empty(0, bool))
    ids, hashes, deleted = (np.concatenate(column) for column in zip(*parts, strict=True))
    order = np.argsort(ids, kind="stable")
    return IdSnapshot(ids[order], hashes[order], deleted[order])


def _chunks(cursor: Any, by_id: bool) -> Iterator[Any]:
    """The snapshot rows in chunks: arrays (ids, hashes, deleted) by ID, else (key, (hash, deleted)) pairs.

    Rows are fetched a chunk at a time: a whole table of Python tuples would cost more than the snapshot.
    """
    while rows := cursor.fetchmany(_FETCH):
        if by_id:
            yield (
                np.fromiter((r[0] for r in rows), np.int64, len(rows)),
                digests([r[1] for r in rows]),
                np.fromiter((bool(r[2]) for r in rows), bool, len(rows)),
            )
        else:
            yield [(str(k), (h, bool(d))) for k, h, d in rows]


def empty_tables(pipeline: Any, tables: Iterable[str]) -> frozenset[str]:
    """The tables of which the destination holds no row (or that it does not have), asked of the destination."""
    with pipeline.sql_client() as client:
        return frozenset(table for table in tables if _is_empty(client, table))


def _is_empty(client: Any, table: str) -> bool:
    try:
        return not client.execute_sql(f"SELECT 1 FROM {client.make_qualified_table_name(table)} LIMIT 1")
    except DatabaseUndefinedRelation:
        return True


def _in_schema(pipeline: Any, table: str) -> bool:
    schema = pipeline.default_schema if pipeline.default_schema_name else None
    return schema is not None and table in schema.tables and bool(schema.tables[table].get("columns"))


def apply_deletions(pipeline: Any, table: str, keys: Sequence[str], when: int) -> int:
    """Mark rows gone upstream: set `_mj_deleted_at` where it is still empty (so re-applying is harmless).

    Args:
        pipeline: the dlt pipeline.
        table: the table name.
        keys: `_mj_key` values of the rows gone.
        when: the run's time (Unix seconds).

    Returns:
        How many keys were given (rows already marked keep their first time).
    """
    if not keys or not _in_schema(pipeline, table):
        return 0
    moment = datetime.fromtimestamp(when, UTC)
    with pipeline.sql_client() as client:
        name = client.make_qualified_table_name(table)
        for start in range(0, len(keys), _BATCH):
            batch = list(keys[start : start + _BATCH])
            marks = ", ".join(["%s"] * len(batch))
            sql = (
                f"UPDATE {name} SET {DELETED_COLUMN} = %s WHERE {DELETED_COLUMN} IS NULL AND {KEY_COLUMN} IN"
            )
            client.execute_sql(f"{sql} ({marks})", moment, *batch)
    return len(keys)
