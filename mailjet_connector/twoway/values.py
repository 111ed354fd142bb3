"""One comparable text form for a mapped value, whichever side it comes from, and a row's hash over them.

The database hands over Python values (bool, int, Decimal, datetime...), Mailjet strings (contactdata) or
JSON values (contact fields). Both are reduced to the same text before they are compared or hashed, so a
value written to one side reads back equal from the other: that is what keeps a run from seeing its own
writes as changes (no echo).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson

__all__ = ["canonical", "row_hash", "to_python"]

_TRUE = {"true", "1", "t", "yes", "y"}
_FALSE = {"false", "0", "f", "no", "n", ""}


def canonical(value: Any, kind: str) -> str | None:
    """The comparable text of a value of a kind (str, int, float, bool, datetime); None for no value.

    A bool is never None (an absent membership or flag is false). A value that does not fit its kind
    keeps its text, so a difference still shows.
    """
    if kind == "bool":
        if isinstance(value, bool):
            return "true" if value else "false"
        text = "" if value is None else str(value).strip().lower()
        if text in _TRUE:
            return "true"
        return "false" if text in _FALSE else text
    if value is None or (isinstance(value, str) and value == ""):
        return None
    try:
        if kind == "int":
            return str(int(Decimal(str(value).strip())))
        if kind == "float":
            return repr(float(value if isinstance(value, int | float) else str(value).strip()))
        if kind == "datetime":
            return _moment(value)
    except (ValueError, ArithmeticError):
        return str(value)
    return str(value)


def _moment(value: Any) -> str:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_python(text: str | None, kind: str) -> Any:
    """A canonical text back as the Python value a database column of that kind takes."""
    if text is None:
        return None
    if kind == "bool":
        return text == "true"
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "datetime":
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return text


def row_hash(values: Mapping[str, str | None]) -> str:
    """A short digest of a row's canonical values (order-independent)."""
    return hashlib.sha256(orjson.dumps(dict(values), option=orjson.OPT_SORT_KEYS)).hexdigest()[:20]
