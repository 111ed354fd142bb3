"""What one lifecycle step changes in the account's tables, and the Event API payload it produces.

The tables stay consistent with what the statistics read (`stats.facts`): opens and clicks are
`openinformation` / `clickstatistics` rows, bounces and blocks `bouncestatistics` rows, the message's
`Status`/`StateID`/`StatePermanent` follow the outcome, and the contact's counters follow its messages
(DeliveredCount counts delivered messages only, so a bounce or block takes back the send's increment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mailjet_connector.emulator.lifecycle.events import (
    MessageRef,
    bounce_comment,
    build_event,
    message_ref,
    smtp_reply,
    state_error,
)
from mailjet_connector.emulator.seed.messages import USER_AGENTS
from mailjet_connector.emulator.state import Account
from mailjet_connector.emulator.stats.engagement import country_of
from mailjet_connector.emulator.stats.history import SPAM_FEEDBACK_SOURCE
from mailjet_connector.emulator.table import Table

DELIVERED = ("sent", "opened", "clicked", "spam", "unsub")
# An engagement never downgrades a message: a clicked message stays clicked when opened again.
_RANK = {"sent": 0, "opened": 1, "clicked": 2, "unsub": 3, "spam": 4}
_LINK = re.compile(r"""href\s*=\s*["'](https?://[^"']+)["']""", re.IGNORECASE)
LIST_UNSUBSCRIBE_AGENT = "List-Unsubscribe"


@dataclass(order=True, frozen=True)
class Step:
    """One planned lifecycle step; heap order is (due, seq)."""

    due: int
    seq: int
    message_id: int = field(compare=False)
    kind: str = field(compare=False)
    details: dict[str, Any] = field(compare=False)


def message_links(account: Account, message_id: int) -> tuple[str, ...]:
    """The http(s) links of the HTML the recipient got: what click tracking can count. A text-only or
    image-only message has none, so it gets no click (#18 item 4)."""
    html = account.extra.get("sent_content", {}).get(message_id, {}).get("HTMLPart") or ""
    return tuple(dict.fromkeys(_LINK.findall(html)))


def _known(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name in table.types}


def _client_fields(ref: MessageRef, details: dict[str, Any]) -> dict[str, Any]:
    geo = str(country_of(np.array([ref.contact_id]))[0]) if ref.contact_id else ""
    return {"ip": details["ip"], "geo": geo, "agent": USER_AGENTS[details["agent"]]}


def apply_step(account: Account, step: Step) -> dict[str, Any] | None:
    """Apply one step to the tables (the caller holds `account.lock`).

    Returns:
        The event payload, or None when the step no longer applies (message deleted, or its Status was
        changed meanwhile to one this step cannot follow).
    """
    messages = account.table("message")
    pos = messages.position(step.message_id)
    ref = message_ref(account, step.message_id)
    if pos is None or ref is None:
        return None
    row = messages.raw(pos)
    handler = _HANDLERS[step.kind]
    return handler(account, messages, pos, row, ref, step)


def _sent(account: Account, messages: Table, pos: int, row: dict, ref: MessageRef, step: Step) -> dict | None:
    if row["Status"] not in DELIVERED:
        return None
    return build_event(
        "sent",
        step.due,
        ref,
        mj_message_id=str(ref.message_id),
        smtp_reply=smtp_reply(ref.message_id, step.due),
    )


def _failed(
    account: Account, messages: Table, pos: int, row: dict, ref: MessageRef, step: Step
) -> dict | None:
    """bounce and blocked: the message was not delivered."""
    blocked, preset = step.kind == "blocked", step.details.get("preset", False)
    state_id, hard = int(step.details["state_id"]), bool(step.details.get("hard", blocked))
    if not preset:
        if row["Status"] != "sent":
            return None
        messages.update(pos, {"Status": step.kind, "StateID": state_id, "StatePermanent": hard})
        _contact_change(account, ref.contact_id, step.due, delivered=-1)
    bounces = account.table("bouncestatistics")
    bounces.insert(_known(bounces, {
        "BouncedAt": step.due, "CampaignID": ref.campaign_id, "ContactID": ref.contact_id,
        "MessageID": ref.message_id, "IsBlocked": blocked, "IsStatePermanent": hard, "StateID": state_id,
    }))  # fmt: skip
    if blocked:
        return build_event("blocked", step.due, ref, **state_error(state_id))
    # `blocked` in a bounce payload: the bounce makes Mailjet block the address (hard bounces do).
    return build_event("bounce", step.due, ref, blocked=hard, hard_bounce=hard, **state_error(state_id),
                       comment=bounce_comment(ref.email, state_id, hard))  # fmt: skip


def _promote(messages: Table, pos: int, status: str, new: str) -> None:
    if _RANK[new] > _RANK[status]:
        messages.update(pos, {"Status": new})


def _open(account: Account, messages: Table, pos: int, row: dict, ref: MessageRef, step: Step) -> dict | None:
    if row["Status"] not in DELIVERED:
        return None
    opens = account.table("openinformation")
    opens.insert(_known(opens, {
        "ArrivedAt": row["ArrivedAt"], "CampaignID": ref.campaign_id, "ContactID": ref.contact_id,
        "MessageID": ref.message_id, "OpenedAt": step.due, "UserAgentFull": USER_AGENTS[step.details["agent"]],
        "UserAgentID": step.details["agent"] + 1,
    }))  # fmt: skip
    _promote(messages, pos, row["Status"], "opened")
    _contact_change(account, ref.contact_id, step.due)
    return build_event("open", step.due, ref, **_client_fields(ref, step.details))


def _click(
    account: Account, messages: Table, pos: int, row: dict, ref: MessageRef, step: Step
) -> dict | None:
    if row["Status"] not in DELIVERED:
        return None
    clicks = account.table("clickstatistics")
    clicks.insert(_known(clicks, {
        "ClickedAt": step.due, "ClickedDelay": step.due - int(row["ArrivedAt"]), "ContactID": ref.contact_id,
        "MessageID": ref.message_id, "Url": step.details["url"], "UserAgentID": step.details["agent"] + 1,
    }))  # fmt: skip
    _promote(messages, pos, row["Status"], "clicked")
    _contact_change(account, ref.contact_id, step.due)
    return build_event("click", step.due, ref, url=step.details["url"], **_client_fields(ref, step.details))


def _spam(account: Account, messages: Table, pos: int, row: dict, ref: MessageRef, step: Step) -> dict | None:
    if row["Status"] not in DELIVERED:
        return None
    _promote(messages, pos, row["Status"], "spam")
    _contact_change(account, ref.contact_id, step.due, spam=True)
    return build_event("spam", step.due, ref, source=SPAM_FEEDBACK_SOURCE)


def _unsub(
    account: Account, messages: Table, pos: int, row: dict, ref: MessageRef, step: Step
) -> dict | None:
    if row["Status"] not in DELIVERED:
        return None
    _promote(messages, pos, row["Status"], "unsub")
    _contact_change(account, ref.contact_id, step.due, unsub=True)
    list_id = _campaign_list(account, ref.campaign_id)
    if list_id:
        _unsubscribe(account, ref.contact_id, list_id, step.due)
    client = _client_fields(ref, step.details)
    if step.details.get("header"):
        client = {"ip": "", "geo": "", "agent": LIST_UNSUBSCRIBE_AGENT}
    return build_event("unsub", step.due, ref, mj_list_id=list_id, **client)


def _campaign_list(account: Account, campaign_id: int) -> int:
    """The contacts list a campaign went to (0 for transactional campaigns and no campaign)."""
    campaigns = account.table("campaign")
    pos = campaigns.position(campaign_id) if campaign_id else None
    return 0 if pos is None else int(campaigns.column("ListID")[pos] or 0)


def _unsubscribe(account: Account, contact_id: int, list_id: int, at: int) -> None:
    recipients = account.table("listrecipient")
    pos = recipients.lookup(("ContactID", "ListID"), (contact_id, list_id))
    if pos is not None and not recipients.column("IsUnsubscribed")[pos]:
        recipients.update(pos, _known(recipients, {"IsUnsubscribed": True, "UnsubscribedAt": at}))


def _contact_change(
    account: Account, contact_id: int, at: int, *, delivered: int = 0, spam: bool = False, unsub: bool = False
) -> None:
    contacts = account.table("contact")
    pos = contacts.position(contact_id)
    if pos is None:
        return
    row = contacts.raw(pos)
    changes: dict[str, Any] = {"LastActivityAt": max(int(row["LastActivityAt"] or 0), at)}
    if delivered:
        changes["DeliveredCount"] = max(0, int(row["DeliveredCount"] or 0) + delivered)
    if spam:
        changes["IsSpamComplaining"] = True
    if unsub:
        changes.update(UnsubscribedAt=at, UnsubscribedBy="user", LastUpdateAt=at)
    contacts.update(pos, _known(contacts, changes))


_HANDLERS = {"sent": _sent, "bounce": _failed, "blocked": _failed, "open": _open, "click": _click,
             "spam": _spam, "unsub": _unsub}  # fmt: skip
