"""Generic POST/PUT/DELETE semantics driven by the catalog: properties, types, read-only, required, unique keys.

Resource-specific behaviour (generated list addresses, subscriber counts, contact email rules ...) plugs in
through `Rules` objects, one per catalog name in the table `rest.hooks.RULES`. Every write carries that table
(`WriteContext.rules`, handed down from the app), and the pipeline calls the hooks at fixed points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.catalog import Field, FieldType, Resource
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.rest.keys import find_position
from mailjet_connector.emulator.rest.query import parse_time
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.table import Table, empty_value
from mailjet_connector.wire.addresses import is_email


@dataclass(frozen=True, slots=True)
class WriteContext:
    """One write: who writes what, the emulator time it happens at, and the write rules of every resource."""

    state: EmulatorState
    account: Account
    resource: Resource
    table: Table
    now: int
    rules: Mapping[str, Rules]

    def on(self, resource: Resource | str) -> WriteContext:
        """A context for a write on another of the account's tables, at the same time, with the same rules."""
        table = self.account.table(resource)
        return WriteContext(self.state, self.account, table.resource, table, self.now, self.rules)


class Rules:
    """Hooks a resource may override; the defaults do nothing. Values are raw (timestamps in Unix seconds).

    Order on create: `before_create` (body values, before checks) -> checks -> `fill_create` -> insert ->
    `after_create`. On update: `before_update` -> checks, changes computed -> `on_update` (may add derived
    changes) -> update. On delete: `delete` (return True when it handled the delete itself) -> `after_delete`.
    """

    def before_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        """Check or complete the given values before the generic checks."""

    def fill_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        """Set server-computed fields on a row about to be inserted."""

    def after_create(self, ctx: WriteContext, pos: int) -> None:
        """Side effects of an insert on other tables."""

    def before_update(self, ctx: WriteContext, pos: int, values: dict[str, Any]) -> None:
        """Check or rewrite the sent values (e.g. merge) before they are compared with the row."""

    def on_update(self, ctx: WriteContext, pos: int, changes: dict[str, Any]) -> None:
        """Add derived changes and side effects of an effective update."""

    def delete(self, ctx: WriteContext, pos: int) -> bool:
        """Handle the delete specially (soft delete); return False for the generic hard delete."""
        return False

    def after_delete(self, ctx: WriteContext, pos: int, row: Mapping[str, Any]) -> None:
        """Side effects of a delete, with the row as it was."""


DEFAULT_RULES = Rules()


def rules_for(ctx: WriteContext) -> Rules:
    """The write rules of the context's resource, or the no-op defaults."""
    return ctx.rules.get(ctx.resource.name, DEFAULT_RULES)


@dataclass(frozen=True, slots=True)
class Schema:
    """What the write pipeline needs of a resource, derived once from the catalog entry (not per row)."""

    by_lower: dict[str, Field]
    read_only: tuple[Field, ...]
    required: tuple[Field, ...]
    links: dict[str, str]  # link field name -> linked catalog name
    defaults: dict[str, Any]  # field name -> raw default (a fresh list for list defaults, never mutated)
    stamps_created: bool  # CreatedAt is a timestamp the server sets


_SCHEMAS: dict[int, tuple[Resource, Schema]] = {}


def schema(resource: Resource) -> Schema:
    """The resource's write schema, cached per catalog entry."""
    hit = _SCHEMAS.get(id(resource))
    if hit is not None and hit[0] is resource:
        return hit[1]
    created = resource.field("CreatedAt")
    built = Schema(
        by_lower={f.name.lower(): f for f in resource.fields},
        read_only=tuple(f for f in resource.fields if f.read_only),
        required=tuple(f for f in resource.fields if f.required),
        links={f.name: f.link for f in resource.fields if f.link},
        defaults={f.name: _default_raw(f) for f in resource.fields},
        stamps_created=created is not None and created.type in (FieldType.TS, FieldType.UNIX),
    )
    _SCHEMAS[id(resource)] = (resource, built)  # the entry keeps the resource alive: ids stay unique
    return built


def class_name(resource: Resource) -> str:
    """The resource name as Mailjet's messages spell it (`Contact`, `Contactslist`)."""
    name = resource.mailjet_name.split("/")[-1]
    return name[:1].upper() + name[1:]


# -- body parsing ----------------------------------------------------------------------------------------


def body_values(ctx: WriteContext, body: Any) -> dict[str, Any]:
    """The sent properties as raw values under their catalog names.

    Property names match case-insensitively; link fields may be given by alternate key (`ContactAlt`).

    Raises:
        EmulatorError: 400 for a non-object body, an unknown property or a value of the wrong type.
    """
    if not isinstance(body, dict):
        raise EmulatorError(400, "Invalid json input: expected a JSON object")
    resource = ctx.resource
    by_lower = schema(resource).by_lower
    values: dict[str, Any] = {}
    for name, value in body.items():
        field = by_lower.get(name.lower())
        if field is not None:
            values[field.name] = coerce(field, value)
            continue
        link = _alt_link(resource, name)
        if link is None:
            raise EmulatorError(
                400,
                f'Invalid json input: object ""->"T{class_name(resource)}" property "{name}" '
                "is not a class property",
            )
        values.setdefault(link.name, resolve_alt(ctx.account, link, name, value))
    return values


def _alt_link(resource: Resource, name: str) -> Field | None:
    if not name.lower().endswith("alt"):
        return None
    wanted = name[:-3].lower() + "id"  # ContactAlt / ContactALT -> ContactID
    return next((f for f in resource.fields if f.name.lower() == wanted and f.link), None)


def resolve_alt(account: Account, link: Field, name: str, value: Any) -> int:
    """The ID of the object an alternate key (`ContactAlt` = email, `ListAlt` = address or name) names.

    Raises:
        EmulatorError: 400 when no such object exists.
    """
    assert link.link is not None
    target = catalog.get(link.link)
    text = str(value)
    pos = find_position(account, target, text)
    if pos is None and target.field("Name") is not None:
        pos = account.table(target).lookup(("Name",), (text,), ci=True)
    if pos is None:
        raise EmulatorError(400, f'MJ08 Property "{name}" is invalid: no {target.mailjet_name} "{text}"')
    return int(account.table(target).column("ID")[pos])


def coerce(field: Field, value: Any) -> Any:
    """A JSON value as the raw value the table stores for `field`.

    Raises:
        EmulatorError: 400 (MJ08) when the value does not fit the field's type.
    """
    ftype = field.type
    if value is None and ftype not in (FieldType.KV, FieldType.JSON):
        return empty_value(ftype)
    raw = _convert(ftype, value)
    if raw is _INVALID:
        raise EmulatorError(400, f'MJ08 Property "{field.name}" is invalid: expected {_EXPECTED[ftype]}')
    if field.choices and raw not in field.choices:
        raise EmulatorError(
            400, f'MJ08 Property "{field.name}" is invalid: expected one of {", ".join(field.choices)}'
        )
    return raw


_INVALID = object()
_EXPECTED = {
    FieldType.INT: "an integer",
    FieldType.NUM: "a number",
    FieldType.STR: "a string",
    FieldType.BOOL: "true or false",
    FieldType.TS: "an RFC 3339 date-time or Unix seconds",
    FieldType.UNIX: "Unix seconds",
    FieldType.EMAIL: "an email address",
    FieldType.KV: 'a list of {"Name", "Value"} objects',
    FieldType.JSON: "a JSON value",
}


def _convert(ftype: FieldType, value: Any) -> Any:
    if ftype in (FieldType.INT, FieldType.UNIX):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        return value if isinstance(value, int) and not isinstance(value, bool) else _INVALID
    if ftype is FieldType.NUM:
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else _INVALID
    if ftype is FieldType.BOOL:
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return value if isinstance(value, bool) else _INVALID
    if ftype is FieldType.TS:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if value == "":
            return 0  # Mailjet's empty timestamp
        parsed = parse_time(value) if isinstance(value, str) else None
        return _INVALID if parsed is None else parsed
    if ftype is FieldType.EMAIL:
        return value.strip() if isinstance(value, str) and is_email(value.strip()) else _INVALID
    if ftype is FieldType.STR:
        return value if isinstance(value, str) else _INVALID
    if ftype is FieldType.KV:
        ok = isinstance(value, list) and all(isinstance(i, dict) and "Name" in i for i in value)
        return value if ok else _INVALID
    return value


# -- the pipeline ----------------------------------------------------------------------------------------


def create(ctx: WriteContext, body: Any) -> int:
    """POST: validate the body and insert a row.

    Returns:
        The new row's position.

    Raises:
        EmulatorError: 400 for unknown properties, wrong types, read-only values (MJ19), missing required
            properties and unique-key duplicates (MJ18).
    """
    rules = rules_for(ctx)
    shape = schema(ctx.resource)
    values = body_values(ctx, body)
    rules.before_create(ctx, values)
    for field in shape.read_only:
        if field.name in values and values[field.name] != shape.defaults[field.name]:
            raise read_only_error(field.name)
    check_links(ctx, values)
    if "APIKeyID" in ctx.table.types and not values.get("APIKeyID"):
        values["APIKeyID"] = ctx.account.key_id  # rows owned by an API key belong to the caller's
    rules.fill_create(ctx, values)
    for field in shape.required:
        if _is_empty(values.get(field.name)):
            raise EmulatorError(400, f'MJ03 A value for property "{field.name}" is required')
    if ctx.resource.unique_keys:
        check_unique(ctx, {**shape.defaults, **values}, None)
    if shape.stamps_created:
        values.setdefault("CreatedAt", ctx.now)
    pos = ctx.table.insert(values)
    rules.after_create(ctx, pos)
    return pos


def update(ctx: WriteContext, pos: int, body: Any) -> bool:
    """PUT (a patch): apply the sent properties that differ from the row.

    Returns:
        Whether anything changed (False answers 304).

    Raises:
        EmulatorError: as `create`, for the sent properties.
    """
    rules = rules_for(ctx)
    values = body_values(ctx, body)
    rules.before_update(ctx, pos, values)
    current = ctx.table.raw(pos)
    changes = {name: value for name, value in values.items() if not _same(current.get(name), value)}
    for name in changes:
        field = ctx.resource.field(name)
        if field is not None and field.read_only:
            raise read_only_error(name)
    if not changes:
        return False
    check_links(ctx, changes)
    check_unique(ctx, {**current, **changes}, pos, changed=set(changes))
    rules.on_update(ctx, pos, changes)
    ctx.table.update(pos, changes)
    return True


def delete(ctx: WriteContext, pos: int) -> None:
    """DELETE: the resource's own delete (soft) or a hard delete."""
    rules = rules_for(ctx)
    row = ctx.table.raw(pos)
    if not rules.delete(ctx, pos):
        ctx.table.delete(pos)
    rules.after_delete(ctx, pos, row)


def read_only_error(name: str) -> EmulatorError:
    """MJ19, for a read-only property set to a new value (§8.24; status 400 assumed)."""
    return EmulatorError(400, f'MJ19 Setting a value for property "{name}" is not allowed')


def check_links(ctx: WriteContext, values: Mapping[str, Any]) -> None:
    """Link fields written with an ID must point at an existing object of the linked stored resource."""
    links = schema(ctx.resource).links
    for name, value in values.items():
        link = links.get(name)
        if link is None or not value:
            continue
        target = catalog.get(link)
        if not target.computed and ctx.account.table(target).position(int(value)) is None:
            raise EmulatorError(400, f'MJ08 Property "{name}" is invalid: no {target.mailjet_name} {value}')


def check_unique(
    ctx: WriteContext, row: Mapping[str, Any], pos: int | None, changed: set[str] | None = None
) -> None:
    """MJ18 when another live row already holds one of the resource's unique keys."""
    for fields in ctx.resource.unique_keys:
        if not all(f in ctx.table.types for f in fields):
            continue
        if changed is not None and not changed.intersection(fields):
            continue
        values = [row.get(f) for f in fields]
        if any(_is_empty(v) for v in values):
            continue
        other = ctx.table.lookup(fields, values, ci=True)
        if other is not None and other != pos:
            shown = "|".join(str(v) for v in values)
            raise EmulatorError(
                400,
                f'MJ18 A {class_name(ctx.resource)} resource with value "{shown}" for {"|".join(fields)} already exists.',
            )


def _default_raw(field: Field) -> Any:
    # Catalog defaults are already raw values (tuples stand for lists, to keep the catalog immutable).
    if field.default is None:
        return empty_value(field.type)
    return list(field.default) if isinstance(field.default, tuple) else field.default


def _is_empty(value: Any) -> bool:
    return (
        value is None
        or value == ""
        or (isinstance(value, int) and not isinstance(value, bool) and value == 0)
    )


def _same(old: Any, new: Any) -> bool:
    # Raw values from the table and from the body share Python types; KV lists may be stored as tuples.
    if isinstance(old, tuple):
        old = list(old)
    if isinstance(new, tuple):
        new = list(new)
    return old == new
