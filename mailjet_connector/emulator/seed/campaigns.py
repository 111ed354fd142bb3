"""Seeded campaigns, their drafts, templates (with content) and the batch jobs that sent them."""

from __future__ import annotations

import numpy as np

from mailjet_connector.emulator.seed.context import SeedContext
from mailjet_connector.emulator.seed.values import DAY, concat, filled, objects, pick, times_between

MARKETING_SUBJECTS = (
    "Our monthly newsletter", "Spring sale: 20% off", "New features this week", "You're invited: live webinar",
    "Last chance: tickets", "Tips to get started", "What's new in the product", "Summer collection",
)  # fmt: skip
TRANSACTIONAL = (("order-confirmation", "Your order confirmation"), ("password-reset", "Reset your password"),
                 ("welcome", "Welcome aboard"), ("invoice", "Your invoice is ready"))  # fmt: skip
TEMPLATES = (
    ("Welcome", "transactional", 2), ("Receipt", "transactional", 2), ("Monthly newsletter", "marketing", 4),
    ("Password reset", "transactional", 2), ("Promotion", "marketing", 1), ("Event invite", "marketing", 4),
)  # fmt: skip


def seed_campaigns(ctx: SeedContext) -> None:
    """Campaigns sorted by SendStartAt; one in four is transactional; the newest started today.

    Message-derived columns (FirstMessageID, SendEndAt, counts) are completed by the message stage.
    """
    k, rng = ctx.count("campaign"), ctx.rng("campaign")
    start = np.sort(times_between(rng, ctx.start + 2 * DAY, ctx.now - DAY, k))
    transactional = np.arange(k) % 4 == 1
    if k:  # a marketing campaign sent today, so today-default event listings are not empty
        transactional[-1] = False
        start[-1] = ctx.day_start + (ctx.now - ctx.day_start) // 4
    senders = _usable_senders(ctx)
    from_pos = senders[rng.integers(0, senders.size, k)] if senders.size else np.zeros(k, dtype=np.int64)
    sender_ids = ctx.column("sender", "ID")
    lists = _usable_lists(ctx)
    list_ids = np.zeros(k, dtype=np.int64)
    if lists.size:
        list_ids = np.where(transactional, 0, lists[rng.integers(0, lists.size, k)])
    kind = np.arange(k) // 4 % len(TRANSACTIONAL)
    subjects = np.where(
        transactional,
        pick([t[1] for t in TRANSACTIONAL], kind),
        pick(MARKETING_SUBJECTS, np.arange(k) % len(MARKETING_SUBJECTS)),
    )
    ctx.frame(
        "campaign",
        {
            "ID": ctx.ids("campaign", k),
            "CampaignType": np.where(transactional, 1, 2),
            "CreatedAt": start - 3600,
            "CustomValue": np.where(transactional, pick([t[0] for t in TRANSACTIONAL], kind), ""),
            "FromID": sender_ids[from_pos] if sender_ids.size else np.zeros(k, dtype=np.int64),
            "FromEmail": ctx.column("sender", "Email")[from_pos] if sender_ids.size else filled("", k),
            "FromName": ctx.column("sender", "Name")[from_pos] if sender_ids.size else filled("", k),
            "IsDeleted": np.zeros(k, dtype=np.bool_),
            "IsStarred": rng.random(k) < 0.2,
            "ListID": list_ids,
            "NewsLetterID": np.zeros(k, dtype=np.int64),
            "OpenTracked": np.ones(k, dtype=np.int64),
            "ClickTracked": np.ones(k, dtype=np.int64),
            "SendStartAt": start,
            "SendEndAt": start.copy(),
            "SpamassScore": np.round(rng.random(k) * 2, 2),
            "Status": np.full(k, 2, dtype=np.int64),
            "Subject": subjects,
            "FirstMessageID": np.zeros(k, dtype=np.int64),
            "HasHtmlCount": np.zeros(k, dtype=np.int64),
            "HasTxtCount": np.zeros(k, dtype=np.int64),
            "UnsubscribeTrackedCount": np.zeros(k, dtype=np.int64),
            "_transactional": transactional,
        },
    )


def _usable_senders(ctx: SeedContext) -> np.ndarray:
    """Positions of Active, non-wildcard senders (the From of campaigns)."""
    emails, status = ctx.column("sender", "Email"), ctx.column("sender", "Status")
    ok = [
        i
        for i, (e, s) in enumerate(zip(emails.tolist(), status.tolist(), strict=True))
        if s == "Active" and "*" not in e
    ]
    return np.asarray(ok, dtype=np.int64)


def _usable_lists(ctx: SeedContext) -> np.ndarray:
    ids, deleted = ctx.column("contactslist", "ID"), ctx.column("contactslist", "IsDeleted")
    return ids[~deleted.astype(bool)] if ids.size else ids


def seed_drafts(ctx: SeedContext) -> None:
    """One sent draft per marketing campaign (the campaign's NewsLetterID), then unsent drafts and archives."""
    campaigns = ctx.frames["campaign"]
    rng = ctx.rng("campaigndraft")
    marketing = np.flatnonzero(~campaigns["_transactional"])
    d = ctx.count("campaigndraft")
    linked = marketing[:d]
    ids = ctx.ids("campaigndraft", d)
    campaigns["NewsLetterID"][linked] = ids[: linked.size]
    campaigns["CustomValue"][linked] = concat("mj.nl=", ids[: linked.size])
    extra = d - linked.size
    start = campaigns["SendStartAt"][linked]
    created = np.concatenate([start - 2 * DAY, times_between(rng, ctx.now - 20 * DAY, ctx.now - 3600, extra)])
    status = np.concatenate([np.full(linked.size, 2), np.where(np.arange(extra) % 3 == 2, -1, 0)])
    templates, lists = ctx.column("template", "ID"), _usable_lists(ctx)
    unsent_lists = (
        lists[rng.integers(0, lists.size, extra)] if lists.size else np.zeros(extra, dtype=np.int64)
    )
    ctx.frame(
        "campaigndraft",
        {
            "ID": ids,
            "CampaignID": np.concatenate([campaigns["ID"][linked], np.zeros(extra, dtype=np.int64)]),
            "ContactsListID": np.concatenate([campaigns["ListID"][linked], unsent_lists]),
            "CreatedAt": created,
            "ModifiedAt": np.concatenate([start - DAY, created[linked.size :] + 600]),
            "DeliveredAt": np.concatenate([start, np.zeros(extra, dtype=np.int64)]),
            "EditMode": filled("html2", d),
            "IsStarred": rng.random(d) < 0.2,
            "IsTextPartIncluded": np.ones(d, dtype=np.bool_),
            "Locale": filled("en_US", d),
            "Sender": np.concatenate([campaigns["FromName"][linked], filled("Team", extra)]),
            "SenderEmail": np.concatenate(
                [campaigns["FromEmail"][linked], filled(f"news@{ctx.domain}", extra)]
            ),
            "SenderName": np.concatenate([campaigns["FromName"][linked], filled("Team", extra)]),
            "Status": status,
            "Subject": np.concatenate(
                [
                    campaigns["Subject"][linked],
                    pick(MARKETING_SUBJECTS, np.arange(extra) % len(MARKETING_SUBJECTS)),
                ]
            ),
            "Title": concat("Draft ", np.arange(1, d + 1)),
            "TemplateID": templates[np.arange(d) % templates.size]
            if templates.size
            else np.zeros(d, dtype=np.int64),
            "Current": np.zeros(d, dtype=np.int64),
        },
    )


def seed_templates(ctx: SeedContext) -> None:
    """Templates owned by the API key, and their content in `account.extra["template_content"]`.

    The content convention (template ID -> {"Html-part", "Text-part", "MJMLContent", "Headers"}) is the one
    the Send API's template rendering reads.
    """
    t = ctx.count("template")
    specs = [TEMPLATES[i % len(TEMPLATES)] for i in range(t)]
    names = [
        s[0] + (f" {i // len(TEMPLATES) + 1}" if i >= len(TEMPLATES) else "") for i, s in enumerate(specs)
    ]
    ids = ctx.ids("template", t)
    created = np.sort(times_between(ctx.rng("template"), ctx.start, ctx.now - DAY, t))
    ctx.frame(
        "template",
        {
            "ID": ids,
            "Author": filled("emulator", t),
            "Categories": objects([["basic"] for _ in range(t)]),
            "Copyright": filled("", t),
            "Description": objects([f"{n} template" for n in names]),
            "EditMode": np.asarray([s[2] for s in specs], dtype=np.int64),
            "IsStarred": np.arange(t) % 3 == 0,
            "IsTextPartGenerationEnabled": np.ones(t, dtype=np.bool_),
            "Locale": filled("en_US", t),
            "Name": objects(names),
            "OwnerId": np.full(t, ctx.account.key_id, dtype=np.int64),
            "OwnerType": filled("apikey", t),
            "Presets": filled("", t),
            "Previews": objects([[] for _ in range(t)]),
            "Purposes": objects([[s[1]] for s in specs]),
            "CreatedAt": created,
            "LastUpdatedAt": created + 3600,
        },
    )
    content = ctx.account.extra.setdefault("template_content", {})
    for template_id, name in zip(ids.tolist(), names, strict=True):
        content[template_id] = {
            "Html-part": f'<h1>{name}</h1><p>Hello {{{{var:firstname:"there"}}}},</p>',
            "Text-part": f'{name}\nHello {{{{var:firstname:"there"}}}},',
            "MJMLContent": "",
            "Headers": {"Subject": name, "From": f"Team <news@{ctx.domain}>", "Reply-To": ""},
        }


def seed_batchjobs(ctx: SeedContext) -> None:
    """Completed "Send newsletter" jobs of the newest marketing campaigns, then contact imports."""
    campaigns = ctx.frames["campaign"]
    b, rng = ctx.count("batchjob"), ctx.rng("batchjob")
    marketing = np.flatnonzero(campaigns["NewsLetterID"] > 0)[::-1][:b][::-1]
    imports = b - marketing.size
    request = np.concatenate(
        [campaigns["SendStartAt"][marketing] - 60, times_between(rng, ctx.start, ctx.now - DAY, imports)]
    )
    end = np.concatenate([campaigns["SendEndAt"][marketing], np.zeros(imports, dtype=np.int64)])
    end = np.where(end > 0, end, request + 300)
    count = np.concatenate([campaigns["HasHtmlCount"][marketing], rng.integers(10, 5000, imports)])
    order = np.argsort(request, kind="stable")
    ctx.frame(
        "batchjob",
        {
            "ID": ctx.ids("batchjob", b),
            "AliveAt": end[order],
            "APIKeyID": np.full(b, ctx.account.key_id, dtype=np.int64),
            "Blocksize": np.full(b, 1000, dtype=np.int64),
            "Count": count[order],
            "Current": count[order],
            "DataID": np.zeros(b, dtype=np.int64),
            "Errcount": np.zeros(b, dtype=np.int64),
            "ErrTreshold": np.zeros(b, dtype=np.int64),
            "JobEnd": end[order],
            "JobStart": request[order] + 30,
            "JobType": np.concatenate(
                [filled("Send newsletter", marketing.size), filled("Contact import", imports)]
            )[order],
            "Method": np.concatenate([filled("", marketing.size), filled("addnoforce", imports)])[order],
            "RefId": np.concatenate(
                [campaigns["NewsLetterID"][marketing], np.zeros(imports, dtype=np.int64)]
            )[order],
            "RequestAt": request[order],
            "Status": filled("Completed", b),
            "Throttle": np.zeros(b, dtype=np.int64),
        },
    )
