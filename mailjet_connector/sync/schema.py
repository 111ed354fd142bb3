"""Catalog -> table layout: column names as dlt normalises them, dlt column hints, and pages as pyarrow tables.

Types come from the catalog, never from inference:

| catalog        | arrow / dlt                           | wire value -> column value             |
|----------------|---------------------------------------|----------------------------------------|
| INT            | int64 / bigint (exact 64-bit)         | as is                                  |
| NUM            | float64 / double                      | as is                                  |
| STR, EMAIL     | string / text                         | as is                                  |
| BOOL           | bool / bool                           | as is                                  |
| TS             | timestamp[us, UTC] / timestamp        | RFC 3339 string, "" -> null            |
| UNIX           | timestamp[us, UTC] / timestamp        | Unix seconds, 0 or "" -> null          |
| KV, JSON       | string holding JSON / json            | the JSON value, serialised             |

Fields marked `secret` in the catalog (apikey SecretKey, ...) are never part of a table, nor of a row's hash.

A page is converted in one pass where it can be: the wire rows become one arrow struct array (pyarrow's C++
converter), timestamps are parsed by arrow compute, and only JSON columns go through Python. A page whose
values do not fit the catalog types (an "" where an INT belongs...) falls back to column-by-column coercion.
Context columns (parent ID, statcounters parameters) are constants of a page: they are passed apart from the
rows, never merged into each row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
from dlt.common.normalizers.naming.snake_case import NamingConvention

from mailjet_connector.catalog import FieldType, Resource
from mailjet_connector.sync.settings import DELETED_COLUMN, HASH_COLUMN, KEY_COLUMN
from mailjet_connector.wire import timestamps

_NAMING = NamingConvention()
_TS = pa.timestamp("us", tz="UTC")
_ARROW: dict[FieldType, pa.DataType] = {
    FieldType.INT: pa.int64(),
    FieldType.NUM: pa.float64(),
    FieldType.STR: pa.string(),
    FieldType.EMAIL: pa.string(),
    FieldType.BOOL: pa.bool_(),
    FieldType.TS: _TS,
    FieldType.UNIX: _TS,
    FieldType.KV: pa.string(),
    FieldType.JSON: pa.string(),
}
_DLT: dict[FieldType, str] = {
    FieldType.INT: "bigint",
    FieldType.NUM: "double",
    FieldType.STR: "text",
    FieldType.EMAIL: "text",
    FieldType.BOOL: "bool",
    FieldType.TS: "timestamp",
    FieldType.UNIX: "timestamp",
    FieldType.KV: "json",
    FieldType.JSON: "json",
}


def column_name(wire_name: str) -> str:
    """The column name dlt gives a wire field (`ArrivedAt` -> `arrived_at`, `Html-part` -> `html_part`)."""
    return _NAMING.normalize_identifier(wire_name)


@dataclass(frozen=True)
class Column:
    """One data column: its wire name, catalog type and normalised name."""

    wire: str
    type: FieldType

    @property
    def name(self) -> str:
        return column_name(self.wire)


@dataclass(frozen=True)
class TableLayout:
    """The columns of one dataset table and how its rows are keyed.

    Args:
        table: table name (the catalog name).
        columns: data columns, context columns (parent ID, statcounters parameters) first.
        key: wire names whose values, joined with "|", form `_mj_key`; empty = one row per context.
        seq_key: rows have no key of their own (messagehistory): their position in the listing is used.
        secret: wire names of the resource's secret fields (left out of columns and hashes).
    """

    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    seq_key: bool = False
    secret: frozenset[str] = frozenset()

    def hints(self) -> dict[str, dict[str, Any]]:
        """dlt column hints: every column typed and nullable, `_mj_key` the primary key."""
        hints = {c.name: {"data_type": _DLT[c.type], "nullable": True} for c in self.columns}
        hints[KEY_COLUMN] = {"data_type": "text", "nullable": False, "primary_key": True}
        hints[HASH_COLUMN] = {"data_type": "text", "nullable": True}
        hints[DELETED_COLUMN] = {"data_type": "timestamp", "nullable": True}
        return hints

    def row_key(self, row: Mapping[str, Any], seq: int = 0) -> str:
        """The `_mj_key` of a wire row (context values already merged into it)."""
        return self.page_keys([row], seq=seq)[0]

    def page_keys(
        self, rows: Sequence[Mapping[str, Any]], context: Mapping[str, Any] | None = None, seq: int = 0
    ) -> list[str]:
        """The `_mj_key` of each row of a page: key values joined with "|" (context values from `context`).

        Args:
            rows: wire rows.
            context: values of the context columns, common to the page (default: read from each row).
            seq: listing position of the first row (layouts with `seq_key`).
        """
        context = context or {}
        fixed = {name: _key_part(context[name]) for name in self.key if name in context}
        own = [name for name in self.key if name not in fixed]
        if not self.seq_key and len(own) == 1 and len(fixed) == len(self.key) - 1:
            # The common shape: constant context parts, then one key of the row's own (usually ID).
            prefix, name = "".join(f"{fixed[n]}|" for n in self.key if n in fixed), own[0]
            return [prefix + _key_part(row.get(name)) for row in rows]
        keys = []
        for i, row in enumerate(rows):
            parts = [fixed[name] if name in fixed else _key_part(row.get(name)) for name in self.key]
            if self.seq_key:
                parts.append(str(seq + i))
            keys.append("|".join(parts))
        return keys

    def row_hash(self, row: Mapping[str, Any]) -> str:
        """A content hash of the row as the API sent it (secret fields left out): equal hash = nothing to load.

        Context values are not part of it: they are part of the key, and only rows of one key are compared.
        """
        if self.secret:
            row = {name: value for name, value in row.items() if name not in self.secret}
        return hashlib.blake2b(orjson.dumps(row), digest_size=8).hexdigest()

    def page_hashes(self, rows: Sequence[Mapping[str, Any]]) -> list[str]:
        """`row_hash` of each row of a page."""
        if self.secret:
            return [self.row_hash(row) for row in rows]
        blake, dumps = hashlib.blake2b, orjson.dumps
        return [blake(dumps(row), digest_size=8).hexdigest() for row in rows]

    def to_arrow(
        self,
        rows: Sequence[Mapping[str, Any]],
        keys: Sequence[str],
        hashes: Sequence[str],
        context: Mapping[str, Any] | None = None,
    ) -> pa.Table:
        """One page of wire rows as an arrow table in this layout (`_mj_deleted_at` null: the row is live).

        Args:
            rows: wire rows (context values may be merged into them, or given as `context`).
            keys / hashes: `_mj_key` and `_mj_hash` of each row.
            context: values of context columns common to every row of the page.
        """
        context = context or {}
        arrays = _struct_columns(self, rows, context) or {}
        columns = []
        for column in self.columns:
            if column.wire in context:
                columns.append(_column_array(column.type, [context[column.wire]] * len(rows)))
            elif column.wire in arrays:
                columns.append(_finish(column.type, arrays[column.wire]))
            else:
                columns.append(_column_array(column.type, [r.get(column.wire) for r in rows]))
        columns += [
            pa.array(keys, pa.string()),
            pa.array(hashes, pa.string()),
            pa.nulls(len(rows), _TS),
        ]
        return pa.Table.from_arrays(columns, schema=self.arrow_schema)

    @cached_property
    def int_key(self) -> bool:
        """Whether `_mj_key` is one integer column of the row's own (ID, ContactID, ListRecipientID...)."""
        types = {c.wire: c.type for c in self.columns}
        return not self.seq_key and len(self.key) == 1 and types.get(self.key[0]) is FieldType.INT

    @cached_property
    def arrow_schema(self) -> pa.Schema:
        """The arrow schema of the table's pages."""
        fields = [pa.field(c.name, _ARROW[c.type]) for c in self.columns]
        fields += [
            pa.field(KEY_COLUMN, pa.string(), nullable=False),
            pa.field(HASH_COLUMN, pa.string()),
            pa.field(DELETED_COLUMN, _TS),
        ]
        return pa.schema(fields)

    @cached_property
    def wire_struct(self) -> pa.StructType:
        """The wire types of the columns arrow converts natively (timestamps still as sent, no JSON)."""
        return pa.struct([pa.field(c.wire, _WIRE[c.type]) for c in self.columns if c.type in _WIRE])


# Wire types of the catalog types the struct converter handles; KV and JSON need Python (serialisation).
_WIRE: dict[FieldType, pa.DataType] = {
    **{t: a for t, a in _ARROW.items() if t not in (FieldType.KV, FieldType.JSON)},
    FieldType.TS: pa.string(),
    FieldType.UNIX: pa.int64(),
}


def _struct_columns(
    lay: TableLayout, rows: Sequence[Mapping[str, Any]], context: Mapping[str, Any]
) -> dict[str, pa.Array] | None:
    """The natively convertible columns of a page in one C++ pass, or None when a value does not fit."""
    if not rows or context:
        # Context pages are small (per parent, per counter series): the column path is as fast there.
        return None
    struct = lay.wire_struct
    try:
        converted = pa.array(rows, type=struct)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError):
        return None
    return {struct.field(i).name: child for i, child in enumerate(converted.flatten())}


def _finish(ftype: FieldType, wire: pa.Array) -> pa.Array:
    """A natively converted wire column in its table type (timestamps parsed, 0 and "" as null)."""
    if ftype is FieldType.TS:
        parsed = pc.strptime(wire, format=timestamps.FORMAT, unit="s", error_is_null=True)
        return parsed.cast(pa.timestamp("us")).cast(_TS)
    if ftype is FieldType.UNIX:
        seconds = pc.if_else(pc.equal(wire, 0), pa.scalar(None, pa.int64()), wire)
        return pc.multiply(seconds, 1_000_000).cast(pa.timestamp("us")).cast(_TS)
    return wire


def _key_part(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _column_array(ftype: FieldType, values: list[Any]) -> pa.Array:
    if ftype is FieldType.TS:
        strings = pa.array([v if isinstance(v, str) and v else None for v in values], pa.string())
        parsed = pc.strptime(strings, format=timestamps.FORMAT, unit="s", error_is_null=True)
        return parsed.cast(pa.timestamp("us")).cast(_TS)
    if ftype is FieldType.UNIX:
        seconds = pa.array([v if isinstance(v, int) and v else None for v in values], pa.int64())
        return pc.multiply(seconds, 1_000_000).cast(pa.timestamp("us")).cast(_TS)
    if ftype in (FieldType.KV, FieldType.JSON):
        return pa.array([None if v is None else orjson.dumps(v).decode() for v in values], pa.string())
    arrow_type = _ARROW[ftype]
    try:
        return pa.array(values, arrow_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([_coerce(ftype, v) for v in values], arrow_type)


def _coerce(ftype: FieldType, value: Any) -> Any:
    # The wire sometimes carries "" or another type where the catalog says INT/NUM/BOOL/STR: keep what fits.
    if value is None or value == "":
        return None
    if ftype in (FieldType.STR, FieldType.EMAIL):
        return value if isinstance(value, str) else orjson.dumps(value).decode()
    if ftype is FieldType.INT:
        return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if ftype is FieldType.NUM:
        return float(value) if isinstance(value, (int, float)) else None
    return bool(value) if isinstance(value, bool) else None


# statcounters rows carry the three Counter* parameters they were read with (one walk per combination).
COUNTER_CONTEXT = ("CounterSource", "CounterTiming", "CounterResolution")


def parent_column(res: Resource) -> str:
    """The context column holding the parent's ID on a per-parent resource (`Message` -> `MessageID`)."""
    assert res.parent is not None
    flt = res.parent[1]
    return flt if flt.endswith("ID") else f"{flt}ID"


def resource_layout(res: Resource) -> TableLayout:
    """The layout of the dataset table of a catalog resource, context columns included.

    Per-parent resources (messagehistory, statistics/link-click) carry their parent's ID, statcounters its
    Counter* parameters; every other resource has only its own fields.
    """
    if res.name == "statcounters":
        return layout(res, tuple((name, FieldType.STR) for name in COUNTER_CONTEXT))
    if res.parent is not None:
        return layout(res, ((parent_column(res), FieldType.INT),))
    return layout(res)


@cache
def layout(res: Resource, context: tuple[tuple[str, FieldType], ...] = ()) -> TableLayout:
    """The table layout of a catalog resource, with extra context columns (e.g. the parent ID).

    Args:
        res: the catalog resource.
        context: (wire name, type) of columns that come from the request rather than the row.

    Returns:
        The layout; the key is the context plus the catalog primary key.
    """
    columns = [Column(name, ftype) for name, ftype in context]
    columns += [Column(f.name, f.type) for f in res.fields if not f.secret]
    key = tuple(name for name, _ in context) + tuple(res.primary_key)
    secret = frozenset(f.name for f in res.fields if f.secret)
    return TableLayout(
        res.name, tuple(columns), key, seq_key=not res.primary_key and bool(context), secret=secret
    )
