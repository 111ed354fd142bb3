"""Seeded account configuration: senders and their domains, webhooks, parse route, keys, user, reference rows.

Also the generic filler that gives every other stored catalog resource a few plausible rows, so a resource
added to the catalog is served with data before anyone writes a dedicated generator for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mailjet_connector import catalog
from mailjet_connector.catalog import FieldType, enums
from mailjet_connector.emulator.resources.dns import dns_records
from mailjet_connector.emulator.seed.context import Columns, SeedContext
from mailjet_connector.emulator.seed.values import DAY, objects

# Resources the seed leaves empty on purpose (jobs appear when clients start them).
EMPTY = frozenset({"csvimport"})
MASKED_SECRET = "********************************"  # apikey SecretKey: never the real secret


def rows_frame(ctx: SeedContext, name: str, rows: Sequence[dict[str, Any]]) -> Columns:
    """Record a small table given as row dicts (IDs assigned here unless the rows carry them)."""
    keys = list(dict.fromkeys(k for row in rows for k in row))
    columns: Columns = {}
    for key in keys:
        values = [row.get(key) for row in rows]
        simple = all(isinstance(v, bool | int | float) for v in values)
        columns[key] = np.asarray(values) if simple and values else objects(values)
    if "ID" not in columns:
        columns["ID"] = ctx.ids(name, len(rows))
    return ctx.frame(name, columns)


def seed_senders(ctx: SeedContext) -> None:
    """dns rows (one per domain), then senders: active address and whole-domain senders, an inactive one, a
    deleted one; and metasenders."""
    n_dns, n_senders = ctx.count("dns"), ctx.count("sender")
    domains = [
        ctx.domain if i == 0 else f"mail{i}.{ctx.domain}" for i in range(max(n_dns, 1 if n_senders else 0))
    ]
    dns = rows_frame(ctx, "dns", [_dns_row(ctx, d, i) for i, d in enumerate(domains[:n_dns])])
    dns_ids = dns["ID"].tolist() or [0] * len(domains)
    kinds = [("news", "Active", "bulk"), ("*", "Active", "unknown"), ("info", "Inactive", "transactional"),
             ("old", "Deleted", "bulk")]  # fmt: skip
    senders = []
    for i in range(n_senders):
        local, status, email_type = kinds[i] if i < len(kinds) else (f"team{i}", "Active", "transactional")
        domain_pos = i % len(domains) if i >= len(kinds) else 0
        senders.append(
            {
                "CreatedAt": ctx.start + i * 3600,
                "DNSID": dns_ids[domain_pos % len(dns_ids)],
                "Email": f"{local}@{domains[domain_pos]}",
                "EmailType": email_type,
                "Filename": "",
                "IsDefaultSender": i == 0,
                "Name": "Newsletter team"
                if i == 0
                else f"{local.title() if local != '*' else 'Anyone'} at {ctx.domain}",
                "Status": status,
            }
        )
    rows_frame(ctx, "sender", senders)
    rows_frame(
        ctx,
        "metasender",
        [
            {
                "CreatedAt": ctx.start + i * DAY,
                "Description": f"Meta sender {i + 1}",
                "Email": f"meta{i + 1}@{ctx.domain}",
                "Filename": "",
                "IsEnabled": i % 2 == 0,
            }
            for i in range(ctx.count("metasender"))
        ],
    )


def _dns_row(ctx: SeedContext, domain: str, i: int) -> dict[str, Any]:
    token = f"mj{ctx.seed:04d}{ctx.index:02d}{i:02d}"
    return {
        **dns_records(domain, token),
        "DKIMStatus": "OK" if i == 0 else "Not checked",
        "IsCheckInProgress": False,
        "LastCheckAt": ctx.now - (i + 1) * DAY,
        "SPFStatus": "OK" if i == 0 else "Not found",
    }


def seed_integrations(ctx: SeedContext) -> None:
    """Event callback URLs (on example.com, which never answers) and the parse route."""
    key = ctx.account.key_id
    types = ("open", "click", "bounce", "spam", "blocked", "unsub", "sent")
    rows_frame(
        ctx,
        "eventcallbackurl",
        [
            {
                "APIKeyID": key,
                "EventType": types[i % len(types)],
                "IsBackup": i >= len(types),
                "Status": "alive",
                "Url": f"https://hooks.example.com/mailjet/{types[i % len(types)]}",
                "Version": 2 if i % 2 == 0 else 1,
            }
            for i in range(min(ctx.count("eventcallbackurl"), 2 * len(types)))
        ],
    )
    rows_frame(
        ctx,
        "parseroute",
        [
            {
                "APIKeyID": key,
                "Email": f"{ctx.domain.split('.')[0]}{i}@parse-in1.mailjet.com",
                "Url": f"https://hooks.example.com/parse/{i}",
            }
            for i in range(ctx.count("parseroute"))
        ],
    )


def seed_owner(ctx: SeedContext) -> None:
    """apikey (every key for the main account, its own for the others), user, myprofile, preferences."""
    visible = ctx.keys if ctx.index == 0 else tuple(k for k in ctx.keys if k.key_id == ctx.account.key_id)
    user_id = ctx.keys[0].key_id
    rows_frame(
        ctx,
        "apikey",
        [
            {
                "ID": k.key_id,
                "ACL": "",
                "APIKey": k.api_key,
                "CreatedAt": ctx.start - DAY * (10 - k.key_id % 10),
                "IsActive": True,
                "IsMaster": k.is_master,
                "Name": k.name,
                "QuarantineValue": 0,
                "RegionID": 1,
                "Runlevel": "Normal",
                "SecretKey": MASKED_SECRET,
                "Skipspamd": False,
                "TrackHost": "",
                "UserID": user_id,
            }
            for k in visible
        ],
    )
    owner = f"owner@{ctx.keys[0].api_key.split('-')[0]}.example.com"
    rows_frame(
        ctx,
        "user",
        [
            {
                "ID": user_id + i,
                "ACL": "",
                "CreatedAt": ctx.start - 30 * DAY,
                "Email": owner if i == 0 else f"user{i}@{ctx.domain}",
                "FirstIp": "198.51.100.7",
                "LastIp": "198.51.100.8",
                "LastLoginAt": ctx.now - DAY,
                "Locale": "en_US",
                "MaxAllowedAPIKeys": 10,
                "Timezone": "Europe/Paris",
                "Username": "owner" if i == 0 else f"user{i}",
                "WarnedRatelimitAt": 0,
            }
            for i in range(ctx.count("user"))
        ],
    )
    rows_frame(
        ctx,
        "myprofile",
        [
            {
                "ID": user_id + i,
                "UserID": user_id + i,
                "AddressCity": "Paris",
                "AddressCountry": "FR",
                "AddressPostalCode": "75001",
                "AddressStreet": "1 rue de l'Exemple",
                "BillingEmail": owner,
                "CompanyName": "Example Corp",
                "ContactPhone": "+33100000000",
                "Firstname": "Ada",
                "Lastname": "Owner",
                "Website": "https://www.example.com",
            }
            for i in range(ctx.count("myprofile"))
        ],
    )
    prefs = (
        ("locale", "en_US"),
        ("timezone", "Europe/Paris"),
        ("dateformat", "yyyy-mm-dd"),
        ("newsletter_tool", "v2"),
    )
    rows_frame(
        ctx,
        "preferences",
        [
            {
                "Key": prefs[i % len(prefs)][0] + (f"{i}" if i >= len(prefs) else ""),
                "Value": prefs[i % len(prefs)][1],
                "UserID": user_id,
            }
            for i in range(ctx.count("preferences"))
        ],
    )
    rows_frame(
        ctx,
        "messagestate",
        [{"ID": s.id, "RelatedTo": s.related_to, "State": s.state} for s in enums.MESSAGE_STATES],
    )


def seed_generic(ctx: SeedContext) -> None:
    """A few plausible rows for every stored catalog resource that no dedicated generator filled."""
    for resource in catalog.all_resources():
        if (
            resource.computed
            or not resource.account_data
            or resource.name in ctx.frames
            or resource.name in EMPTY
        ):
            continue
        n = ctx.count(resource.name)
        columns = {f.name: _generic_column(ctx, f, n) for f in resource.fields}
        if "ID" in columns:
            columns["ID"] = ctx.ids(resource.name, n)
        ctx.frame(resource.name, columns)


def _generic_column(ctx: SeedContext, field: catalog.Field, n: int) -> np.ndarray:
    """Values by type: links cycle through the target's seeded IDs, strings are numbered, times recent."""
    i = np.arange(n, dtype=np.int64)
    if field.type in (FieldType.INT, FieldType.UNIX, FieldType.TS, FieldType.NUM, FieldType.BOOL):
        if field.type in (FieldType.TS, FieldType.UNIX):
            return ctx.now - (i + 1) * DAY
        if field.type is FieldType.BOOL:
            return i % 2 == 0
        if field.type is FieldType.NUM:
            return i * 1.5
        if field.name == "APIKeyID":
            return np.full(n, ctx.account.key_id, dtype=np.int64)
        targets = ctx.column(field.link, "ID") if field.link else np.empty(0, dtype=np.int64)
        return targets[i % targets.size] if targets.size else i + 1
    if field.type in (FieldType.KV, FieldType.JSON):
        return objects([[] for _ in range(n)])
    if field.choices:
        return objects([field.choices[j % len(field.choices)] for j in range(n)])
    if field.type is FieldType.EMAIL:
        return objects([f"{field.name.lower()}{j + 1}@{ctx.domain}" for j in range(n)])
    return objects([f"{field.name} {j + 1}" for j in range(n)])
