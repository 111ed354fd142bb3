"""Coerce source cells (CSV strings, JSON or Parquet values) to a catalog field's wire type, and compare."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import orjson

from mailjet_connector.catalog import Field, FieldType
from mailjet_connector.errors import CoerceError
from mailjet_connector.wire import timestamps

__all__ = ["CoerceError", "coerce", "is_empty", "same"]

_TRUE = ("true", "1", "yes", "y", "t")
_FALSE = ("false", "0", "no", "n", "f")


def is_empty(value: Any) -> bool:
    """An empty cell (None or blank text): the field is left as it is."""
    return value is None or (isinstance(value, str) and not value.strip())


def coerce(field: Field, value: Any) -> Any:
    """The JSON value Mailjet expects for `field`, from a source cell.

    Args:
        field: the catalog field.
        value: a non-empty cell (string from CSV, typed value from JSONL, Parquet or SQL).

    Returns:
        int, float, bool, str, or a parsed JSON value (KV and JSON fields).

    Raises:
        CoerceError: the value does not fit (Mailjet would answer MJ08 for it).
    """
    try:
        result = _CONVERTERS.get(field.type, _text)(value)
    except (ValueError, TypeError, orjson.JSONDecodeError):
        raise CoerceError(
            f'MJ08 Property "{field.name}": {value!r} is not a valid {field.type.value}'
        ) from None
    if field.choices and isinstance(result, str) and result not in field.choices:
        raise CoerceError(
            f'MJ08 Property "{field.name}": {result!r} is not one of {", ".join(field.choices)}'
        )
    return result


def same(field: Field, new: Any, current: Any) -> bool:
    """Whether writing `new` would leave the field as `current` (as the API returned it)."""
    if field.type == FieldType.EMAIL:
        return _text(new or "").lower() == _text(current or "").lower()
    if field.type in (FieldType.STR, FieldType.TS):
        return _text(new if new is not None else "") == _text(current if current is not None else "")
    return _canonical(new) == _canonical(current)


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return _timestamp(value)
    return value if isinstance(value, str) else str(value)


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("a boolean is not an integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("not a whole number")
        return int(value)
    return value if isinstance(value, int) else int(str(value).strip())


def _num(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    return float(value) if isinstance(value, int | float) else float(str(value).strip())


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("not a boolean")


def _timestamp(value: Any) -> str:
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
