"""Contact properties: type inference over the data, value coercion, and contactmetadata definitions."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from mailjet_connector.catalog import get
from mailjet_connector.client import Client
from mailjet_connector.errors import PropertyValueError
from mailjet_connector.wire import timestamps

__all__ = [
    "DATATYPES",
    "Definition",
    "PropertyValueError",
    "TypeInference",
    "coerce",
    "define_properties",
    "fetch_definitions",
    "infer_type",
]

# The Datatype choices contactmetadata accepts, read from the catalog (str, int, float, bool, datetime).
DATATYPES: tuple[str, ...] = get("contactmetadata").field("Datatype").choices  # type: ignore[union-attr]
_INT = re.compile(r"^[+-]?\d+$")
# ISO dates only (2024-01-31, 2024-01-31T10:00:00[.fff][Z|+02:00]): "01/02/2024" is ambiguous, so a str.
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
# Inference order: the narrowest type every value fits wins; "str" always fits.
_ORDER = ("bool", "int", "float", "datetime")


@dataclass(frozen=True)
class Definition:
    """A contactmetadata property: its name as defined and its Datatype."""

    name: str
    datatype: str


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def fits(datatype: str, value: Any) -> bool:
    """Whether one non-empty value fits a Datatype (Python values from JSONL/Parquet fit their own type)."""
    if datatype == "bool":
        return isinstance(value, bool) or (
            isinstance(value, str) and value.strip().lower() in ("true", "false")
        )
    if isinstance(value, bool):
        return False
    if datatype == "int":
        return isinstance(value, int) or (isinstance(value, str) and bool(_INT.match(value.strip())))
    if datatype == "float":
        if isinstance(value, int | float):
            return math.isfinite(value)
        try:
            return math.isfinite(float(_text(value)))
        except ValueError:
            return False
    if datatype == "datetime":
        return isinstance(value, date) or (isinstance(value, str) and bool(_ISO.match(value.strip())))
    return True


def infer_type(values: Iterable[Any]) -> str:
    """The Datatype of a column: all ints -> int, numbers -> float, true/false -> bool, ISO dates -> datetime.

    Args:
        values: the column's values; None and "" are skipped.

    Returns:
        One of `DATATYPES`; "str" when nothing narrower fits every value (or the column is empty).
    """
    inference = TypeInference()
    for value in values:
        inference.add(value)
    return inference.datatype


@dataclass
class TypeInference:
    """Streaming `infer_type`: feed values one by one; `datatype` is the answer so far."""

    candidates: list[str] = field(default_factory=lambda: list(_ORDER))
    seen: int = 0

    def add(self, value: Any) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        self.seen += 1
        self.candidates = [t for t in self.candidates if fits(t, value)]

    @property
    def datatype(self) -> str:
        return self.candidates[0] if self.seen and self.candidates else "str"


def coerce(datatype: str, value: Any) -> Any:
    """A value as the JSON managemanycontacts expects for a property of `datatype`.

    Args:
        datatype: the property's Datatype.
        value: the cell (a string from CSV, or a typed value from JSONL/Parquet/SQL).

    Returns:
        int, float, bool, an RFC 3339 string (datetime; naive values are taken as UTC) or a string.

    Raises:
        PropertyValueError: the value does not fit the Datatype.
    """
    if not fits(datatype, value):
        raise PropertyValueError(f"{value!r} does not fit type {datatype}")
    if datatype == "bool":
        return value if isinstance(value, bool) else value.strip().lower() == "true"
    if datatype == "int":
        return int(value) if isinstance(value, int) else int(value.strip())
    if datatype == "float":
        return float(value) if isinstance(value, int | float) else float(_text(value))
    if datatype == "datetime":
        return _rfc3339(value)
    return _text(value) if not isinstance(value, str) else value


def _rfc3339(value: Any) -> str:
    return timestamps.normalise(value if isinstance(value, datetime | date) else str(value))


def fetch_definitions(client: Client) -> dict[str, Definition]:
    """The account's static contact properties, by lower-cased name (Mailjet matches names that way).

    Args:
        client: a connected client.

    Returns:
        lower-cased name -> Definition.
    """
    found: dict[str, Definition] = {}
    for row in client.iter("contactmetadata"):
        if str(row.get("NameSpace") or "static") == "static":
            found[str(row["Name"]).lower()] = Definition(str(row["Name"]), str(row.get("Datatype") or "str"))
    return found


def define_properties(client: Client, wanted: Mapping[str, str]) -> list[Definition]:
    """Create contactmetadata definitions (static namespace) for properties the account lacks.

    Args:
        client: a connected client.
        wanted: property name -> Datatype.

    Returns:
        The definitions created (a create retried into MJ18 returns the existing one).

    Raises:
        ValueError: a Datatype Mailjet does not know.
        APIError: Mailjet refused a definition.
    """
    created = []
    for name, datatype in wanted.items():
        if datatype not in DATATYPES:
            raise ValueError(
                f"property {name!r}: unknown Datatype {datatype!r} (one of {', '.join(DATATYPES)})"
            )
        row = client.create("contactmetadata", {"Name": name, "Datatype": datatype, "NameSpace": "static"})
        created.append(
            Definition(str((row or {}).get("Name", name)), str((row or {}).get("Datatype", datatype)))
        )
    return created
