"""Contact properties: their contactmetadata definitions (read, create) and type inference over the data.

Values are converted by the one coercion (`coerce.coerce_property`); this module decides which Datatype a
column of a new property gets.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from mailjet_connector.catalog import get
from mailjet_connector.client import Client
from mailjet_connector.importer.coerce import is_empty

__all__ = [
    "DATATYPES",
    "Definition",
    "TypeInference",
    "define_properties",
    "fetch_definitions",
    "fits",
    "infer_type",
]

# The Datatype choices contactmetadata accepts, read from the catalog (str, int, float, bool, datetime).
DATATYPES: tuple[str, ...] = get("contactmetadata").field("Datatype").choices  # type: ignore[union-attr]
_INT = re.compile(r"^[+-]?\d+$")
# ISO dates only (2024-01-31, 2024-01-31T10:00:00[.fff][Z|+02:00]): "01/02/2024" is ambiguous, so a str.
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
# Inference order: the narrowest type every value fits wins; "str" always fits.
_ORDER = ("bool", "int", "float", "datetime")


class Definition(NamedTuple):
    """A contactmetadata property: its name as defined and its Datatype."""

    name: str
    datatype: str


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def fits(datatype: str, value: Any) -> bool:
    """Whether one non-empty value has the shape of a Datatype, for inference.

    Python values from JSONL/Parquet fit their own type. Shape only: `2024-13-45` looks like a datetime, so
    the column stays datetime and that one cell fails its row in the coercion, instead of turning every
    other date of the column into text.
    """
    if datatype == "bool":
        return isinstance(value, bool) or (
            isinstance(value, str) and value.strip().lower() in ("true", "false")
        )
    if isinstance(value, bool):
        return False
    if datatype == "int":
        return isinstance(value, int) or (isinstance(value, str) and bool(_INT.match(value.strip())))
    if datatype == "float":
        try:
            return math.isfinite(value if isinstance(value, int | float) else float(_text(value)))
        except (ValueError, OverflowError):
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
        if is_empty(value):
            return
        self.seen += 1
        self.candidates = [t for t in self.candidates if fits(t, value)]

    @property
    def datatype(self) -> str:
        return self.candidates[0] if self.seen and self.candidates else "str"


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
