"""The Mailjet side: read through the sync engine into our schema of the user's database, then read that copy.

`refresh_copy` runs the sync engine (`sync.run_sync`) for `contact`, `contactdata` and `listrecipient` into
the dataset `<state_schema>_mailjet`, reading them whole each run (`deletions=0`: Mailjet cannot list the
contacts changed since a time). The engine's own change detection applies: each page's rows are hashed
(`_mj_hash`) and only new or changed rows are loaded; contacts gone upstream get `_mj_deleted_at`; a killed
sync resumes from its last committed page. No second copy of any of that lives here: `read_copy` only turns
the synced rows into each contact's mapped values, and into the `Existing` the importer's planner diffs
against (so planning the writes costs no API read).
"""

from __future__ import annotations

from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from typing import Any

import orjson

from mailjet_connector.config import Settings
from mailjet_connector.importer.model import Existing, record_key
from mailjet_connector.importer.properties import Definition
from mailjet_connector.sync.schema import column_name
from mailjet_connector.twoway.database import Database, quote
from mailjet_connector.twoway.mapping import Mapping
from mailjet_connector.twoway.reconcile import Side
from mailjet_connector.twoway.values import canonical

__all__ = ["SYNCED", "MailjetCopy", "read_copy", "refresh_copy"]

SYNCED = ("contact", "contactdata", "listrecipient")
# A GDPR-deleted contact stays listed, anonymised as `<hash>@domain.invalid` (mailjet-api.md §4.5): it names
# nobody, so it takes no part (its old address is gone from Mailjet: a deletion).
ANONYMISED = "@domain.invalid"


def refresh_copy(
    mapping: Mapping, settings: Settings, *, transport: Any = None, pipelines_dir: str | None = None
) -> Any:
    """Sync the contacts, their properties and subscriptions into `<state_schema>_mailjet`.

    Returns:
        The sync's `SyncReport` (rows read, new, updated, deleted, API calls).
    """
    from mailjet_connector.sync.pipeline import SyncOptions, run_sync

    credentials = settings.client_kwargs()
    postgres = mapping.url.startswith(("postgresql://", "postgres://"))
    options = SyncOptions(
        credentials["api_key"],
        credentials["api_secret"],
        base_url=settings.base_url,
        resources=SYNCED,
        destination="postgres" if postgres else "duckdb",
        dataset_url=mapping.url.removeprefix("duckdb:///"),
        dataset_name=mapping.dataset,
        pipelines_dir=pipelines_dir,
        rate_limit=settings.rate_limit,
        transport=transport,
        settings=settings,
        dlt_logs=False,
        # Every run reads the three tables whole: the API cannot list contacts changed since a time, and
        # the sync's cheaper runs (only IDs above the highest synced) would miss edits made in Mailjet.
        deletions=0,
    )
    return run_sync(options)


@dataclass
class MailjetCopy:
    """The synced contacts as the reconciliation and the planner need them.

    Args:
        sides: key -> the contact's mapped values (contacts in scope only).
        existing: the planner's view of the account (records by email, properties, subscriptions,
            definitions): built from the copy, no API call.
        ids: key -> contact ID.
    """

    sides: dict[str, Side] = field(default_factory=dict)
    existing: Existing = field(default_factory=Existing)
    ids: dict[str, int] = field(default_factory=dict)


def read_copy(
    db: Database, mapping: Mapping, list_ids: MappingType[str, int], definitions: MappingType[str, Definition]
) -> MailjetCopy:
    """Read the synced copy (see the module docstring).

    Args:
        db: the database holding the copy.
        mapping: the mapping.
        list_ids: mapped list name -> list ID (lists not created yet are absent).
        definitions: the account's contact property definitions (lower-cased name -> Definition).
    """
    schema = mapping.dataset
    contacts = _rows(db, schema, "contact", ("id", "email", "name", "is_excluded_from_campaigns", "last_update_at",
                                             *_field_columns(mapping)))  # fmt: skip
    data = _rows(db, schema, "contactdata", ("id", "data"))
    recipients = _rows(db, schema, "listrecipient", ("contact_id", "list_id", "is_unsubscribed"))
    properties: dict[int, dict[str, str]] = {}
    for row in data:
        values = row["data"]
        if isinstance(values, str):
            values = orjson.loads(values)
        properties[int(row["id"])] = {
            str(item.get("Name")).lower(): _text(item.get("Value"))
            for item in values or []
            if isinstance(item, dict)
        }
    names = {list_id: name for name, list_id in list_ids.items()}
    subscribed: dict[int, set[int]] = {i: set() for i in names}
    member: dict[int, set[str]] = {}
    unsub: dict[int, set[str]] = {}
    for row in recipients:
        list_id = int(row["list_id"])
        if list_id not in names:
            continue
        contact = int(row["contact_id"])
        subscribed[list_id].add(contact)
        (unsub if row["is_unsubscribed"] else member).setdefault(contact, set()).add(names[list_id])
    copy = MailjetCopy()
    records: dict[tuple[str, ...], dict[str, Any]] = {}
    emails: dict[int, str] = {}
    for row in contacts:
        contact, email = int(row["id"]), str(row["email"])
        if email.lower().endswith(ANONYMISED):
            continue
        key = record_key([email])[0]
        records[(key,)] = {"ID": contact, "Email": email, "Name": row["name"] or "",
                           "IsExcludedFromCampaigns": bool(row["is_excluded_from_campaigns"])}  # fmt: skip
        emails[contact] = email
        if mapping.scope == "lists" and contact not in member and contact not in unsub:
            continue
        values: dict[str, str | None] = {}
        props = properties.get(contact, {})
        for column in mapping.columns:
            kind, name = column.target.split(":", 1)
            raw = row.get(column_name(name)) if kind == "field" else props.get(name.lower())
            values[column.target] = canonical(raw, column.kind)
        joined = member.get(contact, set())
        for column in mapping.lists:
            values[column.target] = "true" if column.name in joined else "false"
        copy.sides[key] = Side(values, True, row["last_update_at"], frozenset(unsub.get(contact, ())), email)
        copy.ids[key] = contact
    copy.existing = Existing(
        records=records,
        properties=properties,
        subscribed={i: frozenset(s) for i, s in subscribed.items()},
        definitions=dict(definitions),
        emails=emails,
    )
    return copy


def _field_columns(mapping: Mapping) -> list[str]:
    wanted = [column_name(c.name) for c in mapping.columns if c.target.startswith("field:")]
    return [c for c in wanted if c not in ("name", "is_excluded_from_campaigns", "last_update_at")]


def _rows(db: Database, schema: str, table: str, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    present = db.columns(f"{schema}.{table}")
    if not present:
        return []  # nothing synced yet (an account without contacts: dlt creates no table)
    chosen = [c for c in columns if c in present]
    where = " where _mj_deleted_at is null" if "_mj_deleted_at" in present else ""
    sql = f"select {', '.join(quote(c) for c in chosen)} from {quote(f'{schema}.{table}')}{where}"
    return [dict(zip(chosen, r, strict=True)) for r in db.query(sql)]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
