"""Contact property values (contactdata `Data`): defined in contactmetadata, typed there, stored as strings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.rest.query import parse_time
from mailjet_connector.emulator.state import Account
from mailjet_connector.emulator.table import Table

NOT_DEFINED = "Property not defined"
TYPE_MISMATCH = "Property type does not match definition"


_DEFINITIONS_KEY = "properties.definitions"


def definitions(account: Account) -> dict[str, tuple[str, str]]:
    """Static property definitions: lower-cased name -> (Name as defined, Datatype). Do not modify.

    Cached until contactmetadata changes: bulk jobs validate every contact's properties against them.
    """
    table = account.table("contactmetadata")
    version = (id(table), table.version)
    cached = account.extra.get(_DEFINITIONS_KEY)
    if cached is not None and cached[0] == version:
        return cached[1]
    built = _read_definitions(table)
    account.extra[_DEFINITIONS_KEY] = (version, built)
    return built


def _read_definitions(table: Table) -> dict[str, tuple[str, str]]:
    live = table.live()
    names = table.column("Name")[live].tolist()
    types = table.column("Datatype")[live].tolist()
    spaces = table.column("NameSpace")[live].tolist()
    return {n.lower(): (n, t) for n, t, s in zip(names, types, spaces, strict=True) if s == "static"}


def as_text(value: Any) -> str:
    """A property value as Mailjet returns it: always a string (§8.20)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def type_matches(datatype: str, value: Any) -> bool:
    """Whether `value` fits a contactmetadata Datatype (str, int, float, bool, datetime)."""
    text = as_text(value).strip()
    if datatype == "int":
        return text.lstrip("-").isdigit()
    if datatype == "float":
        try:
            float(text)
        except ValueError:
            return False
        return True
    if datatype == "bool":
        return text.lower() in ("true", "false", "1", "0")
    if datatype == "datetime":
        return parse_time(text) is not None
    return True


def validate(account: Account, values: Mapping[str, Any]) -> dict[str, str | None]:
    """Check named values against the account's definitions.

    Args:
        account: the account whose contactmetadata defines the properties.
        values: property name -> value (None clears the property).

    Returns:
        Defined name -> text value (None to clear).

    Raises:
        EmulatorError: 400 `Object properties invalid` with ErrorInfo `{"Properties": [{name: reason}]}`
            (the managecontact shape, §4.4).
    """
    defined = definitions(account)
    problems: list[dict[str, str]] = []
    checked: dict[str, str | None] = {}
    for name, value in values.items():
        found = defined.get(name.lower())
        if found is None:
            problems.append({name: NOT_DEFINED})
        elif value is not None and not type_matches(found[1], value):
            problems.append({name: TYPE_MISMATCH})
        else:
            checked[found[0]] = None if value is None else as_text(value)
    if problems:
        raise EmulatorError(400, "Object properties invalid", info={"Properties": problems})
    return checked


def kv_to_dict(items: Iterable[Mapping[str, Any]] | None) -> dict[str, Any]:
    """`[{"Name", "Value"}]` -> {name: value}, in order."""
    return {str(item["Name"]): item.get("Value") for item in items or ()}


def merge(
    existing: Iterable[Mapping[str, Any]] | None, updates: Mapping[str, str | None]
) -> list[dict[str, str]]:
    """Existing `Data` with `updates` applied: new values replace, None removes, others are kept."""
    merged = {str(k): v for k, v in kv_to_dict(existing).items()}
    for name, value in updates.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return [{"Name": name, "Value": as_text(value)} for name, value in merged.items()]
