"""The Event API payload schema (mailjet-api.md §6.2) and the Parse API inbound fields (§6.3).

One table says which fields an event of each type carries, in the order Mailjet sends them (the DOC
example: the common fields, the type's own, then `CustomID` and `Payload`), and the JSON type of each.
The emulator builds its payloads from it; the webhook receiver validates and stores them by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["int", "str", "bool", "num"]


@dataclass(frozen=True, slots=True)
class PayloadField:
    """One JSON field of a payload.

    Args:
        name: the JSON name Mailjet posts.
        kind: int (int64), str, bool, or num (a number written as a string, e.g. `"0.602"`).
        required: present and non-null in every payload seen (the others may be absent or null: the samples
            django-anymail records omit `Message_GUID`, `CustomID`, `Payload`, `comment` ...).
    """

    name: str
    kind: Kind
    required: bool = False


_F = PayloadField
COMMON_FIELDS: tuple[PayloadField, ...] = (
    _F("event", "str", required=True),
    _F("time", "int", required=True),
    _F("MessageID", "int", required=True),
    _F("Message_GUID", "str"),
    _F("email", "str", required=True),
    _F("mj_campaign_id", "int"),
    _F("mj_contact_id", "int"),
    _F("customcampaign", "str"),
)
TRAILING_FIELDS: tuple[PayloadField, ...] = (_F("CustomID", "str"), _F("Payload", "str"))
_OWN: dict[str, PayloadField] = {
    f.name: f
    for f in (
        _F("mj_message_id", "str"),
        _F("smtp_reply", "str"),
        _F("ip", "str"),
        _F("geo", "str"),
        _F("agent", "str"),
        _F("url", "str"),
        _F("blocked", "bool"),
        _F("hard_bounce", "bool"),
        _F("error_related_to", "str"),
        _F("error", "str"),
        _F("comment", "str"),
        _F("source", "str"),
        _F("mj_list_id", "int"),
    )
}
# Each event type's own fields, in the order they are sent.
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "sent": ("mj_message_id", "smtp_reply"),
    "open": ("ip", "geo", "agent"),
    "click": ("url", "ip", "geo", "agent"),
    "bounce": ("blocked", "hard_bounce", "error_related_to", "error", "comment"),
    "blocked": ("error_related_to", "error"),
    "spam": ("source",),
    "unsub": ("mj_list_id", "ip", "geo", "agent"),
}
EVENT_TYPES: tuple[str, ...] = tuple(TYPE_FIELDS)
# Every event field once: the common ones, the trailing ones, then the types' own in first-use order.
EVENT_FIELDS: tuple[PayloadField, ...] = (*COMMON_FIELDS, *TRAILING_FIELDS, *_OWN.values())


def payload_order(event_type: str) -> tuple[str, ...]:
    """The field names of an event of `event_type`, in the order Mailjet sends them.

    Raises:
        KeyError: an unknown event type.
    """
    own = TYPE_FIELDS[event_type]
    return (*(f.name for f in COMMON_FIELDS), *own, *(f.name for f in TRAILING_FIELDS))


# Parse API inbound mail, one object per mail. Attachments (`AttachmentN`, `InlineAttachmentN`) are extra
# fields; `Headers` (object) and `Parts` (array) are structured.
INBOUND_FIELDS: tuple[PayloadField, ...] = (
    _F("Sender", "str", required=True),
    _F("Recipient", "str", required=True),
    _F("Date", "str"),
    _F("From", "str"),
    _F("Subject", "str"),
    _F("Text-part", "str"),
    _F("Html-part", "str"),
    _F("SpamAssassinScore", "num"),
    _F("CustomID", "str"),
    _F("Payload", "str"),
)
INBOUND_STRUCTURED: dict[str, type] = {"Headers": dict, "Parts": list}
# Headers posted as one string; every other header is an array of strings (§6.3).
INBOUND_SINGLE_HEADERS: tuple[str, ...] = (
    "Date", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Message-ID", "In-Reply-To", "References", "Subject",
)  # fmt: skip
INBOUND_DATE_FORMAT = "%Y%m%dT%H%M%S"  # `Date` of an inbound mail: 20150410T160638
