"""Parsing of query parameters for computed resources: integers, booleans, timestamps, enumerations."""

from __future__ import annotations

from collections.abc import Mapping

from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.wire.timestamps import parse_seconds

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def shown(value: object, limit: int = 40) -> str:
    """A parameter value quoted for an error message: ASCII only and short, because the REST layer echoes
    error messages in the HTTP reason phrase, where control or non-Latin-1 characters are illegal."""
    text = str(value)
    return ascii(text[:limit] + ("..." if len(text) > limit else ""))


def parse_timestamp(value: str | int | float) -> int:
    """Unix seconds from Unix seconds or an RFC 3339 / ISO 8601 string (no zone = UTC).

    Raises:
        ValueError: neither form.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    try:
        return parse_seconds(str(value))
    except ValueError:
        raise ValueError(f"{shown(value)} is neither Unix seconds nor an RFC 3339 timestamp") from None


def param_time(params: Mapping[str, str], name: str) -> int | None:
    """The timestamp parameter `name` (lower-case), or None when absent or empty.

    Raises:
        EmulatorError: 400 when the value is not a timestamp.
    """
    raw = params.get(name.lower())
    if raw is None or raw == "":
        return None
    try:
        return parse_timestamp(raw)
    except ValueError as exc:
        raise EmulatorError(400, f"Invalid value for {name}: {exc}") from None


def param_int(params: Mapping[str, str], name: str) -> int | None:
    """The integer parameter `name`, or None when absent.

    Raises:
        EmulatorError: 400 when the value is not an integer.
    """
    raw = params.get(name.lower())
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise EmulatorError(400, f"Invalid value for {name}: {shown(raw)} is not an integer") from None


def param_bool(params: Mapping[str, str], name: str) -> bool | None:
    """The boolean parameter `name` (true/false/1/0), or None when absent.

    Raises:
        EmulatorError: 400 for any other value.
    """
    raw = params.get(name.lower())
    if raw is None or raw == "":
        return None
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EmulatorError(400, f"Invalid value for {name}: {shown(raw)} is not a boolean (true/false)")


def param_choice(params: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str | None:
    """The parameter `name` matched case-insensitively against `choices` (canonical spelling back).

    Raises:
        EmulatorError: 400 when the value is not one of `choices`.
    """
    raw = params.get(name.lower())
    if raw is None or raw == "":
        return None
    for choice in choices:
        if choice.lower() == raw.strip().lower():
            return choice
    raise EmulatorError(400, f"Invalid value for {name}: {shown(raw)}; expected one of {', '.join(choices)}")
