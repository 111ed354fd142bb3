"""Plan an import (pure): source rows + what exists -> validated writes, one per row, with counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from mailjet_connector.catalog import Field, FieldType, Resource, Verb
from mailjet_connector.importer.coerce import CoerceError, coerce, is_empty, same
from mailjet_connector.importer.columns import ColumnMap, PlanError, choose_key, map_columns

__all__ = ["Existing", "Kind", "Mode", "Plan", "PlanError", "Write", "plan_rows", "record_key"]

# Mailjet's own words (mailjet-api.md §8.4, §1.5): used so a refused row reads the same as a refused call.
EMAIL_CHANGE_REFUSED = "Not allowed to change email address in PUT"
NOT_FOUND = "Object not found"


class Mode(StrEnum):
    INSERT = "insert"  # create new objects; rows matching an existing one are skipped
    UPDATE = "update"  # change existing objects; rows matching none fail with Mailjet's 404 reason
    UPSERT = "upsert"  # update when the key matches, else create
    DELETE = "delete"  # delete the matching objects (contactslist: soft delete)


class Kind(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    DELETE = "delete"
    SKIP = "skip"
    ERROR = "error"


WRITING = (Kind.CREATE, Kind.UPDATE, Kind.DELETE)


@dataclass(frozen=True)
class Write:
    """The planned outcome of one source row.

    Args:
        number: 1-based row position in the source.
        row: the original row.
        kind: what will be done.
        key: the journal key (the match-key value, or `row:N` without a key).
        target: ID of the object to PUT/DELETE.
        body: the JSON to POST/PUT (only changed fields for updates).
        properties: contact rows: property values to write (changed ones for updates).
        lists: contact rows: list IDs to subscribe the contact to.
        reason: why a row is an error or skipped (Mailjet's words where it has some).
    """

    number: int
    row: dict[str, Any]
    kind: Kind
    key: str
    target: int | str | None = None
    body: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)
    lists: tuple[int, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Existing:
    """What the account holds, as far as the plan needs it (read by `apply.load_existing`).

    Args:
        records: match-key value (see `record_key`) -> the object as the API returns it.
        properties: contact ID -> property name (lower-cased) -> value text, for contact imports.
        subscribed: list ID -> IDs of contacts subscribed to it, for contact imports with lists.
        definitions: contact property name (lower-cased) -> (name as defined, Datatype).
        links: linked resource -> lower-cased alternate key (email, name...) -> ID, for link columns.
    """

    records: Mapping[tuple[str, ...], Mapping[str, Any]] = field(default_factory=dict)
    properties: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    subscribed: Mapping[int, frozenset[int]] = field(default_factory=dict)
    definitions: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    links: Mapping[str, Mapping[str, int]] = field(default_factory=dict)


@dataclass
class Plan:
    """Every row's planned write, plus the import-wide facts shown by `--dry-run`."""

    resource: str
    mode: Mode
    key: tuple[str, ...]
    writes: list[Write]
    lists: tuple[int, ...] = ()
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows per kind, every kind present (0 when none)."""
        found = Counter(w.kind for w in self.writes)
        return {kind.value: found.get(kind, 0) for kind in Kind}

    def pending(self) -> list[Write]:
        """The writes that call the API."""
        return [w for w in self.writes if w.kind in WRITING]


def record_key(values: Sequence[Any]) -> tuple[str, ...]:
    """The comparable form of a key value: text, case-folded (Mailjet matches emails and names that way)."""
    return tuple(str(v).strip().lower() for v in values)


def plan_rows(
    res: Resource,
    rows: Iterable[Mapping[str, Any]],
    mode: Mode,
    existing: Existing,
    *,
    key: Sequence[str] = (),
    lists: Sequence[int] = (),
) -> Plan:
    """Plan the writes of an import, without any I/O.

    Args:
        res: the resource to write.
        rows: source rows (column -> value; None or blank = leave the field as it is).
        mode: insert, update, upsert or delete.
        existing: the current objects and, for contacts, properties and subscriptions.
        key: match-key fields (default from `choose_key`).
        lists: contact imports: list IDs every contact is subscribed to (addnoforce).

    Returns:
        The plan: one write per row, later rows with the same key superseding earlier ones.

    Raises:
        PlanError: the resource lacks the verb, a column is unknown, or rows cannot be matched.
    """
    materialised = [dict(r) for r in rows]
    columns = list(dict.fromkeys(c for r in materialised for c in r))
    _check_verbs(res, mode, lists)
    if not materialised:
        return Plan(res.name, mode, tuple(key), [], tuple(lists))
    key_fields = choose_key(res, columns, key)
    if not key_fields and mode is not Mode.INSERT:
        uniques = " or ".join("+".join(k) for k in res.unique_keys) or "none"
        raise PlanError(f"{mode.value} needs a key column: ID (unique keys: {uniques}), or --key FIELD,...")
    definitions = {k: d[0] for k, d in existing.definitions.items()} if res.name == "contact" else None
    cmap = map_columns(res, columns, key=key_fields, properties=definitions)
    planner = _RowPlanner(res, mode, existing, key_fields, cmap, tuple(lists))
    writes = [planner.plan(number, row) for number, row in enumerate(materialised, start=1)]
    plan = Plan(res.name, mode, key_fields, _supersede(writes), tuple(lists))
    plan.warnings = [f"column {c!r} ignored: {why}" for c, why in cmap.ignored.items() if "dlt" not in why]
    return plan


def _check_verbs(res: Resource, mode: Mode, lists: Sequence[int]) -> None:
    needed = {Mode.INSERT: (Verb.POST,), Mode.UPDATE: (Verb.PUT,), Mode.DELETE: (Verb.DELETE,)}
    verbs = needed.get(mode, (Verb.POST, Verb.PUT))
    if mode is Mode.DELETE and res.name == "contact":
        raise PlanError(
            "contact has no DELETE in Mailjet: use `mailjet-connector contacts forget` (GDPR delete)"
        )
    missing = [v.value for v in verbs if v not in res.verbs]
    if missing and not (mode is Mode.UPSERT and len(missing) == 1):
        allowed = ", ".join(v.value for v in res.verbs)
        raise PlanError(f"{res.name} does not allow {' and '.join(missing)} ({mode.value}); verbs: {allowed}")
    if lists and res.name != "contact":
        raise PlanError("--list applies to contact imports only")


def _supersede(writes: list[Write]) -> list[Write]:
    # Two rows for one object: the later wins, as applying both in order would leave it.
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


class _RowPlanner:
    """Plans one row at a time for a fixed resource, mode, key and column map."""

    def __init__(
        self,
        res: Resource,
        mode: Mode,
        existing: Existing,
        key: tuple[str, ...],
        cmap: ColumnMap,
        lists: tuple[int, ...],
    ) -> None:
        self.res, self.mode, self.existing, self.key, self.cmap, self.lists = (
            res,
            mode,
            existing,
            key,
            cmap,
            lists,
        )

    def plan(self, number: int, row: dict[str, Any]) -> Write:
        try:
            values = self._values(row)
            props = self._properties(row)
        except CoerceError as exc:
            return Write(number, row, Kind.ERROR, f"row:{number}", reason=str(exc))
        if self.key and any(name not in values for name in self.key) and self.mode is not Mode.INSERT:
            return Write(
                number, row, Kind.ERROR, f"row:{number}", reason=f"no value for key {'+'.join(self.key)}"
            )
        matched = self.key and all(name in values for name in self.key)
        key = record_key([values[n] for n in self.key]) if matched else None
        journal_key = "|".join(key) if key else f"row:{number}"
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
        from mailjet_connector.contacts.properties import PropertyValueError
        from mailjet_connector.contacts.properties import coerce as coerce_property

        props: dict[str, Any] = {}
        for column, name in self.cmap.properties.items():
            cell = row.get(column)
            if is_empty(cell):
                continue
            datatype = self.existing.definitions[name.lower()][1]
            try:
                props[name] = coerce_property(datatype, cell)
            except PropertyValueError:
                raise CoerceError(f'Property "{name}": Property type does not match definition') from None
        return props

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
        body = {n: v for n, v in values.items() if not self.res.field(n).read_only}  # type: ignore[union-attr]
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
                return Write(number, row, Kind.ERROR, key, target=target, reason=EMAIL_CHANGE_REFUSED)
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
