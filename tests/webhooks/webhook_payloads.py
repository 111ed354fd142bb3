"""Event payloads for the webhook tests: the django-anymail test shapes (mailjet-api.md §6.2) and a builder."""

from __future__ import annotations

from typing import Any

BASE = {
    "time": 1498093527,
    "MessageID": 12345678901234567,
    "email": "recipient@example.com",
    "mj_campaign_id": 1234567890,
    "mj_contact_id": 9876543210,
    "customcampaign": "",
}

# Written out from django-anymail's tests/test_mailjet_webhooks.py (shapes, not code): note the optional
# fields each omits (Message_GUID, CustomID, Payload, comment).
ANYMAIL = {
    "sent": {**BASE, "event": "sent", "customcampaign": "tag1", "mj_message_id": "12345678901234567",
             "smtp_reply": "sent (250 2.0.0 OK 1498093527 a67bc12345def.22 - gsmtp)",
             "Payload": '{"meta1": "simple string", "meta2": 2}'},
    "open": {**BASE, "event": "open", "ip": "192.168.100.100", "geo": "US",
             "agent": "Mozilla/5.0 (via ggpht.com GoogleImageProxy)", "Payload": ""},
    "click": {**BASE, "event": "click", "url": "http://example.com", "ip": "192.168.100.100", "geo": "US",
              "agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_5) Chrome/58.0.3029.110"},
    "bounce": {**BASE, "event": "bounce", "email": "invalid@invalid", "blocked": True, "hard_bounce": True,
               "error_related_to": "domain", "error": "invalid domain"},
    "blocked": {**BASE, "event": "blocked", "email": "bad@example.com", "mj_campaign_id": 0,
                "error_related_to": "domain", "error": "typofix"},
    "spam": {**BASE, "event": "spam", "email": "spam@example.com", "source": "greylisted"},
    "unsub": {**BASE, "event": "unsub", "mj_list_id": 0, "ip": "127.0.0.4", "geo": "", "agent": "List-Unsubscribe"},
    "greylisted": {**BASE, "event": "bounce", "email": "protected@example.com", "blocked": True,
                   "hard_bounce": False, "error_related_to": "domain", "error": "greylisted"},
}  # fmt: skip


def event(kind: str = "sent", n: int = 0, **extra: Any) -> dict[str, Any]:
    """A distinct valid event of `kind` (n varies MessageID and time)."""
    body = {**ANYMAIL[kind], "MessageID": 2**60 + n, "time": 1_700_000_000 + n}
    body.update(extra)
    return body


INBOUND = {
    "Sender": "pilot@example.org",
    "Recipient": "abc123@parse-in1.mailjet.com",
    "Date": "20150410T160638",
    "From": "Pilot <pilot@example.org>",
    "Subject": "Hello",
    "Headers": {"Message-ID": "<m1@example.org>", "Received": ["from a", "from b"], "Subject": "Hello"},
    "Parts": [{"Headers": {"Content-Type": "text/plain"}, "ContentRef": "Text-part"}],
    "Text-part": "hi",
    "SpamAssassinScore": "0.602",
    "CustomID": "",
    "Payload": "",
    "Attachment1": "aGVsbG8=",
}
