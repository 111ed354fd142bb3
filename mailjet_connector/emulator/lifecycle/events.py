"""Event API payloads (mailjet-api.md §6.2): one builder for the seven event types, driven by a field table.

The fields and their order come from the shared payload schema (`wire.events`): the common fields, then
the fields of the type (`TYPE_FIELDS`), then `CustomID` and `Payload`, in the order of the DOC example. The values that describe a message (IDs, GUID, address,
campaign, CustomID, EventPayload) come from one `MessageRef`, read from the account's tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mailjet_connector.catalog.enums import MESSAGE_STATES
from mailjet_connector.emulator.state import Account
from mailjet_connector.emulator.stats.history import SPAM_FEEDBACK_SOURCE
from mailjet_connector.wire.events import TYPE_FIELDS, payload_order

STATES_BY_ID = {state.id: state for state in MESSAGE_STATES}
TEST_EMAIL = "test@mailjet.com"


@dataclass(frozen=True, slots=True)
class MessageRef:
    """What every event says about its message."""

    message_id: int
    guid: str
    email: str
    campaign_id: int
    contact_id: int
    custom_campaign: str = ""
    custom_id: str = ""
    payload: str = ""


def message_ref(account: Account, message_id: int) -> MessageRef | None:
    """The event facts of one stored message, or None when the account has no such message.

    CustomID and EventPayload come from what the send recorded (`extra["sent_content"]`), falling back to
    the message row's CustomID; `customcampaign` is the campaign's CustomValue (`mj.nl=<id>` for drafts).
    """
    messages = account.table("message")
    pos = messages.position(message_id)
    if pos is None:
        return None
    row = messages.raw(pos)
    sent = account.extra.get("sent_content", {}).get(message_id, {})
    return MessageRef(
        message_id=message_id,
        guid=str(row.get("UUID") or ""),
        email=str(row.get("ContactAlt") or ""),
        campaign_id=int(row.get("CampaignID") or 0),
        contact_id=int(row.get("ContactID") or 0),
        custom_campaign=_custom_campaign(account, int(row.get("CampaignID") or 0)),
        custom_id=str(sent.get("CustomID") or row.get("CustomID") or ""),
        payload=str(sent.get("EventPayload") or ""),
    )


def _custom_campaign(account: Account, campaign_id: int) -> str:
    if not campaign_id:
        return ""
    campaigns = account.table("campaign")
    pos = campaigns.position(campaign_id)
    return "" if pos is None else str(campaigns.column("CustomValue")[pos] or "")


def build_event(kind: str, at: int, ref: MessageRef, **details: Any) -> dict[str, Any]:
    """One event payload exactly as Mailjet posts it.

    Args:
        kind: an Event API type (`sent`, `open`, `click`, `bounce`, `blocked`, `spam`, `unsub`).
        at: the event time, Unix seconds.
        ref: the message the event is about.
        details: the type's own fields (`wire.events.TYPE_FIELDS[kind]`), all of them and nothing else.

    Returns:
        The payload, fields in Mailjet's order.

    Raises:
        ValueError: unknown type, or details that do not match the type's fields.
    """
    wanted = TYPE_FIELDS.get(kind)
    if wanted is None:
        raise ValueError(f"unknown event type {kind!r}")
    if set(details) != set(wanted):
        raise ValueError(f"{kind} events take {', '.join(wanted)}; got {', '.join(sorted(details))}")
    values: dict[str, Any] = {
        **details,
        "event": kind,
        "time": int(at),
        "MessageID": ref.message_id,
        "Message_GUID": ref.guid,
        "email": ref.email,
        "mj_campaign_id": ref.campaign_id,
        "mj_contact_id": ref.contact_id,
        "customcampaign": ref.custom_campaign,
        "CustomID": ref.custom_id,
        "Payload": ref.payload,
    }
    return {name: values[name] for name in payload_order(kind)}


def state_error(state_id: int) -> dict[str, str]:
    """`error_related_to` and `error` for a messagestate ID (the §2.5 vocabulary); unknown IDs give ""."""
    state = STATES_BY_ID.get(state_id)
    return {"error_related_to": state.related_to if state else "", "error": state.state if state else ""}


def smtp_reply(message_id: int, at: int) -> str:
    """The remote server's acceptance line, shaped like the DOC sample."""
    return f"sent (250 2.0.0 OK {at} {message_id:x}.{message_id % 997} - gsmtp)"


def bounce_comment(email: str, state_id: int, hard: bool) -> str:
    """A raw SMTP rejection text for a bounce, consistent with its messagestate."""
    code = "550 5.1.1" if hard else "452 4.2.2"
    reason = STATES_BY_ID[state_id].state if state_id in STATES_BY_ID else "rejected"
    return f"host mx.{email.partition('@')[2] or 'example.com'} said: {code} <{email}>: {reason}"


def probe_event(kind: str, at: int) -> dict[str, Any]:
    """The payload of `POST eventcallbackurl/{id}/test`: an event of the URL's type about no real message
    (MessageID 0, empty GUID, address `test@mailjet.com`), every field of the type present.

    Raises:
        ValueError: unknown event type.
    """
    ref = MessageRef(message_id=0, guid="", email=TEST_EMAIL, campaign_id=0, contact_id=0)
    samples: dict[str, dict[str, Any]] = {
        "sent": {"mj_message_id": "0", "smtp_reply": smtp_reply(0, at)},
        "open": {"ip": "127.0.0.1", "geo": "", "agent": "Mailjet test"},
        "click": {"url": "https://www.mailjet.com/", "ip": "127.0.0.1", "geo": "", "agent": "Mailjet test"},
        "bounce": {"blocked": False, "hard_bounce": False, **state_error(3),
                   "comment": bounce_comment(TEST_EMAIL, 3, False)},
        "blocked": state_error(14),
        "spam": {"source": SPAM_FEEDBACK_SOURCE},
        "unsub": {"mj_list_id": 0, "ip": "127.0.0.1", "geo": "", "agent": "Mailjet test"},
    }  # fmt: skip
    if kind not in samples:
        raise ValueError(f"unknown event type {kind!r}")
    return build_event(kind, at, ref, **samples[kind])
