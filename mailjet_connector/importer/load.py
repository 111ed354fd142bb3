"""Read what an import plan needs from the account: existing objects by key, contact properties, links."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mailjet_connector.catalog import Resource, get
from mailjet_connector.client import Client
from mailjet_connector.errors import NotFoundError
from mailjet_connector.importer.coerce import is_empty
from mailjet_connector.importer.columns import contact_id_column, normal
from mailjet_connector.importer.model import Existing, record_key
from mailjet_connector.importer.properties import fetch_definitions

__all__ = ["SMALL_IMPORT", "load_existing"]

# Up to this many rows, objects are fetched one GET per row (by ID or unique key); beyond, one listing
# pass builds the key -> object map (1,000 rows per call).
SMALL_IMPORT = 50


def load_existing(
    client: Client,
    res: Resource,
    rows: Sequence[Mapping[str, Any]],
    key: Sequence[str],
    *,
    lists: Sequence[int] = (),
    blind: bool = False,
) -> Existing:
    """The objects and facts the plan compares the rows with.

    Args:
        client: a connected client.
        res: the resource imported.
        rows: the source rows.
        key: the match-key fields (from `columns.choose_key`); () reads no objects.
        lists: contact imports: the lists contacts are subscribed to.
        blind: contact bulk imports: read no objects (`records=None`), only what validates rows (property
            definitions, and the emails of contacts named by an ID column).

    Returns:
        What exists, keyed as `model.record_key` keys rows.
    """
    records: dict[tuple[str, ...], Mapping[str, Any]] | None = None
    if not blind:
        records = _records(client, res, rows, tuple(key)) if key else {}
    if res.name != "contact":
        return Existing(records, links=_links(client, res, rows))
    definitions = fetch_definitions(client)
    columns = list(dict.fromkeys(c for r in rows for c in r))
    wants_properties = any(c.lower() in definitions for c in columns) and records
    properties = _contact_properties(client) if wants_properties else {}
    subscribed = {i: _subscribers(client, i) for i in lists} if records else {}
    emails = _emails(client) if contact_id_column(res, columns, key) and rows else {}
    return Existing(records, properties, subscribed, definitions, emails=emails)


def _records(
    client: Client, res: Resource, rows: Sequence[Mapping[str, Any]], key: tuple[str, ...]
) -> dict[tuple[str, ...], Mapping[str, Any]]:
    url_key = key == tuple(res.primary_key) or key in res.unique_keys
    if url_key and len(rows) <= SMALL_IMPORT:
        return _records_by_get(client, res, rows, key)
    found: dict[tuple[str, ...], Mapping[str, Any]] = {}
    for record in client.iter(res.name):
        found[record_key([record.get(name) for name in key])] = record
    return found


def _records_by_get(
    client: Client, res: Resource, rows: Sequence[Mapping[str, Any]], key: tuple[str, ...]
) -> dict[tuple[str, ...], Mapping[str, Any]]:
    columns = {normal(c): c for r in rows for c in r}
    found: dict[tuple[str, ...], Mapping[str, Any]] = {}
    for row in rows:
        cells = [row.get(columns.get(normal(name), name)) for name in key]
        if any(is_empty(c) for c in cells):
            continue
        wanted = record_key(cells)
        if wanted in found:
            continue
        lookup: Any = cells[0] if len(cells) == 1 else tuple(str(c).strip() for c in cells)
        try:
            record = client.get(res.name, lookup)
        except NotFoundError:
            continue
        found[record_key([record.get(name) for name in key])] = record
    return found


def _contact_properties(client: Client) -> dict[int, dict[str, str]]:
    # contactdata returns every value as a string; a contact without values still has a row.
    values: dict[int, dict[str, str]] = {}
    for record in client.iter("contactdata"):
        data = record.get("Data") or []
        values[int(record["ID"])] = {str(i["Name"]).lower(): _text(i.get("Value")) for i in data}
    return values


def _emails(client: Client) -> dict[int, str]:
    # One listing pass: a row whose ID names a contact with another email is refused (no email changes).
    return {int(c["ID"]): str(c["Email"]) for c in client.iter("contact")}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _subscribers(client: Client, list_id: int) -> frozenset[int]:
    return frozenset(int(r["ContactID"]) for r in client.iter("listrecipient", {"ContactsList": list_id}))


def _links(client: Client, res: Resource, rows: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """For link columns holding non-numeric values: the linked resource's alternate keys -> ID."""
    columns = {normal(c): c for r in rows for c in r}
    links: dict[str, dict[str, int]] = {}
    for fld in res.fields:
        column = columns.get(normal(fld.name))
        if fld.link is None or column is None or fld.link in links:
            continue
        if all(is_empty(r.get(column)) or str(r.get(column)).strip().isdigit() for r in rows):
            continue
        target = get(fld.link)
        names = [n for keys in target.unique_keys for n in keys] + [
            n for n in ("Name", "Email") if target.field(n)
        ]
        links[fld.link] = {
            str(record[n]).strip().lower(): int(record["ID"])
            for record in client.iter(target.name)
            for n in dict.fromkeys(names)
            if not is_empty(record.get(n))
        }
    return links
