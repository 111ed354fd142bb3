"""Sending a campaign draft (campaigndraft or legacy newsletter): the checks, the effects, scheduled sends.

State kept outside the tables (documented in docs/emulator.md):
- `account.extra["draft_content"][resource][draft_id]`: the draft's detailcontent (see `content.PARTS`).
- `account.extra["campaign_schedules"][resource][draft_id]`: Unix time of a pending scheduled send.
- `account.extra["campaign_tests"]`: one entry per `test` call (no message or campaign rows are created).

A scheduled draft is sent by `run_due(state)` once the emulator clock reaches its date. Nothing runs in
the background: `run_due` is called at the start of every draft action, and may be called from anywhere
else that is cheap (it only looks at the pending schedules).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.resources.content import has_content
from mailjet_connector.emulator.send import lookup
from mailjet_connector.emulator.send.effects import Outgoing, Recipient, deliver
from mailjet_connector.emulator.state import Account, Clock, EmulatorState

DRAFT_RESOURCES = ("campaigndraft", "newsletter")
STATUS_DRAFT, STATUS_PROGRAMMED, STATUS_SENT = 0, 1, 2
CAMPAIGN_TYPE_MARKETING = 2
CONTENT_KEY = "draft_content"
SCHEDULES_KEY = "campaign_schedules"
TESTS_KEY = "campaign_tests"
_HEADERS_NOT_COPIED = ("From", "Subject", "To")


def draft_content(account: Account, resource: str, draft_id: int) -> dict[str, Any] | None:
    """The stored detailcontent of a draft, or None when none was ever stored."""
    return account.extra.get(CONTENT_KEY, {}).get(resource, {}).get(int(draft_id))


def store_draft_content(account: Account, resource: str, draft_id: int, content: dict[str, Any]) -> None:
    """Replace a draft's detailcontent (the caller merged it already)."""
    account.extra.setdefault(CONTENT_KEY, {}).setdefault(resource, {})[int(draft_id)] = dict(content)


def schedules(account: Account, resource: str) -> dict[int, int]:
    """Pending scheduled sends of one draft resource: draft ID -> Unix time (a live, mutable dict)."""
    return account.extra.setdefault(SCHEDULES_KEY, {}).setdefault(resource, {})


def audience(account: Account, list_id: int) -> list[tuple[str, str]]:
    """(email, name) of the list's active subscribers: subscription active and not unsubscribed, contact
    live and not excluded from campaigns. In subscription order."""
    recipients = account.table("listrecipient")
    live = recipients.live()
    keep = (
        (recipients.column("ListID")[live] == list_id)
        & recipients.column("IsActive")[live]
        & ~recipients.column("IsUnsubscribed")[live]
    )
    contact_ids = recipients.column("ContactID")[live[keep]]
    contacts = account.table("contact")
    contacts_live = contacts.live()
    live_ids = contacts.column("ID")[contacts_live]
    idx = np.searchsorted(live_ids, contact_ids)
    found = idx < live_ids.size
    found[found] = live_ids[idx[found]] == contact_ids[found]
    positions = contacts_live[idx[found]]
    positions = positions[~contacts.column("IsExcludedFromCampaigns")[positions]]
    emails = contacts.column("Email")[positions].tolist()
    names = contacts.column("Name")[positions].tolist()
    return [(str(e), str(n or "")) for e, n in zip(emails, names, strict=True)]


def check_sendable(account: Account, resource: str, pos: int, *, need_list: bool = True) -> None:
    """The checks Mailjet runs before a draft is sent, scheduled (and, without the list, tested) (§2.2).

    Args:
        account: the owner.
        resource: "campaigndraft" or "newsletter".
        pos: the draft's position.
        need_list: check the contacts list and its active subscribers.

    Raises:
        EmulatorError: 400 naming the first failed check.
    """
    draft = account.table(resource).raw(pos)
    status = int(draft["Status"])
    if status not in (STATUS_DRAFT, STATUS_PROGRAMMED):
        raise _refused(f"its Status is {status}, not draft or programmed")
    if draft["AXTestingID"]:
        raise _refused("it belongs to an A/B test (AXTestingID)")
    for name in ("Sender", "Subject"):
        if not str(draft[name] or "").strip():
            raise _refused(f'property "{name}" is empty')
    email = str(draft["SenderEmail"] or "")
    if not email or lookup.active_sender(account, email) is None:
        raise _refused(f'"{email}" is not an active sender email')
    if not has_content(draft_content(account, resource, draft["ID"])):
        raise _refused("it has no content (detailcontent is empty)")
    if need_list:
        _check_list(account, int(draft["ContactsListID"] or 0))


def _check_list(account: Account, list_id: int) -> None:
    lists = account.table("contactslist")
    pos = lists.position(list_id) if list_id else None
    if pos is None or bool(lists.column("IsDeleted")[pos]):
        raise _refused(f"contacts list {list_id} does not exist")
    if not audience(account, list_id):
        raise _refused(f"contacts list {list_id} has no active subscribers")


def _refused(reason: str) -> EmulatorError:
    return EmulatorError(400, f"The campaign draft cannot be sent: {reason}")


def send_draft(state: EmulatorState, account: Account, resource: str, pos: int, at: int) -> int:
    """Send a draft as of time `at`: a marketing campaign row, one message per active subscriber.

    The draft becomes Status 2 with CampaignID and DeliveredAt; messages go through the Send API's
    effects (`send.effects.deliver`), so they are registered in `account.extra["sent_messages"]` for the
    message lifecycle. The caller holds `account.lock`.

    Args:
        state: the emulator state.
        account: the owner.
        resource: "campaigndraft" or "newsletter".
        pos: the draft's position.
        at: the send time (the scheduled date for scheduled sends).

    Returns:
        The new campaign's ID.
    """
    drafts = account.table(resource)
    draft = drafts.raw(pos)
    content = draft_content(account, resource, draft["ID"]) or {}
    list_id = int(draft["ContactsListID"] or 0)
    sender = lookup.active_sender(account, str(draft["SenderEmail"]))
    out = Outgoing(
        from_email=str(draft["SenderEmail"]),
        from_name=str(draft["SenderName"] or draft["Sender"] or ""),
        recipients=[Recipient("To", email, name) for email, name in audience(account, list_id)],
        subject=str(draft["Subject"]),
        text=content.get("Text-part"),
        html=content.get("Html-part") or content.get("MJMLContent"),
        custom_campaign=f"mj.nl={draft['ID']}",
        headers={k: v for k, v in (content.get("Headers") or {}).items() if k not in _HEADERS_NOT_COPIED},
    )
    campaigns = account.table("campaign")
    campaign_pos = campaigns.insert(_campaign_row(draft, out, at, sender, list_id))
    campaign_id = int(campaigns.column("ID")[campaign_pos])
    messages = account.table("message")
    first_message = messages.next_id
    # Messages carry the send time, also when the clock has moved past a scheduled date meanwhile.
    as_of = dataclasses.replace(state, clock=Clock(at, frozen=True))
    sent = deliver(as_of, account, out) if out.recipients else []
    campaigns.update(
        campaign_pos,
        {
            "FirstMessageID": first_message if sent else 0,
            "HasHtmlCount": len(sent) if out.html else 0,
            "HasTxtCount": len(sent) if out.text else 0,
            "SendEndAt": at,
        },
    )
    drafts.update(pos, {"Status": STATUS_SENT, "CampaignID": campaign_id, "DeliveredAt": at})
    _batchjob(account, int(draft["ID"]), len(sent), at)
    return campaign_id


def _campaign_row(
    draft: dict[str, Any], out: Outgoing, at: int, sender: dict[str, Any] | None, list_id: int
) -> dict[str, Any]:
    return {
        "CampaignType": CAMPAIGN_TYPE_MARKETING,
        "ClickTracked": 1,
        "CreatedAt": at,
        "CustomValue": out.custom_campaign,
        "FromEmail": out.from_email,
        "FromID": int(sender["ID"]) if sender else 0,
        "FromName": out.from_name,
        "ListID": list_id,
        "NewsLetterID": int(draft["ID"]),
        "OpenTracked": 1,
        "SegmentationID": int(draft["SegmentationID"] or 0),
        "SendStartAt": at,
        "SendEndAt": at,
        "Status": STATUS_SENT,
        "Subject": out.subject or "",
    }


def _batchjob(account: Account, draft_id: int, count: int, at: int) -> None:
    """The completed "Send newsletter" job Mailjet leaves behind (as the seeded data shows)."""
    jobs = account.table("batchjob")
    row = {
        "AliveAt": at, "APIKeyID": account.key_id, "Blocksize": 1000, "Count": count, "Current": count,
        "JobEnd": at, "JobStart": at, "JobType": "Send newsletter", "RefId": draft_id, "RequestAt": at,
        "Status": "Completed",
    }  # fmt: skip
    jobs.insert({name: value for name, value in row.items() if name in jobs.types})


def run_due(state: EmulatorState) -> int:
    """Send every programmed draft whose scheduled date the emulator clock has reached.

    A draft whose Status left "programmed" meanwhile is dropped from the schedule without sending.

    Args:
        state: the emulator state (all accounts are looked at).

    Returns:
        How many drafts were sent.
    """
    now = state.clock.now()
    done = 0
    for account in list(state.accounts.values()):
        if account.extra.get(SCHEDULES_KEY):
            with account.lock:
                done += _send_due(state, account, now)
    return done


def _send_due(state: EmulatorState, account: Account, now: int) -> int:
    done = 0
    for resource, by_id in account.extra[SCHEDULES_KEY].items():
        drafts = account.table(resource)
        for draft_id, at in sorted(by_id.items(), key=lambda item: item[1]):
            if at > now:
                continue
            del by_id[draft_id]
            pos = drafts.position(draft_id)
            if pos is not None and int(drafts.column("Status")[pos]) == STATUS_PROGRAMMED:
                send_draft(state, account, resource, pos, at)
                done += 1
    return done
