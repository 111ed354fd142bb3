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

Fields marked `secret` in the catalog (apikey SecretKey, ...) are never part of a table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
from dlt.common.normalizers.naming.snake_case import NamingConvention

from mailjet_connector.catalog import FieldType, Resource
from mailjet_connector.sync.settings import DELETED_COLUMN, HASH_COLUMN, KEY_COLUMN

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
    """

    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    seq_key: bool = False

    def hints(self) -> dict[str, dict[str, Any]]:
        """dlt column hints: every column typed and nullable, `_mj_key` the primary key."""
        hints = {c.name: {"data_type": _DLT[c.type], "nullable": True} for c in self.columns}
        hints[KEY_COLUMN] = {"data_type": "text", "nullable": False, "primary_key": True}
        hints[HASH_COLUMN] = {"data_type": "text", "nullable": True}
        hints[DELETED_COLUMN] = {"data_type": "timestamp", "nullable": True}
        return hints

    def arrow_schema(self) -> pa.Schema:
        fields = [pa.field(c.name, _ARROW[c.type]) for c in self.columns]
        fields += [
            pa.field(KEY_COLUMN, pa.string(), nullable=False),
            pa.field(HASH_COLUMN, pa.string()),
            pa.field(DELETED_COLUMN, _TS),
        ]
        return pa.schema(fields)

    def row_key(self, row: dict[str, Any], seq: int = 0) -> str:
        """The `_mj_key` of a wire row (context values already merged into it)."""
        parts = [_key_part(row.get(name)) for name in self.key]
        if self.seq_key:
            parts.append(str(seq))
        return "|".join(parts)

    def row_hash(self, row: dict[str, Any]) -> str:
        """A content hash over every column's wire value: equal hash = nothing to load."""
        data = orjson.dumps([row.get(c.wire) for c in self.columns], option=orjson.OPT_PASSTHROUGH_DATETIME)
        return hashlib.blake2b(data, digest_size=8).hexdigest()

    def to_arrow(
        self, rows: Sequence[dict[str, Any]], keys: Sequence[str], hashes: Sequence[str]
    ) -> pa.Table:
        """One page of wire rows as an arrow table in this layout (`_mj_deleted_at` null: the row is live)."""
        arrays = [_column_array(c.type, [r.get(c.wire) for r in rows]) for c in self.columns]
        arrays += [
            pa.array(keys, pa.string()),
            pa.array(hashes, pa.string()),
            pa.nulls(len(rows), _TS),
        ]
        return pa.Table.from_arrays(arrays, schema=self.arrow_schema())


def _key_part(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _column_array(ftype: FieldType, values: list[Any]) -> pa.Array:
    if ftype is FieldType.TS:
        strings = pa.array([v if isinstance(v, str) and v else None for v in values], pa.string())
        parsed = pc.strptime(strings, format="%Y-%m-%dT%H:%M:%SZ", unit="s", error_is_null=True)
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
    return TableLayout(res.name, tuple(columns), key, seq_key=not res.primary_key and bool(context))
