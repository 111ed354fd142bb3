"""Retry transport on protocol oddities the emulator does not model, and duplicate-safe creates."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from mailjet_connector.client import Client
from mailjet_connector.errors import ResponseDecodeError, ServerError, TransportError
from mailjet_connector.ratelimit import Pacer
from mailjet_connector.retry import RetryPolicy

ENVELOPE = b'{"Count": 1, "Data": [{"ID": 1152921509561837015}], "Total": 1}'


def scripted(*answers):
    """A MockTransport answering with each item in turn: a Response, or an exception to raise."""
    queue = list(answers)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return httpx.MockTransport(handler), seen


def json_response(body: bytes, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=body, headers={"content-type": "application/json", **headers})


def sync_client(transport, **kwargs) -> Client:
    naps: list[float] = []
    kwargs.setdefault("retry", RetryPolicy(max_retries=3))
    client = Client(
        "key",
        "secret",
        base_url="http://mock",
        transport=transport,
        pacer=Pacer(1e6),
        sleep=naps.append,
        **kwargs,
    )
    client.naps = naps  # type: ignore[attr-defined]
    return client


def test_truncated_and_corrupt_bodies_are_retried():
    transport, seen = scripted(
        json_response(ENVELOPE[:20], **{"content-length": str(len(ENVELOPE))}),
        json_response(b'{"Count": 1, "Da'),
        json_response(ENVELOPE),
    )
    with sync_client(transport) as client:
        assert client.request("GET", "/v3/REST/message")["Data"][0]["ID"] == 1152921509561837015
    assert len(seen) == 3 and len(client.naps) == 2


def test_429_without_retry_after_and_5xx_are_retried_with_backoff():
    html = httpx.Response(429, content=b"<html>429</html>", headers={"content-type": "text/html"})
    transport, seen = scripted(html, json_response(b'{"ErrorMessage": "x"}', 503), json_response(ENVELOPE))
    with sync_client(transport) as client:
        client.request("GET", "/v3/REST/contact")
    assert len(seen) == 3 and all(0 <= n <= 30 for n in client.naps)


def test_retry_after_is_honoured():
    limited = httpx.Response(429, headers={"retry-after": "7"})
    transport, _ = scripted(limited, json_response(ENVELOPE))
    with sync_client(transport) as client:
        client.request("GET", "/v3/REST/contact")
    assert client.naps == [7.0]


def test_exhausted_retries_raise_the_mapped_error():
    body = b'{"ErrorIdentifier": "abc", "ErrorMessage": "Internal error", "StatusCode": 500}'
    transport, seen = scripted(*[json_response(body, 500) for _ in range(4)])
    with sync_client(transport) as client, pytest.raises(ServerError) as caught:
        client.request("GET", "/v3/REST/contact")
    assert len(seen) == 4 and caught.value.identifier == "abc"
    transport, _ = scripted(*[json_response(b"{", 200) for _ in range(4)])
    with sync_client(transport) as client, pytest.raises(ResponseDecodeError):
        client.request("GET", "/v3/REST/contact")


def test_creating_post_is_retried_after_connect_failure_but_not_after_a_reset():
    # The client has been answered once: a refused connection later in a run is a blip worth retrying.
    transport, seen = scripted(
        json_response(ENVELOPE), httpx.ConnectError("refused"), json_response(ENVELOPE, 201)
    )
    with sync_client(transport) as client:
        client.request("GET", "/v3/REST/contactslist")
        assert client.create("contactslist", {"Name": "x"})["ID"] == 1152921509561837015
    assert len(seen) == 3
    transport, seen = scripted(httpx.ReadError("reset"), json_response(ENVELOPE, 201))
    with sync_client(transport) as client, pytest.raises(TransportError):
        client.create("contactslist", {"Name": "x"})
    assert len(seen) == 1


class LoseFirstAnswer(httpx.AsyncBaseTransport):
    """Delivers the first POST to the emulator, then pretends the connection dropped before the answer."""

    def __init__(self, inner: httpx.AsyncBaseTransport):
        self.inner = inner
        self.lost = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "POST" and not self.lost:
            self.lost = True
            await response.aread()
            raise httpx.ReadError("connection reset by peer")
        return response


def test_create_retried_into_mj18_returns_the_contact_it_created(tiny_app, client_for):
    transport = LoseFirstAnswer(httpx.ASGITransport(tiny_app))

    async def scenario():
        async with client_for(None, transport=transport) as client:
            created = await client.create("contact", {"Email": "Lost.Answer@example.org", "Name": "L"})
            return created, await client.count("contact", {"Email": "lost.answer@example.org"})

    created, matches = asyncio.run(scenario())
    assert transport.lost and created["Email"].lower() == "lost.answer@example.org" and matches == 1


def test_a_refused_first_call_fails_at_once():
    # Regression (#22 item 7): a wrong host or port was retried silently for 36-74 s before the error.
    transport, seen = scripted(httpx.ConnectError("refused"), json_response(ENVELOPE))
    with sync_client(transport, retry=RetryPolicy(max_retries=8)) as client, pytest.raises(TransportError):
        client.request("GET", "/v3/REST/contact")
    assert len(seen) == 1 and client.naps == []  # type: ignore[attr-defined]


def test_retries_are_logged_with_what_the_retry_line_shows(caplog: pytest.LogCaptureFixture):
    transport, _ = scripted(json_response(b"{}", 503), json_response(ENVELOPE))
    with caplog.at_level("INFO", "mailjet_connector"), sync_client(transport) as client:
        client.request("GET", "/v3/REST/contact")
    (record,) = [r for r in caplog.records if hasattr(r, "mailjet_retry")]
    retry = record.mailjet_retry  # type: ignore[attr-defined]
    assert retry["attempt"] == 1 and retry["max"] == 3 and retry["path"] == "/v3/REST/contact"
    assert "503" in retry["reason"]
