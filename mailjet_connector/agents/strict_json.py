"""JSON bodies read strictly, so that the gateway and Mailjet can never read one body two ways.

Refused (`BodyError`, answered 400): a byte-order mark, bytes that are not UTF-8, `NaN`/`Infinity` and numbers
that overflow (1e400), integers beyond 64 bits, duplicate keys, keys that differ only by case or Unicode form
(`SandboxMode` / `sandboxmode`, `ſandboxMode`), keys holding a character that a case-insensitive parser may
read as an ASCII letter (`ı`, `İ`, `ſ`, the Kelvin sign, fullwidth letters, `ß`...) or an invisible one
(control, format), unpaired surrogates, nesting deeper than `MAX_DEPTH`, and anything after the value. What passes is serialised back by `dumps` and that text, not the agent's bytes, is
what goes upstream.
"""

from __future__ import annotations

import json
import math
import unicodedata
from typing import Any

import orjson

from mailjet_connector.catalog.links import fold
from mailjet_connector.errors import InputError

__all__ = ["MAX_DEPTH", "BodyError", "dumps", "loads"]

MAX_DEPTH = 64
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
INT_RANGE = (-(2**63), 2**64 - 1)  # what Mailjet's 64-bit IDs and orjson hold


class BodyError(InputError):
    """The body cannot be read one way only; the message is one line for the caller."""


def _ascii_lookalike(char: str) -> bool:
    """Whether a non-ASCII character turns into an ASCII letter under NFKC or a case mapping (Java's
    `equalsIgnoreCase` reads `ı` as `i`, .NET's invariant culture `ſ` as `s`...), or is invisible."""
    if char.isascii():
        return False
    if unicodedata.category(char) in ("Cc", "Cf"):
        return True
    forms = (unicodedata.normalize("NFKC", char), char.upper(), char.lower(), char.casefold())
    return any(form[:1].isascii() and form[:1].isalpha() for form in forms)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, str] = {}
    for key, _ in pairs:
        odd = next((c for c in key if _ascii_lookalike(c)), None)
        if odd is not None:
            raise BodyError(
                f"key {key[:40]!r} holds {odd!r} (U+{ord(odd):04X}), which parsers may read as ASCII"
            )
        folded = fold(key)
        if folded in seen:
            same = seen[folded] == key
            raise BodyError(
                f"duplicate key {key!r}" if same else f"keys {seen[folded]!r} and {key!r} differ only by case"
            )
        seen[folded] = key
    return dict(pairs)


def _constant(name: str) -> Any:
    raise BodyError(f"{name} is not JSON: numbers must be finite")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyError(f"number {text[:20]} is out of range")
    return value


def _int(text: str) -> int:
    value = int(text)
    if not INT_RANGE[0] <= value <= INT_RANGE[1]:
        raise BodyError(f"integer {text[:24]} is out of the 64-bit range")
    return value


def loads(raw: bytes) -> Any:
    """The JSON value of `raw`, read strictly.

    Raises:
        BodyError: a BOM, not UTF-8, not JSON, or one of the ambiguities above.
    """
    if raw.startswith(BOMS):
        raise BodyError("the body starts with a byte-order mark: send plain UTF-8 JSON")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("the body is not UTF-8") from None
    try:
        value = json.loads(
            text, object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float, parse_int=_int
        )
    except RecursionError:
        raise BodyError(f"the body is nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        raise BodyError(
            f"the body is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    _check_depth(value, 0)
    return value


def _check_depth(value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise BodyError(f"the body is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_depth(key, depth + 1)
            _check_depth(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_depth(item, depth + 1)
    elif isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BodyError("the body holds an unpaired surrogate (\\ud800...)") from None


def dumps(value: Any) -> bytes:
    """The canonical text of a value read by `loads` (compact JSON, keys in their order)."""
    return orjson.dumps(value)
