"""Deduplication keys: Mailjet events and inbound mails carry no ID, so the receiver derives one.

Event key = BLAKE2b-128 of the event's *identity*: `event`, `MessageID`, `time`, `email`, plus the fields
that tell two genuine events of that type apart for one message in one second:

| event   | extra identity fields                              | why                                    |
|---------|----------------------------------------------------|----------------------------------------|
| sent    | -                                                  | once per message                       |
| open    | ip, agent                                          | two devices opening in the same second |
| click   | url, ip, agent                                     | two links clicked in the same second   |
| bounce  | error_related_to, error, hard_bounce, blocked      | soft bounce (greylisted) then hard     |
| blocked | error_related_to, error                            | once per message                       |
| spam    | source                                             | one per feedback loop                  |
| unsub   | mj_list_id, ip, agent                              | one per list                           |

A re-delivery repeats the event, so it has the same key and is stored once. Fields that describe the
message rather than the event (`Message_GUID`, `CustomID`, `Payload`, campaign, contact, `smtp_reply`,
`comment`, unknown extras) stay out of the key: a re-delivery that reformatted them is still a duplicate.
The price: two events identical in every identity field (same link clicked twice in the same second from
the same IP and agent) are stored once; no receiver can tell them apart.

Inbound key = BLAKE2b-128 of (Recipient, the `Message-ID` header); a mail without Message-ID is keyed by
its whole canonical content (sorted keys).
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

IDENTITY_FIELDS: dict[str, tuple[str, ...]] = {
    "sent": (),
    "open": ("ip", "agent"),
    "click": ("url", "ip", "agent"),
    "bounce": ("error_related_to", "error", "hard_bounce", "blocked"),
    "blocked": ("error_related_to", "error"),
    "spam": ("source",),
    "unsub": ("mj_list_id", "ip", "agent"),
}
COMMON_IDENTITY = ("event", "MessageID", "time", "email")


def _digest(value: Any) -> str:
    # orjson writes ints exactly (MessageIDs exceed 2**53) and strings unambiguously: no separator games.
    return hashlib.blake2b(orjson.dumps(value, option=orjson.OPT_SORT_KEYS), digest_size=16).hexdigest()


def event_key(event: dict[str, Any]) -> str:
    """The deduplication key of a validated event (32 hex characters).

    Args:
        event: an event payload that passed `events.parse_event`.
    """
    names = COMMON_IDENTITY + IDENTITY_FIELDS.get(str(event.get("event")), ())
    return _digest([event.get(name) for name in names])


def _message_id_header(mail: dict[str, Any]) -> str | None:
    headers = mail.get("Headers")
    if not isinstance(headers, dict):
        return None
    for name, value in headers.items():
        if str(name).lower() == "message-id":
            if isinstance(value, list):
                value = value[0] if value else None
            return str(value).strip() if value else None
    return None


def inbound_key(mail: dict[str, Any]) -> str:
    """The deduplication key of a validated inbound mail (32 hex characters).

    Args:
        mail: a payload that passed `events.parse_inbound`.
    """
    message_id = _message_id_header(mail)
    if message_id:
        return _digest(["inbound", str(mail.get("Recipient", "")).lower(), message_id])
    return _digest(["inbound-content", mail])
