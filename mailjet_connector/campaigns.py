"""Campaign workflow over campaigndraft: create, content, test, schedule, send, cancel, status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mailjet_connector.client import Client
from mailjet_connector.errors import CampaignError, NotFoundError
from mailjet_connector.lists import resolve_list
from mailjet_connector.wire import timestamps

__all__ = [
    "Audience",
    "CampaignError",
    "DraftStatus",
    "audience",
    "cancel",
    "create_draft",
    "draft_status",
    "parse_when",
    "schedule",
    "send_now",
    "send_test",
    "set_content",
]

DRAFT = "campaigndraft"
NOW = "NOW"


@dataclass(frozen=True)
class Audience:
    """Who a campaign would reach.

    Args:
        list_id: the contacts list.
        name: its name.
        active: subscriptions active and not unsubscribed (a `listrecipient` count: what the send uses,
            before Mailjet also drops contacts excluded from campaigns).
        subscriber_count: the list's `SubscriberCount` (includes unsubscribed and excluded contacts).
    """

    list_id: int
    name: str
    active: int
    subscriber_count: int


@dataclass(frozen=True)
class DraftStatus:
    """Where a draft stands: the `status` action's word, plus the draft's own fields."""

    draft_id: int
    status: str
    subject: str
    title: str
    list_id: int
    scheduled_at: str | None
    campaign_id: int
    delivered_at: str


def create_draft(
    client: Client,
    *,
    list_ref: str | int,
    subject: str,
    from_email: str,
    from_name: str | None = None,
    title: str | None = None,
    locale: str = "en_US",
) -> dict[str, Any]:
    """Create a campaign draft for a list.

    Args:
        client: the Mailjet client.
        list_ref: the contacts list, by ID or name.
        subject: the subject line.
        from_email: SenderEmail (must be an active sender to send).
        from_name: SenderName, also used as `Sender` (required by Mailjet; defaults to the email).
        title: the draft's internal title.
        locale: e.g. en_US.

    Returns:
        The created draft.
    """
    body = {
        "ContactsListID": resolve_list(client, list_ref),
        "Locale": locale,
        "Sender": from_name or from_email,
        "SenderEmail": from_email,
        "SenderName": from_name or "",
        "Subject": subject,
        "Title": title or subject,
    }
    created = client.create(DRAFT, body)
    assert created is not None  # a 201 always carries the object
    return created


def set_content(
    client: Client,
    draft_id: int,
    *,
    html: str | None = None,
    text: str | None = None,
    mjml: str | None = None,
) -> dict[str, Any]:
    """Replace the draft's content with exactly the parts given (POST: a part not given is blanked).

    POST rather than PUT on purpose: PUT keeps parts that are not sent (mailjet-api.md §8.17), so an old
    text part would survive a new HTML one. With MJML, the draft's EditMode becomes `mjml`.

    Raises:
        CampaignError: no part given.
    """
    parts = {"Html-part": html, "Text-part": text, "MJMLContent": mjml}
    if all(value is None for value in parts.values()):
        raise CampaignError("no content: give --html, --text or --mjml")
    body = {name: value for name, value in parts.items() if value is not None}
    if mjml is not None:
        client.update(DRAFT, draft_id, {"EditMode": "mjml"})
    rows = client.action(DRAFT, "detailcontent", draft_id, data=body, method="POST")
    return rows[0] if rows else {}


def send_test(client: Client, draft_id: int, recipients: list[str]) -> str:
    """Send the draft to test addresses (no campaign is created); returns the draft's status word."""
    if not recipients:
        raise CampaignError("give at least one --to address")
    body = {"Recipients": [{"Email": email.strip()} for email in recipients]}
    rows = client.action(DRAFT, "test", draft_id, data=body, method="POST")
    return str(rows[0].get("Status", "")) if rows else ""


def parse_when(value: str, *, now: dt.datetime | None = None) -> str:
    """`now` or an ISO 8601 date-time as the schedule's `Date` (RFC 3339, UTC; naive times are UTC).

    Raises:
        CampaignError: unreadable, or in the past.
    """
    if value.strip().lower() == "now":
        return NOW
    try:
        when = timestamps.parse_moment(value)
    except ValueError:
        raise CampaignError(
            f"bad date {value!r}: use ISO 8601 (2026-05-01T09:00:00+02:00) or 'now'"
        ) from None
    if when < (now or dt.datetime.now(dt.UTC)):
        raise CampaignError(f"{value!r} is in the past")
    return timestamps.format_moment(when)


def schedule(client: Client, draft_id: int, date: str) -> dict[str, Any]:
    """Program the send at `date` (a `parse_when` result); Mailjet checks the draft is sendable."""
    rows = client.action(DRAFT, "schedule", draft_id, data={"Date": date}, method="POST")
    return rows[0] if rows else {}


def send_now(client: Client, draft_id: int) -> str:
    """Send the draft at once; returns Mailjet's status word."""
    rows = client.action(DRAFT, "send", draft_id, data={}, method="POST")
    return str(rows[0].get("Status", "")) if rows else ""


def cancel(client: Client, draft_id: int) -> None:
    """Cancel a scheduled send (the draft goes back to Draft)."""
    client.action(DRAFT, "schedule", draft_id, method="DELETE")


def audience(client: Client, list_id: int) -> Audience:
    """The list's name, its active subscriptions (counted) and its SubscriberCount."""
    target = client.get("contactslist", list_id)
    active = client.count("listrecipient", {"ContactsList": list_id, "Active": True, "Unsub": False})
    return Audience(list_id, str(target.get("Name") or ""), active, int(target.get("SubscriberCount") or 0))


def draft_status(client: Client, draft_id: int) -> DraftStatus:
    """The draft, its status word and, when programmed, the scheduled date."""
    draft = client.get(DRAFT, draft_id)
    rows = client.action(DRAFT, "status", draft_id)
    word = str(rows[0].get("Status", "")) if rows else ""
    scheduled = None
    if word.lower() == "programmed":
        try:
            planned = client.action(DRAFT, "schedule", draft_id)
            scheduled = str(planned[0].get("Date")) if planned else None
        except NotFoundError:
            scheduled = None  # programmed for an immediate send: no schedule object
    return DraftStatus(
        draft_id=int(draft["ID"]),
        status=word,
        subject=str(draft.get("Subject") or ""),
        title=str(draft.get("Title") or ""),
        list_id=int(draft.get("ContactsListID") or 0),
        scheduled_at=scheduled,
        campaign_id=int(draft.get("CampaignID") or 0),
        delivered_at=str(draft.get("DeliveredAt") or ""),
    )
