"""One Airbyte stream per table the sync writes from a catalog resource: its JSON schema, modes and cursor.

Records carry the dataset's columns (the sync's table layout: snake_case names, context columns such as
`message_id` on messagehistory) plus `_mj_key`, the sync's merge key, declared as the primary key.
Timestamps are RFC 3339 strings, KV fields (contactdata `data`) arrays of `{Name, Value}` objects, JSON
fields the JSON text as Mailjet sent it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from airbyte_protocol.models import AirbyteCatalog, AirbyteStream, SyncMode

from mailjet_connector import catalog
from mailjet_connector.catalog import FieldType, Resource
from mailjet_connector.sync.incremental import is_incremental
from mailjet_connector.sync.schema import TableLayout, column_name, resource_layout
from mailjet_connector.sync.settings import KEY_COLUMN
from mailjet_connector.sync.source import syncable

_JSON_TYPES: dict[FieldType, dict[str, Any]] = {
    FieldType.INT: {"type": ["null", "integer"]},
    FieldType.NUM: {"type": ["null", "number"]},
    FieldType.STR: {"type": ["null", "string"]},
    FieldType.EMAIL: {"type": ["null", "string"]},
    FieldType.BOOL: {"type": ["null", "boolean"]},
    FieldType.TS: {
        "type": ["null", "string"],
        "format": "date-time",
        "airbyte_type": "timestamp_with_timezone",
    },
    FieldType.KV: {"type": ["null", "array"], "items": {"type": "object"}},
    FieldType.JSON: {"type": ["null", "string"]},
}
_JSON_TYPES[FieldType.UNIX] = _JSON_TYPES[FieldType.TS]


@dataclass(frozen=True)
class StreamInfo:
    """How the source reads one Airbyte stream.

    Args:
        res: the catalog resource.
        layout: the sync's table layout (the record columns).
        cursor: the column of the incremental cursor (None: full refresh only).
        by_parent: read per parent row (messagehistory: the messages of the window).
    """

    res: Resource
    layout: TableLayout
    cursor: str | None
    by_parent: bool = False

    @property
    def name(self) -> str:
        return self.res.name


def stream_infos() -> dict[str, StreamInfo]:
    """Every stream the source offers, by name, in the sync's order."""
    infos = {}
    for res in syncable():
        by_parent = res.parent is not None and not _parent_filter_required(res)
        incremental = is_incremental(res) or (by_parent and is_incremental(catalog.get(res.parent[0])))  # type: ignore[index]
        cursor = column_name(res.cursor.field) if incremental and res.cursor else None
        infos[res.name] = StreamInfo(res, resource_layout(res), cursor, by_parent)
    return infos


def _parent_filter_required(res: Resource) -> bool:
    assert res.parent is not None
    flt = res.filter(res.parent[1])
    return flt is not None and flt.required


def json_schema(layout: TableLayout) -> dict[str, Any]:
    """The JSON schema of a stream's records."""
    properties = {column.name: dict(_JSON_TYPES[column.type]) for column in layout.columns}
    properties[KEY_COLUMN] = {"type": "string"}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "additionalProperties": False,
        "required": [KEY_COLUMN],
        "properties": properties,
    }


def airbyte_stream(info: StreamInfo) -> AirbyteStream:
    """The stream as `discover` lists it."""
    modes = [SyncMode.full_refresh] + ([SyncMode.incremental] if info.cursor else [])
    return AirbyteStream(
        name=info.name,
        json_schema=json_schema(info.layout),
        supported_sync_modes=modes,
        source_defined_cursor=True if info.cursor else None,
        default_cursor_field=[info.cursor] if info.cursor else None,
        source_defined_primary_key=[[KEY_COLUMN]],
        is_resumable=bool(info.cursor),
    )


def discover() -> AirbyteCatalog:
    """The source's catalog: one stream per syncable catalog resource."""
    return AirbyteCatalog(streams=[airbyte_stream(info) for info in stream_infos().values()])
