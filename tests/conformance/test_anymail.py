"""django-anymail's Mailjet webhook parsers, unchanged, fed with what the emulator really posts (#18 tests).

The emulator delivers Event API posts (Version 1 single objects and Version 2 arrays, Basic auth from the
callback URL) and Parse API inbound mails to a real receiver; each recorded request is then handed to
anymail's `MailjetTrackingWebhookView` / `MailjetInboundWebhookView` exactly as Django would give it: the
view checks the Basic credentials (`validate_request`) and parses the body (`parse_events`).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

django = pytest.importorskip("django")
from django.conf import settings  # noqa: E402

if not settings.configured:
    settings.configure(ANYMAIL={"WEBHOOK_SECRET": "hook:s3cret"}, USE_TZ=True)
    django.setup()

from anymail.signals import EventType  # noqa: E402
from anymail.webhooks.mailjet import MailjetInboundWebhookView, MailjetTrackingWebhookView  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from mailjet_connector.emulator.server import EmulatorServer  # noqa: E402
from tests.conformance.conftest import NOW  # noqa: E402
from tests.emulator.webhook_receiver import Received, Receiver  # noqa: E402

DAY = 86_400
RATES = {"open_rate": 0.7, "click_rate": 0.6, "bounce_rate": 0.15, "blocked_rate": 0.1, "spam_rate": 0.1,
         "unsub_rate": 0.2, "hard_bounce_share": 0.5}  # fmt: skip
ANYMAIL_TYPES = {"sent": EventType.DELIVERED, "open": EventType.OPENED, "click": EventType.CLICKED,
                 "bounce": EventType.BOUNCED, "blocked": EventType.REJECTED, "spam": EventType.COMPLAINED,
                 "unsub": EventType.UNSUBSCRIBED}  # fmt: skip


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver with Basic credentials on every callback URL the tests register."""
    with Receiver() as running:
        yield running


def call(server: EmulatorServer, method: str, path: str, body: Any = None) -> Any:
    with httpx.Client(auth=(server.api_key, server.api_secret), timeout=30) as http:
        response = http.request(method, server.url + path, json=body)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def django_request(received: Received, path: str) -> Any:
    """The Django request a view would get for one recorded POST (body, content type, Authorization)."""
    extra = (
        {"HTTP_AUTHORIZATION": received.headers["Authorization"]}
        if "Authorization" in received.headers
        else {}
    )
    return RequestFactory().post(
        path, data=json.dumps(received.body), content_type="application/json", **extra
    )


def test_tracking_events_parse_as_anymail_expects(http_emulator: EmulatorServer, receiver: Receiver) -> None:
    emulator = http_emulator
    for row in call(emulator, "GET", "/v3/REST/eventcallbackurl?Limit=100")["Data"]:
        call(emulator, "DELETE", f"/v3/REST/eventcallbackurl/{row['ID']}")
    for version, kinds in ((1, ("open", "click", "bounce")), (2, ("sent", "blocked", "spam", "unsub"))):
        for kind in kinds:
            url = receiver.url(f"/{kind}", "hook", "s3cret")
            call(
                emulator,
                "POST",
                "/v3/REST/eventcallbackurl",
                {"EventType": kind, "Url": url, "Version": version},
            )
    call(emulator, "POST", "/_emulator/lifecycle", RATES)
    sent: dict[str, dict[str, Any]] = {}
    messages = [
        {"From": {"Email": "news@example.com"}, "To": [{"Email": f"r{i}@example.org"}], "Subject": f"S{i}",
         "HTMLPart": f'<a href="https://shop.example.org/p/{i}">p</a>', "EventPayload": json.dumps({"n": i}),
         "CustomCampaign": "promo", "CustomID": f"c{i}"}
        for i in range(40)
    ]  # fmt: skip
    answer = call(emulator, "POST", "/v3.1/send", {"Messages": messages})
    for message, result in zip(messages, answer["Messages"], strict=True):
        sent[str(result["To"][0]["MessageID"])] = message
    call(emulator, "POST", "/_emulator/clock", {"advance": 3 * DAY})
    call(emulator, "POST", "/_emulator/deliveries/flush")

    view = MailjetTrackingWebhookView()
    seen: set[str] = set()
    for received in receiver.received:
        request = django_request(received, received.path)
        view.validate_request(request)  # raises AnymailWebhookValidationFailure on bad Basic credentials
        for event in view.parse_events(request):
            kind = event.esp_event["event"]
            seen.add(kind)
            assert event.event_type in (ANYMAIL_TYPES[kind], EventType.DEFERRED), kind
            message = sent[event.message_id]
            assert event.recipient == message["To"][0]["Email"]
            assert event.timestamp is not None and event.timestamp.timestamp() >= NOW
            assert event.metadata == json.loads(message["EventPayload"]) and event.tags == ["promo"]
            if kind == "click":
                assert event.click_url == f"https://shop.example.org/p/{message['Subject'][1:]}"
            if kind in ("open", "click"):
                assert event.user_agent
            if kind == "sent":
                assert event.mta_response.startswith("sent (250")
            if kind in ("bounce", "blocked"):
                assert event.reject_reason is not None
    assert seen == set(ANYMAIL_TYPES)


def test_inbound_mail_parses_as_anymail_expects(http_emulator: EmulatorServer, receiver: Receiver) -> None:
    emulator = http_emulator
    for row in call(emulator, "GET", "/v3/REST/parseroute?Limit=100")["Data"]:
        call(emulator, "DELETE", f"/v3/REST/parseroute/{row['ID']}")
    route = call(emulator, "POST", "/v3/REST/parseroute", {"Url": receiver.url("/inbound", "hook", "s3cret")})
    address = route["Data"][0]["Email"]
    pdf = base64.b64encode(b"%PDF-1.4 fake").decode()
    mail = {"to": address, "from": "Ann <ann@example.org>", "subject": "Invoice", "text": "Hello", "html": "<p>Hello</p>",
            "attachments": [{"filename": "invoice.pdf", "content_type": "application/pdf", "content": pdf,
                             "encoding": "base64"}], "spam_score": 0.5}  # fmt: skip
    call(emulator, "POST", "/_emulator/inbound", mail)
    call(emulator, "POST", "/_emulator/deliveries/flush")
    (received,) = receiver.received
    view = MailjetInboundWebhookView()
    request = django_request(received, "/inbound")
    view.validate_request(request)
    (event,) = view.parse_events(request)
    message = event.message
    assert (message.from_email.addr_spec, message["Subject"]) == ("ann@example.org", "Invoice")
    assert message.text == "Hello" and message.html == "<p>Hello</p>"
    assert message.envelope_recipient == address and message.spam_score == 0.5
    (attachment,) = message.attachments
    assert attachment.get_filename() == "invoice.pdf" and attachment.get_content_bytes() == b"%PDF-1.4 fake"
