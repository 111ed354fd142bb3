"""What each source column means for a resource: a field, the match key, a contact property, or ignored."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mailjet_connector.catalog import Field, Resource
from mailjet_connector.errors import PlanError

if TYPE_CHECKING:
    from mailjet_connector.importer.properties import Definition

__all__ = [
    "ColumnMap",
    "PlanError",
    "choose_key",
    "contact_id_column",
    "delimiter_hint",
    "map_columns",
    "normal",
]

# A contact row may carry the contact's ID under either name (`contact` export, synced `contact_id`).
_CONTACT_ID = ("id", "contactid")


def normal(name: str) -> str:
    """A column name reduced for matching: `IsExcludedFromCampaigns`, `is_excluded_from_campaigns` match."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def delimiter_hint(columns: Iterable[str]) -> str:
    """A hint for an error about columns when one is a whole header split on another delimiter, else "".

    A semicolon- or tab-separated file read as CSV has one column named e.g. `Email;Name`.
    """
    for column in columns:
        for delimiter, name in ((";", "semicolon"), ("\t", "tab")):
            if delimiter in column:
                return (
                    f"; column {column!r} holds a {name}: is the file {name}-separated?"
                    " CSV files must be comma-separated (save as CSV UTF-8)"
                )
    return ""


@dataclass(frozen=True)
class ColumnMap:
    """Source column -> catalog field, contact property columns, and columns ignored (with why).

    Args:
        fields: column -> the catalog field it writes.
        properties: contact: column -> property name (as defined, or the column's own for a new one).
        new_properties: contact: the property columns not defined in the account yet.
        ignored: column -> why it is ignored (read-only field, dlt bookkeeping).
        contact_id: contact: the `ID`/`ContactID` column when it is not the match key; it checks that a
            row does not change a contact's email.
    """

    fields: dict[str, Field]
    properties: dict[str, str] = field(default_factory=dict)
    new_properties: tuple[str, ...] = ()
    ignored: dict[str, str] = field(default_factory=dict)
    contact_id: str | None = None

    def column(self, name: str) -> str | None:
        """The column that holds the field `name`, if any."""
        return next((c for c, f in self.fields.items() if f.name == name), None)


def contact_id_column(res: Resource, columns: Iterable[str], key: Sequence[str] = ()) -> str | None:
    """For `contact`: the first ID/ContactID column, unless `ID` is the match key (then it is the key)."""
    if res.name != "contact" or "ID" in key:
        return None
    return next((c for c in columns if normal(c) in _CONTACT_ID), None)


def map_columns(
    res: Resource,
    columns: Iterable[str],
    *,
    key: Sequence[str] = (),
    properties: Mapping[str, Definition] | None = None,
    define: bool = False,
) -> ColumnMap:
    """Sort the source columns into fields, contact properties and ignored columns.

    Read-only fields are ignored with a warning (so a file exported by `export` can be imported back),
    except the match-key fields. dlt's `_dlt_*` columns are ignored silently.

    Args:
        res: the resource written.
        columns: the source's column names.
        key: the match-key fields (kept even when read-only, e.g. ID).
        properties: for `contact`, the defined properties by lower-cased name; other columns map to
            them, ignoring case.
        define: for `contact`, any other column is a new property to define (`contacts import`,
            `--properties auto`) instead of an unknown column.

    Returns:
        The column map.

    Raises:
        PlanError: a column that is neither a field nor (for contact) a defined or new property.
    """
    columns = list(dict.fromkeys(columns))
    by_normal = {normal(f.name): f for f in res.fields}
    contact_id = contact_id_column(res, columns, key)
    fields: dict[str, Field] = {}
    props: dict[str, str] = {}
    new: list[str] = []
    ignored: dict[str, str] = {}
    unknown: list[str] = []
    for column in columns:
        found = by_normal.get(normal(column))
        if column.startswith("_dlt_"):
            ignored[column] = "dlt bookkeeping"
        elif column == contact_id:
            continue
        elif found is not None and (not found.read_only or found.name in key):
            fields[column] = found
        elif found is not None:
            ignored[column] = f"{found.name} is read-only (Mailjet computes it)"
        elif properties is not None and column.lower() in properties:
            props[column] = properties[column.lower()].name
        elif properties is not None and define:
            props[column] = column
            new.append(column)
        else:
            unknown.append(column)
    if unknown:
        hint = (
            " (contact properties must be defined first: import contactmetadata, or let"
            " `mailjet-connector contacts import` define them)"
            if properties is not None
            else ""
        )
        names = ", ".join(f.name for f in res.writable_fields)
        raise PlanError(
            f"unknown column(s) for {res.name}: {', '.join(sorted(unknown))}{hint}; fields: {names}"
            f"{delimiter_hint(unknown)}"
        )
    return ColumnMap(fields, props, tuple(new), ignored, contact_id)


def choose_key(res: Resource, columns: Iterable[str], wanted: Sequence[str] = ()) -> tuple[str, ...]:
    """The fields that match source rows with existing objects.

    Default: `ID` when the source has it, else the first catalog unique key whose fields are all columns.

    Args:
        res: the resource.
        columns: the source's column names.
        wanted: fields named with `--key` (any fields, matched through one listing pass).

    Returns:
        Field names, or () when nothing can match (insert only).

    Raises:
        PlanError: a `--key` field the resource does not have.
    """
    present = {normal(c) for c in columns}
    if wanted:
        fields = [
            res.field(n) or next((f for f in res.fields if normal(f.name) == normal(n)), None) for n in wanted
        ]
        missing = [
            n for n, f in zip(wanted, fields, strict=True) if f is None or normal(f.name) not in present
        ]
        if missing:
            raise PlanError(
                f"--key {','.join(missing)}: not a {res.name} field present in the source"
                f"{delimiter_hint(columns)}"
            )
        return tuple(f.name for f in fields if f is not None)
    for candidate in (tuple(res.primary_key), *res.unique_keys):
        if candidate and all(normal(name) in present for name in candidate):
            return candidate
    return ()
