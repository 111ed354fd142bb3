"""Plan a bulk contact import (pure): rows -> validated managemanycontacts items, batches and properties."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from mailjet_connector import catalog
from mailjet_connector.catalog.enums import LIST_ACTIONS
from mailjet_connector.contacts.properties import Definition, PropertyValueError, TypeInference, coerce
from mailjet_connector.errors import PlanError

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "EMAIL_CHANGE_REFUSED",
    "ImportPlan",
    "PlanError",
    "PlannedContact",
    "RowError",
    "plan_import",
]

# Mailjet publishes no per-call figure for managemanycontacts (mailjet-api.md §4.2, §9). 5,000 keeps each
# job and its retry small while one call still replaces thousands of single writes; the emulator accepts
# up to 10,000 (JobSettings.max_contacts). Override with `batch_size=` / `--batch-size`.
DEFAULT_BATCH_SIZE = 5_000
PROPERTY_MODES = ("auto", "strict")
# Mailjet's own words when a contact's email is changed (§8.4): it never allows it.
EMAIL_CHANGE_REFUSED = "Not allowed to change email address in PUT"
_CONTACT = catalog.get("contact")
_ID_COLUMNS = ("id", "contactid")


@dataclass(frozen=True)
class RowError:
    """A row that is not imported, with the reason (ours before any call, or Mailjet's from the job)."""

    row_number: int  # 1-based position in the source (CSV: line number minus one)
    row: dict[str, Any]
    email: str
    error: str


@dataclass(frozen=True)
class PlannedContact:
    """One managemanycontacts entry and the source row it came from."""

    row_number: int
    row: dict[str, Any]
    item: dict[str, Any]  # {Email, Name?, IsExcludedFromCampaigns?, Properties?}


@dataclass
class ImportPlan:
    """What an import will do; `batches()` are the managemanycontacts calls, in order."""

    action: str
    lists: tuple[int, ...]
    batch_size: int
    contacts: list[PlannedContact] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)  # property -> Datatype (defined or inferred)
    to_define: dict[str, str] = field(default_factory=dict)  # the missing ones, created before any job
    ignored_columns: list[str] = field(default_factory=list)  # read-only contact fields, dlt columns
    duplicates: int = 0  # rows dropped because a later row has the same email

    def batches(self) -> list[list[PlannedContact]]:
        size = self.batch_size
        return [self.contacts[i : i + size] for i in range(0, len(self.contacts), size)]

    def summary(self) -> dict[str, Any]:
        """The plan as shown before running (and by `--dry-run`)."""
        return {
            "action": self.action,
            "lists": list(self.lists),
            "contacts": len(self.contacts),
            "batches": len(self.batches()),
            "batch_size": self.batch_size,
            "rejected": len(self.rejected),
            "duplicates": self.duplicates,
            "properties": dict(self.properties),
            "properties_to_define": dict(self.to_define),
            "ignored_columns": list(self.ignored_columns),
        }


def batch_key(batch: Sequence[PlannedContact]) -> str:
    """A stable key for a batch's content: the same contacts and values give the same key."""
    payload = orjson.dumps([c.item for c in batch], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()[:24]


def _normal(name: str) -> str:
    # `IsExcludedFromCampaigns`, `is_excluded_from_campaigns` (dlt's spelling) and `EMAIL` all match.
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class Columns:
    """What each source column means."""

    email: str | None
    name: str | None
    excluded: str | None
    contact_id: str | None
    properties: tuple[str, ...]
    ignored: tuple[str, ...]


def map_columns(columns: Iterable[str]) -> Columns:
    """Sort columns into contact fields (by the catalog), the ID used to detect email changes, and properties.

    Read-only contact fields (CreatedAt, DeliveredCount... as in an export of `contact`) and dlt's `_dlt_*`
    columns are ignored; every other column is a contact property.
    """
    fields = {_normal(f.name): f for f in _CONTACT.fields}
    roles: dict[str, str] = {}
    properties, ignored = [], []
    for column in columns:
        key = _normal(column)
        found = fields.get(key)
        if key in _ID_COLUMNS:
            roles.setdefault("contact_id", column)
        elif found is not None and found.name in ("Email", "Name", "IsExcludedFromCampaigns"):
            roles.setdefault(found.name, column)
        elif found is not None or column.startswith("_dlt_"):
            ignored.append(column)
        else:
            properties.append(column)
    return Columns(
        roles.get("Email"),
        roles.get("Name"),
        roles.get("IsExcludedFromCampaigns"),
        roles.get("contact_id"),
        tuple(properties),
        tuple(ignored),
    )


def plan_import(
    rows: Iterable[Mapping[str, Any]],
    definitions: Mapping[str, Definition],
    *,
    action: str = "addforce",
    lists: Sequence[int] = (),
    properties: str = "auto",
    batch_size: int = DEFAULT_BATCH_SIZE,
    existing_emails: Mapping[int, str] | None = None,
) -> ImportPlan:
    """Turn source rows into a validated import plan (no I/O).

    Args:
        rows: source rows (column -> value; None or "" = empty).
        definitions: the account's properties by lower-cased name (`fetch_definitions`).
        action: list action for every contact: addforce, addnoforce, remove or unsub.
        lists: list IDs the action applies to (none: contacts and properties only, action must be addforce).
        properties: "auto" defines missing properties with inferred types; "strict" refuses them.
        batch_size: contacts per managemanycontacts job.
        existing_emails: contact ID -> current email, for rows carrying an ID/ContactID column; a row whose
            email differs is refused (Mailjet forbids email changes).

    Returns:
        The plan; rows that cannot be imported are in `rejected` with the reason.

    Raises:
        PlanError: bad action, mode or batch size, no Email column, or undefined properties in strict mode.
    """
    _check_options(action, lists, properties, batch_size)
    materialised = [dict(r) for r in rows]
    columns = map_columns(dict.fromkeys(c for r in materialised for c in r))
    if columns.email is None and materialised:  # an empty source is an empty plan
        raise PlanError("no Email column: the source needs one (any case, e.g. email)")
    types = _property_types(materialised, columns.properties, definitions)
    undefined = {c: t for c, t in types.items() if c.lower() not in definitions}
    if undefined and properties == "strict":
        raise PlanError(
            "properties not defined in contactmetadata (--properties strict): " + ", ".join(sorted(undefined))
        )
    plan = ImportPlan(action, tuple(lists), batch_size, properties=types, to_define=undefined)
    plan.ignored_columns = list(columns.ignored)
    names = {c: definitions[c.lower()].name if c.lower() in definitions else c for c in columns.properties}
    chosen: dict[str, PlannedContact] = {}
    for number, row in enumerate(materialised, start=1):
        planned = _plan_row(number, row, columns, types, names, existing_emails or {})
        if isinstance(planned, RowError):
            plan.rejected.append(planned)
            continue
        key = planned.item["Email"].lower()
        if chosen.pop(key, None) is not None:
            plan.duplicates += 1  # the last row for an email wins, as a later job would overwrite it
        chosen[key] = planned
    plan.contacts = list(chosen.values())
    return plan


def _check_options(action: str, lists: Sequence[int], properties: str, batch_size: int) -> None:
    if action not in LIST_ACTIONS:
        raise PlanError(f"unknown action {action!r}: one of {', '.join(LIST_ACTIONS)}")
    if not lists and action != "addforce":
        raise PlanError(f"action {action!r} needs a list")
    if properties not in PROPERTY_MODES:
        raise PlanError(f"unknown properties mode {properties!r}: auto or strict")
    if batch_size < 1:
        raise PlanError("batch size must be at least 1")


def _property_types(
    rows: list[dict[str, Any]], columns: Sequence[str], definitions: Mapping[str, Definition]
) -> dict[str, str]:
    types = {}
    for column in columns:
        known = definitions.get(column.lower())
        if known is not None:
            types[column] = known.datatype
            continue
        inference = TypeInference()
        for row in rows:
            inference.add(row.get(column))
        types[column] = inference.datatype
    return types


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _plan_row(
    number: int,
    row: dict[str, Any],
    columns: Columns,
    types: Mapping[str, str],
    names: Mapping[str, str],
    existing: Mapping[int, str],
) -> PlannedContact | RowError:
    email = "" if _empty(row.get(columns.email)) else str(row[columns.email]).strip()  # type: ignore[index]
    if not email:
        return RowError(number, row, "", "Email missing")
    refused = _email_change(row, columns, email, existing)
    if refused:
        return RowError(number, row, email, refused)
    item: dict[str, Any] = {"Email": email}
    if columns.name and not _empty(row.get(columns.name)):
        item["Name"] = str(row[columns.name])
    try:
        if columns.excluded and not _empty(row.get(columns.excluded)):
            item["IsExcludedFromCampaigns"] = coerce("bool", row[columns.excluded])
        values = {
            names[c]: _coerce_property(c, types[c], row[c])
            for c in columns.properties
            if not _empty(row.get(c))
        }
    except PropertyValueError as exc:
        return RowError(number, row, email, str(exc))
    if values:
        item["Properties"] = values
    return PlannedContact(number, row, item)


def _coerce_property(column: str, datatype: str, value: Any) -> Any:
    try:
        return coerce(datatype, value)
    except PropertyValueError as exc:
        # Mailjet's reason for the same problem (§4.4), with the value that caused it.
        raise PropertyValueError(
            f'Property "{column}": Property type does not match definition ({exc})'
        ) from None


def _email_change(
    row: dict[str, Any], columns: Columns, email: str, existing: Mapping[int, str]
) -> str | None:
    if columns.contact_id is None or _empty(row.get(columns.contact_id)):
        return None
    try:
        contact_id = int(str(row[columns.contact_id]).strip())
    except ValueError:
        return None
    current = existing.get(contact_id)
    if current is None or current.lower() == email.lower():
        return None
    return f"{EMAIL_CHANGE_REFUSED}: contact {contact_id} is {current} (Mailjet forbids email changes)"
