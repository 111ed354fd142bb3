"""Columnar in-memory table for one resource of one account: numpy columns, append-only positions.

Rows live at positions 0..n-1 in insertion order. IDs are assigned monotonically, so position order is
ID order and sorting by ID needs no work. Hard-deleted rows stay in place with `alive=False`. Values are
stored raw (timestamps as Unix seconds, 0 meaning empty) and turned into JSON-ready values only for
the rows of a page (`records`), so a million rows cost a few numpy arrays, not a million dicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from functools import cache
from typing import Any

import numpy as np

from mailjet_connector.catalog import FieldType, Resource

_DTYPES: dict[FieldType, Any] = {
    FieldType.INT: np.int64,
    FieldType.NUM: np.float64,
    FieldType.BOOL: np.bool_,
    FieldType.TS: np.int64,
    FieldType.UNIX: np.int64,
}


def empty_value(ftype: FieldType) -> Any:
    """The raw value a column holds when a field is not set."""
    if ftype in (FieldType.INT, FieldType.TS, FieldType.UNIX):
        return 0
    if ftype is FieldType.NUM:
        return 0.0
    if ftype is FieldType.BOOL:
        return False
    if ftype in (FieldType.KV, FieldType.JSON):
        return None
    return ""


def format_timestamps(values: np.ndarray) -> list[str]:
    """Unix seconds -> RFC 3339 UTC strings with Z; 0 -> "" (Mailjet's empty timestamp).

    On the page-serving hot path: the date part is formatted once per distinct day and the time part
    comes from a table of the 86,400 times of day, about 3x faster than numpy's own formatting.
    """
    times = _times_of_day()
    days: dict[int, str] = {}
    out: list[str] = []
    for value in values.tolist():
        if value == 0:
            out.append("")
            continue
        day, second = divmod(value, 86400)
        prefix = days.get(day)
        if prefix is None:
            prefix = days[day] = f"{_EPOCH + timedelta(days=day):%Y-%m-%d}T"
        out.append(prefix + times[second])
    return out


@cache
def _times_of_day() -> tuple[str, ...]:
    return tuple(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}Z" for s in range(86400))


_EPOCH = date(1970, 1, 1)


class Table:
    """The rows of one resource for one account.

    Args:
        resource: the catalog entry (fixes the columns and their types).
        columns: optional initial raw columns (field name -> array); missing fields get empty values.
        first_id: the ID the next inserted row takes when the table starts empty.
    """

    def __init__(
        self,
        resource: Resource,
        columns: Mapping[str, np.ndarray | Sequence[Any]] | None = None,
        *,
        first_id: int = 1,
    ) -> None:
        self.resource = resource
        self.types: dict[str, FieldType] = {f.name: f.type for f in resource.fields}
        columns = dict(columns or {})
        size = len(next(iter(columns.values()))) if columns else 0
        capacity = max(16, size)
        self._cols: dict[str, np.ndarray] = {}
        for name, ftype in self.types.items():
            col = self._new_column(ftype, capacity)
            if name in columns:
                given = columns[name]
                if len(given) != size:
                    raise ValueError(f"column {name} has {len(given)} rows, expected {size}")
                col[:size] = given
            elif size:
                col[:size] = empty_value(ftype)
            self._cols[name] = col
        # Raw value of each field when an insert does not give it (catalog default or empty).
        self._defaults: dict[str, Any] = {
            f.name: _store(f.default if f.default is not None else empty_value(f.type), f.type)
            for f in resource.fields
        }
        # What None stands for in each field that cannot hold None (all but KV/JSON): see `_store`.
        self._nulls = {
            n: empty_value(t) for n, t in self.types.items() if t not in (FieldType.KV, FieldType.JSON)
        }
        self._alive = np.ones(capacity, dtype=np.bool_)
        self.n = size
        self.version = 0  # bumps on every mutation; caches key on it
        self._live_cache: tuple[int, np.ndarray] | None = None
        self._indexes: dict[tuple[tuple[str, ...], bool], dict[Any, int]] = {}
        self.has_id = "ID" in self.types
        if self.has_id and size:
            ids = self._cols["ID"][:size]
            if size > 1 and not bool(np.all(ids[1:] > ids[:-1])):
                raise ValueError(f"{resource.name}: seeded IDs must be strictly increasing")
            self.next_id = int(ids[-1]) + 1
        else:
            self.next_id = first_id

    @staticmethod
    def _new_column(ftype: FieldType, capacity: int) -> np.ndarray:
        dtype = _DTYPES.get(ftype, object)
        col = np.empty(capacity, dtype=dtype)
        col[:] = empty_value(ftype)
        return col

    # -- reading ---------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self.live().size)

    def live(self) -> np.ndarray:
        """Positions of the rows that exist, ascending (= ascending ID)."""
        if self._live_cache is None or self._live_cache[0] != self.version:
            self._live_cache = (self.version, np.flatnonzero(self._alive[: self.n]))
        return self._live_cache[1]

    def column(self, name: str) -> np.ndarray:
        """The raw column `name` over all positions (dead ones included): a view, do not write to it."""
        return self._cols[name][: self.n]

    def fill(self, name: str, values: np.ndarray | Sequence[Any]) -> None:
        """Overwrite a whole column in place (seeding, before the table is served: bypasses indexes)."""
        if self._indexes:
            raise RuntimeError("fill() is for seeding a table that has not been served yet")
        self._cols[name][: self.n] = values
        self.version += 1

    def alive(self, pos: int) -> bool:
        return 0 <= pos < self.n and bool(self._alive[pos])

    def position(self, row_id: int) -> int | None:
        """Position of the live row with ID `row_id`, or None."""
        if not self.has_id:
            return None
        ids = self._cols["ID"][: self.n]
        pos = int(
            ids.searchsorted(row_id)
        )  # the method: np.searchsorted's dispatch costs more than the search
        if pos < self.n and ids[pos] == row_id and self._alive[pos]:
            return pos
        return None

    def lookup(self, fields: Sequence[str], values: Sequence[Any], *, ci: bool = False) -> int | None:
        """Position of the live row whose `fields` equal `values` (a unique key), or None."""
        fields = tuple(fields)
        index = self._indexes.get((fields, ci))
        if index is None:
            index = self._indexes[(fields, ci)] = self._build_index(fields, ci)
        pos = index.get(self._key(values, ci))
        if pos is not None and self._alive[pos]:
            return pos
        return None

    @staticmethod
    def _key(values: Sequence[Any], ci: bool) -> Any:
        if len(values) == 1:  # the common single-field key, without building a tuple
            value = values[0]
            return value.lower() if ci and isinstance(value, str) else value
        norm = tuple(v.lower() if ci and isinstance(v, str) else v for v in values)
        return norm[0] if len(norm) == 1 else norm

    def _build_index(self, fields: Sequence[str], ci: bool) -> dict[Any, int]:
        # Built with C-level zips (about 10x faster than a per-row loop: 1M emails in well under 1 s).
        # Reversed so that, for duplicate keys, the first (lowest) position wins.
        live = self.live()[::-1]
        cols = [self._cols[f][live].tolist() for f in fields]
        if ci:
            cols = [[v.lower() if isinstance(v, str) else v for v in col] for col in cols]
        keys = cols[0] if len(cols) == 1 else zip(*cols, strict=True)
        return dict(zip(keys, live.tolist(), strict=True))

    def raw(self, pos: int) -> dict[str, Any]:
        """One row's raw values (timestamps as Unix seconds)."""
        return {name: _py(col[pos]) for name, col in self._cols.items()}

    def records(self, positions: np.ndarray | Sequence[int]) -> list[dict[str, Any]]:
        """JSON-ready rows for `positions`, fields in catalog order, timestamps formatted."""
        positions = np.asarray(positions, dtype=np.int64)
        if positions.size == 0:
            return []
        names = list(self.types)
        values: list[list[Any]] = []
        for name in names:
            taken = self._cols[name][positions]
            ftype = self.types[name]
            if ftype is FieldType.TS:
                values.append(format_timestamps(taken))
            elif ftype in (FieldType.KV, FieldType.JSON):
                values.append([_json_value(v, ftype) for v in taken.tolist()])
            else:
                values.append(taken.tolist())
        return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]

    # -- writing ---------------------------------------------------------------------------------------

    def insert(self, values: Mapping[str, Any]) -> int:
        """Append a row; fields not given take their catalog default. Assigns ID when absent.

        Returns:
            The new row's position.
        """
        if self.n == self._alive.size:
            self._grow()
        pos = self.n
        defaults, nulls = self._defaults, self._nulls
        for name, col in self._cols.items():
            if name in values:
                value = values[name]
                # `_store` inlined (this loop runs once per field of every inserted row).
                col[pos] = nulls[name] if value is None and name in nulls else value
            else:
                col[pos] = defaults[name]
        if self.has_id:
            given = values.get("ID")
            row_id = int(given) if given else self.next_id
            if pos and row_id <= int(self._cols["ID"][pos - 1]):
                raise ValueError(f"{self.resource.name}: IDs must grow (got {row_id})")
            self._cols["ID"][pos] = row_id
            self.next_id = row_id + 1
        self._alive[pos] = True
        self.n += 1
        self._touch(pos, None)
        return pos

    def update(self, pos: int, changes: Mapping[str, Any]) -> None:
        """Set raw values on a live row."""
        before = {name: self._cols[name][pos] for name in changes}
        for name, value in changes.items():
            self._cols[name][pos] = _store(value, self.types[name])
        self._touch(pos, before)

    def delete(self, pos: int) -> None:
        """Hard delete: the row disappears from listings and lookups."""
        self._alive[pos] = False
        self._touch(pos, None)

    def _touch(self, pos: int, before: Mapping[str, Any] | None) -> None:
        self.version += 1
        # Unique-key indexes are cheap to rebuild lazily but expensive at scale; keep them current instead.
        for (fields, ci), index in self._indexes.items():
            if before is not None and not any(f in before for f in fields):
                continue
            if before is not None:
                old = self._key([before.get(f, self._cols[f][pos]) for f in fields], ci)
                if index.get(old) == pos:
                    del index[old]
            if self._alive[pos]:
                index.setdefault(self._key([_py(self._cols[f][pos]) for f in fields], ci), pos)

    def _grow(self) -> None:
        capacity = self._alive.size * 2
        for name, col in self._cols.items():
            bigger = self._new_column(self.types[name], capacity)
            bigger[: col.size] = col
            self._cols[name] = bigger
        alive = np.zeros(capacity, dtype=np.bool_)
        alive[: self._alive.size] = self._alive
        self._alive = alive

    def iter_raw(self) -> Iterable[dict[str, Any]]:
        """Every live row's raw values (for small tables and tests)."""
        for pos in self.live().tolist():
            yield self.raw(pos)


def _py(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _store(value: Any, ftype: FieldType) -> Any:
    if ftype in (FieldType.KV, FieldType.JSON):
        return value
    if value is None:
        return empty_value(ftype)
    return value


def _json_value(value: Any, ftype: FieldType) -> Any:
    if value is None:
        return [] if ftype is FieldType.KV else None
    if isinstance(value, tuple):
        return list(value)
    return value
