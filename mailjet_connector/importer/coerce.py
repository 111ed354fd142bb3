"""The one coercion: a source cell (CSV text, a JSON, Parquet or SQL value) to the JSON Mailjet expects.

Catalog fields convert by their wire type; contact properties by their contactmetadata Datatype, which maps
onto the same types (`PROPERTY_TYPES`). Whatever the cell holds, the only error is `CoerceError`, whose
message names the field, the value and the reason, so one bad cell fails its row and never the import.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson

from mailjet_connector.catalog import Field, FieldType
from mailjet_connector.errors import CoerceError
from mailjet_connector.wire import timestamps

__all__ = ["INT_RANGE", "PROPERTY_TYPES", "CoerceError", "coerce", "coerce_property", "is_empty", "same"]

_TRUE = ("true", "1", "yes", "y", "t")
_FALSE = ("false", "0", "no", "n", "f")
_INTEGER = re.compile(r"^[+-]?\d+$")
# Mailjet's integers are 64-bit (catalog FieldType.INT); a larger one cannot be sent as JSON.
INT_RANGE = (-(2**63), 2**63 - 1)
# contactmetadata Datatype -> the wire type its values take (catalog: contactmetadata.Datatype choices).
PROPERTY_TYPES: dict[str, FieldType] = {
    "str": FieldType.STR,
    "int": FieldType.INT,
    "float": FieldType.NUM,
    "bool": FieldType.BOOL,
    "datetime": FieldType.TS,
}
_SHOWN = 60  # characters of a bad value quoted in a message


def is_empty(value: Any) -> bool:
    """An empty cell (None or blank text): the field is left as it is."""
    return value is None or (isinstance(value, str) and not value.strip())


def coerce(field: Field, value: Any) -> Any:
    """The JSON value Mailjet expects for a catalog field, from a source cell.

    Args:
        field: the catalog field.
        value: a non-empty cell (string from CSV, typed value from JSONL, Parquet or SQL).

    Returns:
        int, float, bool, str, or a parsed JSON value (KV and JSON fields).

    Raises:
        CoerceError: the value does not fit (Mailjet would answer MJ08 for it).
    """
    try:
        result = _convert(field.type, value)
    except ValueError as exc:
        raise CoerceError(f'MJ08 Property "{field.name}": {_reason(value, field.type.value, exc)}') from None
    if field.choices and isinstance(result, str) and result not in field.choices:
        raise CoerceError(
            f'MJ08 Property "{field.name}": {_show(result)} is not one of {", ".join(field.choices)}'
        )
    return result


def coerce_property(name: str, datatype: str, value: Any) -> Any:
    """The JSON value of a contact property of `datatype` (datetimes as RFC 3339 UTC, naive taken as UTC).

    Args:
        name: the property (or its column), for the message.
        datatype: the property's Datatype (str, int, float, bool, datetime).
        value: a non-empty cell.

    Raises:
        CoerceError: the value does not fit, in Mailjet's words (`Property type does not match definition`).
    """
    try:
        return _convert(PROPERTY_TYPES.get(datatype, FieldType.STR), value)
    except ValueError as exc:
        raise CoerceError(
            f'Property "{name}": Property type does not match definition ({_reason(value, datatype, exc)})'
        ) from None


def same(field: Field, new: Any, current: Any) -> bool:
    """Whether writing `new` would leave the field as `current` (as the API returned it)."""
    if field.type == FieldType.EMAIL:
        return _text(new or "").lower() == _text(current or "").lower()
    if field.type in (FieldType.STR, FieldType.TS):
        return _text(new if new is not None else "") == _text(current if current is not None else "")
    return _canonical(new) == _canonical(current)


def _convert(ftype: FieldType, value: Any) -> Any:
    """Convert one cell; every failure is a ValueError (a bare reason, or none)."""
    try:
        result = _CONVERTERS[ftype](value)
        orjson.dumps(result)  # nested integers beyond 64 bits, lone surrogates: not sendable
    except (TypeError, OverflowError, AttributeError) as exc:
        raise ValueError(str(exc)) from None
    return result


def _reason(value: Any, kind: str, exc: ValueError) -> str:
    """`'x' is not a valid int: why`, or the parser's own sentence when it already names the value."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if text.startswith(repr(value)):
        return _show(value) + text[len(repr(value)) :]
    return f"{_show(value)} is not a valid {kind}" + (f": {text}" if text else "")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return _timestamp(value)
    return value if isinstance(value, str) else str(value)


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("a boolean is not an integer")
    if isinstance(value, float | Decimal):
        if not math.isfinite(value) or value != int(value):
            raise ValueError("not a whole number")
        value = int(value)
    elif not isinstance(value, int):
        text = str(value).strip()
        if not _INTEGER.match(text):
            raise ValueError("")
        value = int(text)
    if not INT_RANGE[0] <= value <= INT_RANGE[1]:
        raise ValueError("beyond the 64-bit integer range")
    return value


def _num(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    number = float(value) if isinstance(value, int | float | Decimal) else float(str(value).strip())
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("")


def _timestamp(value: Any) -> str:
    if not isinstance(value, str | date):
        raise ValueError(f"a {type(value).__name__} is not a date")
    return timestamps.normalise(value)


def _unix(value: Any) -> int:
    if isinstance(value, datetime | date):
        return int(timestamps.to_utc(value).timestamp())
    if isinstance(value, str) and not value.strip().isdigit():
        return timestamps.parse_seconds(value, unix=False)
    return _int(value)


def _kv(value: Any) -> list[dict[str, Any]]:
    parsed = orjson.loads(value) if isinstance(value, str | bytes) else value
    if isinstance(parsed, dict):  # {"name": value} is the natural spelling in a file
        return [{"Name": k, "Value": v} for k, v in parsed.items()]
    if not isinstance(parsed, list) or not all(isinstance(i, dict) and "Name" in i for i in parsed):
        raise ValueError("expected a JSON object or a list of {Name, Value}")
    return parsed


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


_CONVERTERS = {
    FieldType.INT: _int,
    FieldType.NUM: _num,
    FieldType.BOOL: _bool,
    FieldType.STR: _text,
    FieldType.EMAIL: lambda v: _text(v).strip(),
    FieldType.TS: _timestamp,
    FieldType.UNIX: _unix,
    FieldType.KV: _kv,
    FieldType.JSON: _json,
}
