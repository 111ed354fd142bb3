"""What a real (non-sandbox) send changes in the account: contacts, messages, campaigns, sent content.

Both Send API versions turn their payload into `Outgoing` and call `deliver`, so the effects exist once.
State left for later issues (documented in docs/emulator.md):
- `account.extra["sent_messages"]`: message IDs created by sends, in order, whatever their Status; the
  message lifecycle (open/click/bounce events on the clock, issue #5) starts from here and reads each
  row's Status (a "blocked" row only gets a `blocked` event).
- `account.extra["sent_content"][message_id]`: the rendered parts each recipient got.
- `account.extra["template_error_reports"]`: one entry per message whose template language failed while
  TemplateErrorReporting was set (Mailjet mails that address a report).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mailjet_connector.emulator.send import lookup
from mailjet_connector.emulator.send.render import Rendering, render_parts
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.table import Table

# messagestate IDs (mailjet-api.md §2.5) used when a send is blocked at once.
STATE_DUPLICATE_IN_CAMPAIGN = 15
STATE_TEMPLATE_LANGUAGE_ERROR = 18
CAMPAIGN_TYPE_TRANSACTIONAL = 1


@dataclass
class Recipient:
    """One address of a message: kind is "To", "Cc" or "Bcc"; variables are v3's per-recipient Vars."""

    kind: str
    email: str
    name: str = ""
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outgoing:
    """One message to send, in a form common to Send API v3 and v3.1 (already validated)."""

    from_email: str
    from_name: str
    recipients: list[Recipient]
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    template_id: int | None = None
    template_language: bool = False
    error_reporting: str | None = None
    error_deliver: bool = False
    attachment_count: int = 0
    attachment_bytes: int = 0
    custom_campaign: str = ""
    deduplicate: bool = False
    track_opens: str = "account_default"
    track_clicks: str = "account_default"
    custom_id: str = ""
    event_payload: str = ""
    headers: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    """The answer for one recipient: what the Send API reports back."""

    kind: str
    email: str
    message_id: int
    uuid: str


def sandbox_deliveries(out: Outgoing) -> list[Delivery]:
    """SandboxMode: validated, nothing created, MessageID 0 and MessageUUID "" (DOC sample)."""
    return [Delivery(r.kind, r.email, 0, "") for r in out.recipients]


def message_uuid(state: EmulatorState, account: Account, message_id: int) -> str:
    """A UUID that depends only on the seed, the key and the message: runs are reproducible."""
    digest = hashlib.blake2b(f"{state.seed}:{account.key_id}:{message_id}".encode(), digest_size=16).digest()
    return str(uuid.UUID(bytes=digest, version=4))


def base_parts(account: Account, out: Outgoing) -> dict[str, Any]:
    """Subject/TextPart/HTMLPart/Headers before rendering: the message's own, else the template's."""
    content = lookup.template_content(account, out.template_id) if out.template_id else None
    content = content or {}
    template_headers = content.get("Headers") if isinstance(content.get("Headers"), dict) else {}
    return {
        "Subject": out.subject if out.subject is not None else template_headers.get("Subject"),
        "TextPart": out.text if out.text is not None else content.get("Text-part"),
        "HTMLPart": out.html
        if out.html is not None
        else (content.get("Html-part") or content.get("MJMLContent")),
        "Headers": {
            **{k: v for k, v in template_headers.items() if k not in ("From", "Subject")},
            **out.headers,
        },
    }


def deliver(state: EmulatorState, account: Account, out: Outgoing) -> list[Delivery]:
    """Create everything a real send creates and report one Delivery per recipient entry.

    Unknown recipients become contacts; each distinct address gets one `message` row (Status "sent", or
    "blocked" for a duplicate in a deduplicated campaign or a template-language error without
    TemplateErrorDeliver); CustomCampaign finds or creates a transactional `campaign` row.
    The caller holds `account.lock`.

    Args:
        state: the emulator state (clock, seed).
        account: the sending account.
        out: the validated message.

    Returns:
        One Delivery per entry of `out.recipients`, same order (a repeated address shares its message).
    """
    now = state.clock.now()
    parts = base_parts(account, out)
    sender = lookup.active_sender(account, out.from_email)
    sender_id = int(sender["ID"]) if sender else 0
    messages = account.table("message")
    campaign_id = _campaign(account, out, now, sender_id, messages.next_id) if out.custom_campaign else 0
    done: dict[str, Delivery] = {}
    answer: list[Delivery] = []
    for recipient in out.recipients:
        key = recipient.email.lower()
        if key not in done:
            done[key] = _deliver_one(state, account, out, recipient, parts, now, sender_id, campaign_id)
        answer.append(Delivery(recipient.kind, recipient.email, done[key].message_id, done[key].uuid))
    return answer


def _deliver_one(
    state: EmulatorState,
    account: Account,
    out: Outgoing,
    recipient: Recipient,
    parts: Mapping[str, Any],
    now: int,
    sender_id: int,
    campaign_id: int,
) -> Delivery:
    contacts = account.table("contact")
    contact_pos = _contact(contacts, recipient, now)
    contact_id = int(contacts.column("ID")[contact_pos])
    rendering = _render(account, out, recipient, parts, contact_id)
    status, state_id = "sent", 0
    if out.deduplicate and _already_messaged(account.table("message"), campaign_id, contact_id):
        status, state_id = "blocked", STATE_DUPLICATE_IN_CAMPAIGN
    elif rendering.failed and not out.error_deliver:
        status, state_id = "blocked", STATE_TEMPLATE_LANGUAGE_ERROR
    messages = account.table("message")
    message_id = messages.next_id
    text, html = rendering.parts["TextPart"], rendering.parts["HTMLPart"]
    size = sum(len(p or "") for p in (rendering.parts["Subject"], text, html)) + out.attachment_bytes
    row = {
        "ArrivedAt": now,
        "AttachmentCount": out.attachment_count,
        "AttemptCount": 1 if status == "sent" else 0,
        "CampaignID": campaign_id,
        "ContactAlt": recipient.email,
        "ContactID": contact_id,
        "CustomID": out.custom_id,
        "IsClickTracked": _tracked(account, out.track_clicks, "track_clicks"),
        "IsHTMLPartIncluded": bool(html),
        "IsOpenTracked": _tracked(account, out.track_opens, "track_opens"),
        "IsTextPartIncluded": bool(text),
        "MessageSize": size,
        "SenderID": sender_id,
        "StateID": state_id,
        "StatePermanent": status == "blocked",
        "Status": status,
        "Subject": rendering.parts["Subject"] or "",
        "UUID": message_uuid(state, account, message_id),
    }
    messages.insert(_known(messages, row))
    if status == "sent":
        before = contacts.raw(contact_pos)
        contacts.update(
            contact_pos, {"DeliveredCount": int(before["DeliveredCount"]) + 1, "LastActivityAt": now}
        )
    _record(account, out, recipient, message_id, rendering, now)
    return Delivery(recipient.kind, recipient.email, message_id, row["UUID"])


def _render(
    account: Account, out: Outgoing, recipient: Recipient, parts: Mapping[str, Any], contact_id: int
) -> Rendering:
    texts = {name: parts[name] for name in ("Subject", "TextPart", "HTMLPart")}
    if not out.template_language:
        return Rendering(parts=dict(texts))
    variables = {**out.variables, **recipient.variables}
    return render_parts(texts, variables, _contact_data(account, contact_id))


def _contact_data(account: Account, contact_id: int) -> dict[str, Any]:
    """The contact's static properties (contactdata row with ID = contact ID) for `data:` tags."""
    table = account.table("contactdata")
    pos = table.position(contact_id)
    if pos is None:
        return {}
    return {item["Name"]: item.get("Value") for item in table.raw(pos).get("Data") or ()}


def _record(
    account: Account, out: Outgoing, recipient: Recipient, message_id: int, rendering: Rendering, now: int
) -> None:
    account.extra.setdefault("sent_messages", []).append(message_id)
    account.extra.setdefault("sent_content", {})[message_id] = {
        "From": {"Email": out.from_email, "Name": out.from_name},
        "Recipient": {"Kind": recipient.kind, "Email": recipient.email, "Name": recipient.name},
        **rendering.parts,
        "Headers": dict(out.headers),
        "TemplateID": out.template_id,
        "TemplateErrors": list(rendering.missing),
        "CustomID": out.custom_id,
        "EventPayload": out.event_payload,
    }
    if rendering.failed and out.error_reporting:
        report = {"MessageID": message_id, "ReportTo": out.error_reporting, "Errors": list(rendering.missing)}
        account.extra.setdefault("template_error_reports", []).append({**report, "At": now})


def _tracked(account: Account, setting: str, default_key: str) -> bool:
    """TrackOpens/TrackClicks: enabled/disabled, or the account default (on unless extra says otherwise)."""
    if setting == "account_default":
        return bool(account.extra.get(default_key, True))
    return setting == "enabled"


def _known(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """Keep the fields the catalog defines for this resource (the catalog is the source of names)."""
    return {name: value for name, value in row.items() if name in table.types}


def _contact(contacts: Table, recipient: Recipient, now: int) -> int:
    """Position of the recipient's contact, created when unknown (Send API side effect, §5.1)."""
    pos = contacts.lookup(["Email"], [recipient.email], ci=True)
    if pos is None:
        pos = contacts.insert(
            _known(contacts, {"Email": recipient.email, "Name": recipient.name, "CreatedAt": now})
        )
    return pos


def _already_messaged(messages: Table, campaign_id: int, contact_id: int) -> bool:
    live = messages.live()
    if not campaign_id or live.size == 0:
        return False
    same = (messages.column("CampaignID")[live] == campaign_id) & (
        messages.column("ContactID")[live] == contact_id
    )
    return bool(np.any(same))


def _campaign(account: Account, out: Outgoing, now: int, sender_id: int, first_message_id: int) -> int:
    """The ID of the CustomCampaign's campaign row, created (transactional) on first use."""
    campaigns = account.table("campaign")
    pos = campaigns.lookup(["CustomValue"], [out.custom_campaign])
    if pos is not None:
        campaigns.update(pos, _known(campaigns, {"SendEndAt": now}))
        return int(campaigns.column("ID")[pos])
    row = {
        "CampaignType": CAMPAIGN_TYPE_TRANSACTIONAL,
        "CreatedAt": now,
        "CustomValue": out.custom_campaign,
        "FirstMessageID": first_message_id,
        "FromEmail": out.from_email,
        "FromID": sender_id,
        "FromName": out.from_name,
        "SendEndAt": now,
        "SendStartAt": now,
        "Subject": out.subject or "",
    }
    pos = campaigns.insert(_known(campaigns, row))
    return int(campaigns.column("ID")[pos])
