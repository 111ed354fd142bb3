"""Finding one row from the URL segment that names it: an ID, a unique key, or a `|`-joined composite key."""

from __future__ import annotations

from typing import Any

from mailjet_connector import catalog
from mailjet_connector.catalog import FieldType, Resource
from mailjet_connector.emulator.rest.query import parse_time
from mailjet_connector.emulator.rest.special import ID_ALIASES
from mailjet_connector.emulator.state import Account
from mailjet_connector.emulator.table import Table


def find_position(account: Account, resource: Resource, key: str) -> int | None:
    """Position of the live row that `key` names in the account's table, or None.

    Digits are an ID (or the aliased column, contactdata's ContactID); anything else is tried against
    each unique key of the resource with as many `|`-separated parts. Strings compare case-insensitively
    (`contact/A@B.C`). A unique key on a column the resource lacks goes through a link field
    (`contactdata/{email}` finds the contact by Email, then the row by ContactID).

    Args:
        account: the caller's account.
        resource: a stored (not computed) resource.
        key: the decoded URL segment.

    Returns:
        The position, or None when nothing matches.
    """
    table = account.table(resource)
    if key.isdigit():
        return _by_id(table, int(key))
    parts = key.split("|")
    for fields in resource.unique_keys:
        if len(fields) != len(parts):
            continue
        if all(f in table.types for f in fields):
            values = [_typed(table.types[f], part) for f, part in zip(fields, parts, strict=True)]
            if any(v is None for v in values):
                continue
            pos = table.lookup(fields, values, ci=True)
        else:
            pos = _through_link(account, resource, fields, key)
        if pos is not None:
            return pos
    return None


def _by_id(table: Table, row_id: int) -> int | None:
    alias = ID_ALIASES.get(table.resource.name)
    if alias is None:
        return table.position(row_id)
    return table.lookup((alias,), (row_id,))


def _typed(ftype: FieldType, text: str) -> Any:
    # Composite keys carry typed parts: `eventcallbackurl/open|false`, `statcounters/...|123|...`.
    if ftype is FieldType.BOOL:
        lowered = text.lower()
        return True if lowered in ("true", "1") else False if lowered in ("false", "0") else None
    if ftype in (FieldType.INT, FieldType.UNIX):
        return int(text) if text.lstrip("-").isdigit() else None
    if ftype is FieldType.TS:
        return parse_time(text)
    if ftype is FieldType.NUM:
        try:
            return float(text)
        except ValueError:
            return None
    return text


def _through_link(account: Account, resource: Resource, fields: tuple[str, ...], key: str) -> int | None:
    for field in resource.fields:
        if field.link is None:
            continue
        target = catalog.get(field.link)
        if fields not in target.unique_keys or target.computed:
            continue
        linked = find_position(account, target, key)
        if linked is None:
            return None
        target_id = int(account.table(target).column("ID")[linked])
        return account.table(resource).lookup((field.name,), (target_id,))
    return None
