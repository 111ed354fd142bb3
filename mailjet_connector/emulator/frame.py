"""Columnar computed results: raw columns plus the kept positions, sorted and paged vectorised.

A computed resource (a statistic) may answer with a `Frame` instead of a list of dicts. The listing layer
sorts and pages the frame with numpy and turns only the rows of the requested page into JSON-ready dicts,
so a page of a two-million-row statistic costs what a page of a stored table costs. Ordering matches
`query.sort_rows` over the materialised rows exactly (stable; empty values first; ties keep row order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mailjet_connector.catalog import FieldType, Resource
from mailjet_connector.emulator.rest.query import sort_key, stable_order
from mailjet_connector.emulator.table import empty_value, format_timestamps

# Raw columns by field name: numpy arrays, or Python lists for values numpy cannot hold (dicts per row).
Columns = Mapping[str, "np.ndarray | Sequence[Any]"]


def build_rows(resource: Resource, columns: Columns, keep: np.ndarray) -> list[dict[str, Any]]:
    """JSON-ready rows in catalog field order for the kept positions; absent fields get empty values.

    Args:
        resource: the catalog entry (fixes the fields and their order).
        columns: raw columns (timestamps as Unix seconds), all the same length.
        keep: positions into the columns, in the order the rows are wanted.

    Returns:
        One dict per kept position.
    """
    names = [f.name for f in resource.fields]
    values: list[list[Any]] = []
    for fld in resource.fields:
        column = columns.get(fld.name)
        if column is None:
            empty = [] if fld.type is FieldType.KV else empty_value(fld.type)
            values.append([empty] * keep.size)
            continue
        taken = (
            np.asarray(column)[keep] if not isinstance(column, list) else [column[i] for i in keep.tolist()]
        )
        if fld.type is FieldType.TS:
            values.append(format_timestamps(np.asarray(taken, dtype=np.int64)))
        elif isinstance(taken, np.ndarray):
            values.append(taken.tolist())
        else:
            values.append(list(taken))
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


class Frame:
    """The rows of one computed answer, still as columns.

    Args:
        resource: the computed resource.
        columns: raw columns, all of one length (timestamps as Unix seconds).
        keep: the positions into the columns that are rows of the answer, ascending.
    """

    def __init__(self, resource: Resource, columns: Columns, keep: np.ndarray) -> None:
        self.resource = resource
        self.columns = columns
        self.keep = np.asarray(keep, dtype=np.int64)
        self._types = {f.name: f.type for f in resource.fields}
        self._orders: dict[tuple[str, bool], np.ndarray] = {}

    def __len__(self) -> int:
        return int(self.keep.size)

    @property
    def held(self) -> int:
        """How many rows the columns hold (kept or not): what keeping the frame costs in memory."""
        return max((len(column) for column in self.columns.values()), default=0)

    def records(self, index: np.ndarray | slice | None = None) -> list[dict[str, Any]]:
        """JSON-ready rows for `index` (positions among the frame's rows; None = all of them)."""
        keep = self.keep if index is None else self.keep[index]
        return build_rows(self.resource, self.columns, keep)

    def order(self, field: str, desc: bool) -> np.ndarray:
        """Row indices (0..len-1) in the order `query.sort_rows` gives the materialised rows; cached."""
        hit = self._orders.get((field, desc))
        if hit is None:
            hit = self._orders[(field, desc)] = self._order(field, desc)
        return hit

    def _order(self, field: str, desc: bool) -> np.ndarray:
        size = len(self)
        column = self.columns.get(field)
        if field not in self._types or column is None:
            return np.arange(size)  # every row holds the same (empty) value: stable sorts keep row order
        if isinstance(column, np.ndarray) and column.dtype != object:
            values = column[self.keep]
            if self._types[field] is FieldType.TS:
                # Rows show "" for 0 and RFC 3339 text otherwise: "" sorts first, the rest by time.
                values = np.where(values == 0, np.iinfo(np.int64).min, values.astype(np.int64))
            if values.dtype.kind in "iufb":
                if not desc and bool(np.all(values[1:] >= values[:-1])):
                    return np.arange(size)  # already in order (IDs usually are): a stable sort is a no-op
                return stable_order(values, np.arange(size), desc)
        if isinstance(column, np.ndarray):
            taken = column[self.keep].tolist()
        else:
            taken = [column[i] for i in self.keep.tolist()]
        if all(isinstance(v, str) for v in taken):
            return stable_order(np.asarray(taken, dtype=object), np.arange(size), desc)
        # Anything else (mixed or structured values): Python's own sort over the row keys, exactly.
        rows = self.records() if self._types[field] is FieldType.TS else None
        keys = [sort_key(r[field]) for r in rows] if rows is not None else [sort_key(v) for v in taken]
        return np.asarray(sorted(range(size), key=keys.__getitem__, reverse=desc), dtype=np.int64)

    def find(self, key: str, unique_keys: Sequence[tuple[str, ...]]) -> int | None:
        """Index of the first row whose ID or a unique key, as text, equals `key` (case-insensitive)."""
        wanted = key.lower()
        ids = self.columns.get("ID")
        if not unique_keys and "ID" in self._types and isinstance(ids, np.ndarray) and ids.dtype.kind == "i":
            # Only the ID can match (`messageinformation/{id}`): no need to materialise every row.
            try:
                number = int(wanted)
            except ValueError:
                return None
            hits = np.flatnonzero(ids[self.keep] == number) if str(number) == wanted else ()
            return int(hits[0]) if len(hits) else None
        return find_row(self.records(), key, unique_keys)


def find_row(
    rows: Sequence[Mapping[str, Any]], key: str, unique_keys: Sequence[tuple[str, ...]]
) -> int | None:
    """Index of the first row whose ID or a unique key (`|`-joined text) equals `key`, case-insensitively."""
    wanted = key.lower()
    for index, row in enumerate(rows):
        for fields in [("ID",), *unique_keys]:
            if "|".join(str(row.get(f, "")) for f in fields).lower() == wanted:
                return index
    return None
