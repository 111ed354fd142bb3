"""The per-row rules of the planner: coerce a row's cells, match it, and decide its one write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mailjet_connector.catalog import Field, FieldType, Resource, Verb
from mailjet_connector.importer.coerce import CoerceError, coerce, coerce_property, is_empty, same
from mailjet_connector.importer.columns import ColumnMap
from mailjet_connector.importer.model import BadRow, Existing, Kind, Mode, Write, record_key

__all__ = ["EMAIL_CHANGE_REFUSED", "NOT_FOUND", "RowPlanner", "email_change", "supersede"]

# Mailjet's own words (mailjet-api.md §8.4, §1.5): used so a refused row reads the same as a refused call.
EMAIL_CHANGE_REFUSED = "Not allowed to change email address in PUT"
NOT_FOUND = "Object not found"


def email_change(contact_id: Any, current: str | None, email: str) -> str | None:
    """Mailjet's refusal when a row would change contact `contact_id`'s email, else None."""
    if current is None or str(current).lower() == str(email).lower():
        return None
    return f"{EMAIL_CHANGE_REFUSED}: contact {contact_id} is {current} (Mailjet forbids email changes)"


def supersede(writes: list[Write]) -> list[Write]:
    """Two rows for one object: the later wins, as applying both in order would leave it."""
    last: dict[str, int] = {}
    for write in writes:
        if write.kind is not Kind.ERROR and not write.key.startswith("row:"):
            last[write.key] = write.number
    return [
        w
        if w.kind is Kind.ERROR or last.get(w.key, w.number) == w.number
        else Write(w.number, w.row, Kind.SKIP, w.key, reason=f"superseded by row {last[w.key]}")
        for w in writes
    ]


class RowPlanner:
    """Plans one row at a time for a fixed resource, mode, key and column map.

    Args:
        res: the resource written.
        mode: insert, update, upsert or delete.
        existing: what the account holds (`records=None`: blind, every valid row an upsert).
        key: the match-key fields.
        cmap: the column map.
        types: contact property column -> Datatype.
        lists: contact: the list IDs of the plan's list action.
    """

    def __init__(
        self,
        res: Resource,
        mode: Mode,
        existing: Existing,
        key: tuple[str, ...],
        cmap: ColumnMap,
        types: Mapping[str, str],
        lists: tuple[int, ...],
    ) -> None:
        self.res, self.mode, self.existing, self.key = res, mode, existing, key
        self.cmap, self.types, self.lists = cmap, types, lists

    def plan(self, number: int, row: dict[str, Any]) -> Write:
        if isinstance(row, BadRow):
            return row.failed(number)
        try:
            values = self._values(row)
        except CoerceError as exc:
            return Write(number, row, Kind.ERROR, f"row:{number}", reason=str(exc))
        missing = [name for name in self.key if name not in values]
        if missing and self.mode is not Mode.INSERT:
            return Write(number, row, Kind.ERROR, f"row:{number}", reason=f"{'+'.join(missing)} missing")
        key = record_key([values[n] for n in self.key]) if self.key and not missing else None
        journal_key = "|".join(key) if key else f"row:{number}"
        try:
            props = self._properties(row)
        except CoerceError as exc:
            return Write(number, row, Kind.ERROR, journal_key, reason=str(exc))
        refused = self._changes_email(row, values)
        if refused:
            return Write(number, row, Kind.ERROR, journal_key, reason=refused)
        if self.existing.records is None:
            return self._upsert(number, row, journal_key, values, props)
        current = self.existing.records.get(key) if key else None
        if self.mode is Mode.DELETE:
            return self._delete(number, row, journal_key, current)
        if current is None:
            return self._create(number, row, journal_key, values, props)
        return self._update(number, row, journal_key, values, props, current)

    def _values(self, row: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for column, fld in self.cmap.fields.items():
            cell = row.get(column)
            if not is_empty(cell):
                values[fld.name] = self._link(fld, cell) if fld.link else coerce(fld, cell)
        return values

    def _link(self, fld: Field, cell: Any) -> int:
        # A link column holds an ID, or an alternate key of the linked object (a contact's email, a list's name).
        try:
            return coerce(fld, cell)
        except CoerceError:
            found = self.existing.links.get(fld.link or "", {}).get(str(cell).strip().lower())
            if found is None:
                raise CoerceError(f'{NOT_FOUND}: no {fld.link} "{cell}" for {fld.name}') from None
            return found

    def _properties(self, row: dict[str, Any]) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for column, name in self.cmap.properties.items():
            cell = row.get(column)
            if not is_empty(cell):
                props[name] = coerce_property(column, self.types[column], cell)
        return props

    def _changes_email(self, row: dict[str, Any], values: dict[str, Any]) -> str | None:
        """A contact row whose ID column names a contact that has another email (Mailjet forbids changes)."""
        column = self.cmap.contact_id
        if column is None or is_empty(row.get(column)) or "Email" not in values:
            return None
        try:
            contact_id = int(str(row[column]).strip())
        except ValueError:
            return None
        return email_change(contact_id, self.existing.emails.get(contact_id), values["Email"])

    def _writable(self, values: dict[str, Any]) -> dict[str, Any]:
        return {n: v for n, v in values.items() if not self.res.field(n).read_only}  # type: ignore[union-attr]

    def _upsert(
        self, number: int, row: dict[str, Any], key: str, values: dict[str, Any], props: dict[str, Any]
    ) -> Write:
        body = self._writable(values)
        return Write(number, row, Kind.UPSERT, key, body=body, properties=props, lists=self.lists)

    def _delete(self, number: int, row: dict[str, Any], key: str, current: Mapping[str, Any] | None) -> Write:
        if current is None:
            return Write(number, row, Kind.SKIP, key, reason=f"{NOT_FOUND} (nothing to delete)")
        if current.get("IsDeleted") is True:  # contactslist's soft delete already happened
            return Write(number, row, Kind.UNCHANGED, key, target=current.get("ID"))
        return Write(number, row, Kind.DELETE, key, target=current.get("ID"))

    def _create(
        self, number: int, row: dict[str, Any], key: str, values: dict[str, Any], props: dict[str, Any]
    ) -> Write:
        if self.mode is Mode.UPDATE or Verb.POST not in self.res.verbs:
            return Write(number, row, Kind.ERROR, key, reason=NOT_FOUND)
        body = self._writable(values)
        missing = [f.name for f in self.res.fields if f.required and not f.read_only and f.name not in body]
        if missing:
            return Write(
                number, row, Kind.ERROR, key, reason=f"MJ03 missing required property {', '.join(missing)}"
            )
        return Write(number, row, Kind.CREATE, key, body=body, properties=props, lists=self.lists)

    def _update(
        self,
        number: int,
        row: dict[str, Any],
        key: str,
        values: dict[str, Any],
        props: dict[str, Any],
        current: Mapping[str, Any],
    ) -> Write:
        target = current.get("ID")
        if self.mode is Mode.INSERT:
            return Write(number, row, Kind.SKIP, key, target=target, reason="already exists")
        changed: dict[str, Any] = {}
        for name, value in values.items():
            fld = self.res.field(name)
            if fld is None or same(fld, value, current.get(name)):
                continue
            if fld.read_only or name in self.key:
                continue  # a key that matched is equal by construction; other read-only fields never reach here
            if self.res.name == "contact" and fld.type is FieldType.EMAIL:
                refused = email_change(target, current.get(name), value)
                return Write(number, row, Kind.ERROR, key, target=target, reason=refused or "")
            changed[name] = value
        if Verb.PUT not in self.res.verbs and changed:
            return Write(
                number, row, Kind.ERROR, key, target=target, reason=f"{self.res.name} cannot be updated"
            )
        new_props = self._changed_properties(target, props)
        lists = self._missing_lists(target)
        if not changed and not new_props and not lists:
            return Write(number, row, Kind.UNCHANGED, key, target=target)
        if self.res.name == "contact":
            changed["Email"] = current.get(
                "Email"
            )  # bulk jobs key contacts by email; PUT accepts it unchanged
        return Write(
            number, row, Kind.UPDATE, key, target=target, body=changed, properties=new_props, lists=lists
        )

    def _changed_properties(self, target: Any, props: dict[str, Any]) -> dict[str, Any]:
        current = self.existing.properties.get(int(target), {}) if target is not None else {}
        return {n: v for n, v in props.items() if _property_text(v) != current.get(n.lower())}

    def _missing_lists(self, target: Any) -> tuple[int, ...]:
        if target is None:
            return self.lists
        return tuple(i for i in self.lists if int(target) not in self.existing.subscribed.get(i, frozenset()))


def _property_text(value: Any) -> str:
    # contactdata returns every value as a string (mailjet-api.md §8.20).
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
