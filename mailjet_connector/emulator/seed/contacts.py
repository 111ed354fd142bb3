"""Seeded contacts and everything hanging off them: lists, subscriptions, properties, history, segments, signups."""

from __future__ import annotations

import numpy as np

from mailjet_connector.emulator.seed.context import SeedContext, store_frame
from mailjet_connector.emulator.seed.values import (
    DAY,
    concat,
    delays,
    filled,
    letters,
    objects,
    pick,
    pick_text,
    times_between,
    unique_pairs,
)

FIRST_NAMES = (
    "ada", "alan", "grace", "linus", "margaret", "dennis", "barbara", "ken", "frances", "edsger",
    "radia", "tim", "hedy", "donald", "katherine", "john", "annie", "guido", "sophie", "niklaus",
    "mary", "bjarne", "joan", "james", "lynn", "claude", "karen", "vint", "shafi", "leslie",
)  # fmt: skip
LAST_NAMES = (
    "lovelace", "turing", "hopper", "torvalds", "hamilton", "ritchie", "liskov", "thompson", "allen",
    "dijkstra", "perlman", "berners", "lamarr", "knuth", "johnson", "backus", "easley", "rossum",
    "wilson", "wirth", "keller", "stroustrup", "clarke", "gosling", "conway", "shannon", "jones",
    "cerf", "goldwasser", "lamport",
)  # fmt: skip
LIST_NAMES = ("Newsletter", "Customers", "Beta testers", "Events", "Partners", "VIP", "Webinars", "Leads")
COUNTRIES = ("FR", "DE", "GB", "US", "ES", "IT", "NL", "BE", "CA", "BR")
# (Name, Datatype, NameSpace): one static property of each datatype, plus a historic one.
PROPERTIES = (
    ("firstname", "str", "static"),
    ("lastname", "str", "static"),
    ("age", "int", "static"),
    ("score", "float", "static"),
    ("vip", "bool", "static"),
    ("birthday", "datetime", "static"),
    ("country", "str", "static"),
    ("purchase", "str", "historic"),
)
SEGMENTS = (
    ("Adults", "(age>=18)", "Contacts of age"),
    ("VIP", "(vip=true)", "Our best customers"),
    ("Recent openers", "hasopenedsince(30)", "Opened in the last 30 days"),
    ("French", '(country="FR")', ""),
)


def seed_contacts(ctx: SeedContext) -> None:
    """Contacts in creation order (ID order = CreatedAt order); activity columns are filled later.

    Edge cases: contact #2 is excluded from campaigns, contact #3 has a mixed-case email, and the newest
    contact joined an hour ago (it never receives a message, so its LastActivityAt stays empty).
    """
    n, rng = ctx.count("contact"), ctx.rng("contact")
    ids = ctx.ids("contact", n)
    bulk = rng.random(n) < 0.4  # an initial import on day one, then a steady trickle
    created = np.where(
        bulk,
        times_between(rng, ctx.start, ctx.start + DAY, n),
        times_between(rng, ctx.start, ctx.now - DAY, n),
    )
    created.sort()
    if n:
        created[-1] = ctx.now - 3600
    first, last = rng.integers(0, len(FIRST_NAMES), n), rng.integers(0, len(LAST_NAMES), n)
    full_names = [f"{f.title()} {s.title()}" for f in FIRST_NAMES for s in LAST_NAMES]
    names = pick(full_names, first * len(LAST_NAMES) + last)
    names[rng.random(n) < 0.08] = ""
    emails = concat(
        pick_text(FIRST_NAMES, first), ".", pick_text(LAST_NAMES, last), np.arange(1, n + 1), "@", ctx.domain
    )
    if n > 2:
        emails[2] = emails[2].title()
    excluded = rng.random(n) < 0.01
    excluded[1:2] = True
    excluded_at = np.where(excluded, times_between(rng, created, ctx.now - 60, n), 0)
    ctx.frame(
        "contact",
        {
            "ID": ids,
            "CreatedAt": created,
            "Email": emails,
            "Name": names,
            "IsExcludedFromCampaigns": excluded,
            "ExclusionFromCampaignsUpdatedAt": excluded_at,
            "LastUpdateAt": np.maximum(created, excluded_at),
            "DeliveredCount": np.zeros(n, dtype=np.int64),
            "LastActivityAt": np.zeros(n, dtype=np.int64),
            "UnsubscribedAt": np.zeros(n, dtype=np.int64),
            "UnsubscribedBy": filled("", n),
            "IsSpamComplaining": np.zeros(n, dtype=np.bool_),
            "IsOptInPending": np.zeros(n, dtype=np.bool_),
            # helper columns for later stages (dropped when stored)
            "_first": first,
            "_last": last,
        },
    )


def seed_lists(ctx: SeedContext) -> None:
    """Contact lists and their subscriptions; the last list is soft-deleted, the first subscription unsubscribed."""
    m, rng = ctx.count("contactslist"), ctx.rng("contactslist")
    names = [
        LIST_NAMES[i % len(LIST_NAMES)] + (f" {i // len(LIST_NAMES) + 1}" if i >= len(LIST_NAMES) else "")
        for i in range(m)
    ]
    list_created = np.sort(times_between(rng, ctx.start, ctx.start + 5 * DAY, m))
    deleted = np.zeros(m, dtype=np.bool_)
    if m >= 2:
        deleted[-1] = True
    contact_ids, contact_created = ctx.column("contact", "ID"), ctx.column("contact", "CreatedAt")
    r_rng = ctx.rng("listrecipient")
    ca, la = unique_pairs(r_rng, ctx.count("listrecipient"), contact_ids.size, m)
    r = ca.size
    subscribed = np.minimum(
        np.maximum(contact_created[ca], list_created[la]) + delays(r_rng, r, DAY), ctx.now - 60
    )
    order = np.argsort(subscribed, kind="stable")
    ca, la, subscribed = ca[order], la[order], subscribed[order]
    unsub = r_rng.random(r) < 0.03
    unsub[:1] = True
    ctx.frame(
        "contactslist",
        {
            "ID": ctx.ids("contactslist", m),
            "Address": letters(rng, m, 9),
            "CreatedAt": list_created,
            "IsDeleted": deleted,
            "Name": objects(names),
            "SubscriberCount": np.bincount(la, minlength=m).astype(np.int64),
        },
    )
    ctx.frame(
        "listrecipient",
        {
            "ID": ctx.ids("listrecipient", r),
            "ContactID": contact_ids[ca],
            "ListID": ctx.column("contactslist", "ID")[la],
            "ListName": pick(names, la) if r else np.empty(0, dtype=object),
            "IsActive": r_rng.random(r) >= 0.01,
            "IsUnsubscribed": unsub,
            "SubscribedAt": subscribed,
            "UnsubscribedAt": np.where(unsub, times_between(r_rng, subscribed, ctx.now - 1, r), 0),
            "_contact": ca,
        },
    )
    store_frame(ctx, "listrecipient")


def seed_properties(ctx: SeedContext) -> None:
    """contactmetadata (PROPERTIES, then `customN` strings) and contactdata for a subset of contacts."""
    k = ctx.count("contactmetadata")
    defs = list(PROPERTIES[:k]) + [
        (f"custom{i}", "str", "static") for i in range(max(0, k - len(PROPERTIES)))
    ]
    ctx.frame(
        "contactmetadata",
        {
            "ID": ctx.ids("contactmetadata", len(defs)),
            "Name": objects([d[0] for d in defs]),
            "Datatype": objects([d[1] for d in defs]),
            "NameSpace": objects([d[2] for d in defs]),
        },
    )
    static = {d[0] for d in defs if d[2] == "static"}
    contact_ids = ctx.column("contact", "ID")
    rng = ctx.rng("contactdata")
    n = min(ctx.count("contactdata"), contact_ids.size)
    chosen = np.sort(rng.choice(contact_ids.size, n, replace=False)) if n else np.empty(0, dtype=np.int64)
    data = _property_values(ctx, rng, chosen, static)
    ctx.frame(
        "contactdata",
        {
            "ID": contact_ids[chosen],
            "ContactID": contact_ids[chosen],
            "Data": data,
            "MethodCollection": filled("", n),
        },
    )
    store_frame(ctx, "contactdata")


def _property_values(
    ctx: SeedContext, rng: np.random.Generator, chosen: np.ndarray, static: set[str]
) -> np.ndarray:
    """The `Data` cell of each chosen contact: [{"Name", "Value"}] with every value a string (§8.20)."""
    n = chosen.size
    first = ctx.column("contact", "_first")[chosen]
    last = ctx.column("contact", "_last")[chosen]
    columns = {
        "firstname": [FIRST_NAMES[i].title() for i in first.tolist()],
        "lastname": [LAST_NAMES[i].title() for i in last.tolist()],
        "age": rng.integers(18, 80, n).astype(str).tolist(),
        "score": np.char.mod("%.1f", rng.random(n) * 100).tolist(),
        "vip": np.where(rng.random(n) < 0.1, "true", "false").tolist(),
        "birthday": np.strings.add(
            np.datetime_as_string((rng.integers(-7000, 11000, n) * DAY).astype("datetime64[s]"), unit="s"),
            "Z",
        ).tolist(),
        "country": [COUNTRIES[i] for i in rng.integers(0, len(COUNTRIES), n).tolist()],
    }
    names = [name for name in columns if name in static]
    sparse = (rng.random((n, len(names))) < 0.15).tolist()  # some properties left unset per contact
    cells = [
        [{"Name": name, "Value": columns[name][row]} for j, name in enumerate(names) if not sparse[row][j]]
        for row in range(n)
    ]
    return objects(cells)


def seed_history_segments_signups(ctx: SeedContext) -> None:
    """contacthistorydata (historic `purchase` values), contactfilter segments, contactslistsignup records."""
    rng = ctx.rng("contacthistorydata")
    contact_ids, contact_created = ctx.column("contact", "ID"), ctx.column("contact", "CreatedAt")
    h = ctx.count("contacthistorydata") if contact_ids.size else 0
    who = rng.integers(0, max(1, contact_ids.size), h)
    when = times_between(rng, contact_created[who] if h else 0, ctx.now - 60, h)
    order = np.argsort(when, kind="stable")
    who, when = who[order], when[order]
    ctx.frame(
        "contacthistorydata",
        {
            "ID": ctx.ids("contacthistorydata", h),
            "ContactID": contact_ids[who] if h else who,
            "CreatedAt": when,
            "Name": filled("purchase", h),
            "Data": concat("order-", rng.integers(1000, 99999, h)),
        },
    )
    f = ctx.count("contactfilter")
    segs = [SEGMENTS[i % len(SEGMENTS)] for i in range(f)]
    ctx.frame(
        "contactfilter",
        {
            "ID": ctx.ids("contactfilter", f),
            "Name": objects(
                [
                    s[0] + (f" {i // len(SEGMENTS) + 1}" if i >= len(SEGMENTS) else "")
                    for i, s in enumerate(segs)
                ]
            ),
            "Expression": objects([s[1] for s in segs]),
            "Description": objects([s[2] for s in segs]),
            "Status": objects([("used", "unused", "deleted")[i % 3] for i in range(f)]),
        },
    )
    _seed_signups(ctx)


def _seed_signups(ctx: SeedContext) -> None:
    """Double opt-in records for some subscriptions; the newest one is still unconfirmed (IsOptInPending)."""
    rng = ctx.rng("contactslistsignup")
    recipients = ctx.frames["listrecipient"]
    s = min(ctx.count("contactslistsignup"), recipients["ID"].size)
    rows = np.sort(rng.choice(recipients["ID"].size, s, replace=False)) if s else np.empty(0, dtype=np.int64)
    confirm = recipients["SubscribedAt"][rows].copy()
    signup = confirm - delays(rng, s, 3600)
    contact_pos = recipients["_contact"][rows]
    if s:
        confirm[-1] = 0
        ctx.frames["contact"]["IsOptInPending"][contact_pos[-1]] = True
    ips = concat("203.0.113.", rng.integers(1, 255, s))
    ctx.frame(
        "contactslistsignup",
        {
            "ID": ctx.ids("contactslistsignup", s),
            "ContactID": recipients["ContactID"][rows],
            "Email": ctx.column("contact", "Email")[contact_pos],
            "ListID": recipients["ListID"][rows],
            "SignupAt": signup,
            "SignupIp": ips,
            "ConfirmAt": confirm,
            "ConfirmIp": np.where(confirm > 0, ips, ""),
            "SignupKey": letters(rng, s, 32),
            "Source": filled("widget", s),
            "SourceId": rng.integers(1, 4, s),
        },
    )
