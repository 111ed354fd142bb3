"""Typed parsing and validation of Event API payloads (seven types) and Parse API inbound mails (§6.2, §6.3).

One field table per kind drives validation, the typed store columns and the sync schema. Validation is
strict on what it knows (the `event` type, required fields, the JSON type of every documented field) and
lenient on the rest: documented optional fields may be absent or null (django-anymail's samples omit
`Message_GUID`, `CustomID`, `Payload`, `comment`...), and unknown extra fields are kept in the raw payload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from mailjet_connector.errors import PayloadError
from mailjet_connector.wire import events as wire_events
from mailjet_connector.wire.events import EVENT_TYPES

ColumnKind = Literal["int", "str", "bool", "num"]
INT64_MAX = 2**63 - 1


@dataclass(frozen=True, slots=True)
class Field:
    """One JSON field and the store column it fills.

    Args:
        name: the JSON name Mailjet posts.
        column: the snake_case column name in the store and the dataset.
        kind: int (int64), str, bool or num (a string like "0.602" stored as a float).
        required: must be present and non-null.
    """

    name: str
    column: str
    kind: ColumnKind
    required: bool = False


def _column(name: str) -> str:
    """The store column of a JSON field: snake_case (`MessageID` -> `message_id`, `Text-part` -> `text_part`)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).replace("-", "_").lower()


def _fields(schema: tuple[wire_events.PayloadField, ...], columns: dict[str, str]) -> tuple[Field, ...]:
    return tuple(Field(f.name, columns.get(f.name) or _column(f.name), f.kind, f.required) for f in schema)


# The field tables come from the shared payload schema (`wire.events`); the column names are the store's.
EVENT_FIELDS: tuple[Field, ...] = _fields(wire_events.EVENT_FIELDS, {})
INBOUND_FIELDS: tuple[Field, ...] = _fields(
    wire_events.INBOUND_FIELDS, {"From": "from_header", "SpamAssassinScore": "spam_score"}
)
INBOUND_STRUCTURED = wire_events.INBOUND_STRUCTURED  # typed containers, kept whole in the raw payload


@dataclass(frozen=True, slots=True)
class Record:
    """One validated event or inbound mail.

    Args:
        values: column -> typed value (None when absent), in the order of the kind's field table.
        raw: the payload as received (unknown fields included).
    """

    values: tuple[Any, ...]
    raw: dict[str, Any]


def _typed(field: Field, value: Any) -> Any:
    """The value checked (and converted for `num`) against the field's kind; raises PayloadError."""
    kind = field.kind
    if kind == "str" and isinstance(value, str):
        if "\x00" in value:  # valid JSON, but PostgreSQL text cannot hold it: refuse rather than fail later
            raise PayloadError(f'"{field.name}" contains a NUL character')
        return value
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        if not -INT64_MAX - 1 <= value <= INT64_MAX:
            raise PayloadError(f'"{field.name}" is out of the 64-bit integer range')
        return value
    if kind == "num" and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise PayloadError(
                f'"{field.name}" must be a number written as a string, got {value!r:.40}'
            ) from None
    expected = {"str": "a string", "bool": "true or false", "int": "an integer", "num": "a numeric string"}[
        kind
    ]
    raise PayloadError(f'"{field.name}" must be {expected}, got {type(value).__name__}')


def _record(fields: tuple[Field, ...], obj: Any, what: str) -> Record:
    if not isinstance(obj, dict):
        raise PayloadError(f"{what} must be a JSON object, got {_json_type(obj)}")
    values = []
    for field in fields:
        value = obj.get(field.name)
        if value is None:
            if field.required:
                raise PayloadError(f'{what} lacks the required "{field.name}"')
            values.append(None)
        else:
            values.append(_typed(field, value))
    return Record(tuple(values), obj)


def parse_event(obj: Any) -> Record:
    """Validate one Event API payload.

    Args:
        obj: a decoded JSON value.

    Returns:
        The record, values in `EVENT_FIELDS` order.

    Raises:
        PayloadError: not an object, unknown `event`, a missing required field or a wrongly typed one.
    """
    kind = obj.get("event") if isinstance(obj, dict) else None
    if kind is not None and kind not in EVENT_TYPES:
        raise PayloadError(f"unknown event type {repr(kind)[:40]}: expected one of {', '.join(EVENT_TYPES)}")
    return _record(EVENT_FIELDS, obj, "an event")


def parse_inbound(obj: Any) -> Record:
    """Validate one Parse API inbound mail.

    Raises:
        PayloadError: not an object, no Sender/Recipient, or a wrongly typed field.
    """
    record = _record(INBOUND_FIELDS, obj, "an inbound mail")
    for name, container in INBOUND_STRUCTURED.items():
        value = obj.get(name)
        if value is not None and not isinstance(value, container):
            raise PayloadError(f'"{name}" must be a JSON {"object" if container is dict else "array"}')
    return record


def _json_type(value: Any) -> str:
    for kind, name in ((dict, "an object"), (list, "an array"), (str, "a string"), (bool, "a boolean")):
        if isinstance(value, kind):
            return name
    return "a number" if isinstance(value, int | float) else "null"


def decode(body: bytes) -> Any:
    """The JSON value of a request body.

    Raises:
        PayloadError: empty or malformed JSON (the reason names the position).
    """
    if not body.strip():
        raise PayloadError("empty body: expected JSON")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise PayloadError(f"malformed JSON: {str(exc).splitlines()[0][:120]}") from None


def parse_events(body: bytes) -> list[Record]:
    """Every event of a request body: one bare object (Version 1) or an array (Version 2, grouped).

    The batch is all or nothing: one invalid event rejects the whole body, so a 4xx never half-stores.

    Raises:
        PayloadError: malformed JSON, a body that is neither object nor array, or an invalid event (the
            reason gives its index in the array).
    """
    value = decode(body)
    if isinstance(value, dict):
        return [parse_event(value)]
    if not isinstance(value, list):
        raise PayloadError(f"expected an event object or an array of events, got {_json_type(value)}")
    records = []
    for index, item in enumerate(value):
        try:
            records.append(parse_event(item))
        except PayloadError as exc:
            raise PayloadError(f"event [{index}]: {exc}") from None
    return records


def parse_inbound_body(body: bytes) -> list[Record]:
    """The inbound mail of a Parse API request body (one object per mail, §6.3).

    Raises:
        PayloadError: malformed JSON or an invalid mail.
    """
    return [parse_inbound(decode(body))]
