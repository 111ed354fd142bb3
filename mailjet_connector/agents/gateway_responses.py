"""The answers the gateway makes itself, shaped like Mailjet's (400, 401, 403, 405, 413, 429 and 502), and how
one is sent."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson

Headers = list[tuple[bytes, bytes]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

JSON = b"application/json"
REALM = b'Basic realm="Provide an apiKey and secretKey"'
V31_UNAUTHORIZED = (
    "API key authentication/authorization failure. You may be unauthorized to access the API or your API key "
    "may be expired. Visit API keys management section to check your keys."
)
TOO_MANY_REQUESTS = (
    b"<html><body><h1>429 Too Many Requests</h1>"
    b"You have sent too many requests in a given amount of time.</body></html>"
)
# Response headers that describe the upstream hop or its credentials, never passed to the agent.
DROPPED_HEADERS = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"transfer-encoding",
        b"te",
        b"trailer",
        b"upgrade",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"www-authenticate",
        b"set-cookie",
    }
)
DROPPED_WHEN_CHANGED = DROPPED_HEADERS | {b"content-length", b"content-encoding"}


@dataclass(frozen=True)
class Answer:
    """A complete answer: status, ASGI headers (lowercase names, Content-Length included) and body."""

    status: int
    headers: Headers
    body: bytes


def answer(status: int, body: bytes, headers: Headers) -> Answer:
    """An answer with `body`, its Content-Length added to `headers`."""
    return Answer(status, [*headers, (b"content-length", b"%d" % len(body))], body)


async def reply(send: Send, made: Answer) -> None:
    """Send `made` as the whole ASGI response."""
    await send({"type": "http.response.start", "status": made.status, "headers": made.headers})
    await send({"type": "http.response.body", "body": made.body})


def error(status: int, message: str) -> Answer:
    """A classic Mailjet error body: `{"ErrorInfo": "", "ErrorMessage": ..., "StatusCode": ...}` (a 405
    also says which methods the API has)."""
    body = {"ErrorInfo": "", "ErrorMessage": message, "StatusCode": status}
    headers = [(b"content-type", JSON)]
    if status == 405:
        headers.append((b"allow", b"GET, POST, PUT, DELETE"))
    return answer(status, orjson.dumps(body), headers)


def unauthorized(send_v31: bool) -> Answer:
    """Bad agent credentials: REST's empty text/html 401 with a realm, or v3.1 send's JSON 401 (§1.2)."""
    if send_v31:
        body = {"ErrorIdentifier": str(uuid.uuid4()), "StatusCode": 401, "ErrorMessage": V31_UNAUTHORIZED}
        return answer(401, orjson.dumps(body), [(b"content-type", b"application/json; charset=UTF-8")])
    return answer(401, b"", [(b"content-type", b"text/html"), (b"www-authenticate", REALM)])


def too_many_requests() -> Answer:
    """Mailjet's 429: an HTML body and no Retry-After (§7)."""
    return answer(429, TOO_MANY_REQUESTS, [(b"content-type", b"text/html")])


def passed_headers(headers: Headers, *, keep_length: bool) -> Headers:
    """The upstream response headers the agent may see.

    Args:
        headers: upstream (lowercase name, value) pairs.
        keep_length: keep Content-Length and Content-Encoding (the body goes through byte for byte).
    """
    dropped = DROPPED_HEADERS if keep_length else DROPPED_WHEN_CHANGED
    return [(name, value) for name, value in headers if name not in dropped]
