"""The answers the gateway makes itself, shaped like Mailjet's: 401, 403, 429 and 502."""

from __future__ import annotations

import uuid

import orjson
from starlette.responses import Response

JSON = "application/json"
REALM = 'Basic realm="Provide an apiKey and secretKey"'
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
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-authenticate",
        "proxy-authorization",
        "www-authenticate",
        "set-cookie",
    }
)


def error(status: int, message: str) -> Response:
    """A classic Mailjet error body: `{"ErrorInfo": "", "ErrorMessage": ..., "StatusCode": ...}`."""
    body = {"ErrorInfo": "", "ErrorMessage": message, "StatusCode": status}
    return Response(orjson.dumps(body), status_code=status, media_type=JSON)


def unauthorized(send_v31: bool) -> Response:
    """Bad agent credentials: REST's empty text/html 401 with a realm, or v3.1 send's JSON 401 (§1.2)."""
    if send_v31:
        body = {"ErrorIdentifier": str(uuid.uuid4()), "StatusCode": 401, "ErrorMessage": V31_UNAUTHORIZED}
        return Response(orjson.dumps(body), status_code=401, media_type="application/json; charset=UTF-8")
    return Response(b"", status_code=401, headers={"Content-Type": "text/html", "WWW-Authenticate": REALM})


def too_many_requests() -> Response:
    """Mailjet's 429: an HTML body and no Retry-After (§7)."""
    return Response(TOO_MANY_REQUESTS, status_code=429, headers={"Content-Type": "text/html"})


def passed_headers(headers: list[tuple[str, str]], *, keep_length: bool) -> dict[str, str]:
    """The upstream response headers the agent may see.

    Args:
        headers: upstream (name, value) pairs.
        keep_length: keep Content-Length and Content-Encoding (the body goes through byte for byte).
    """
    dropped = DROPPED_HEADERS if keep_length else DROPPED_HEADERS | {"content-length", "content-encoding"}
    return {name: value for name, value in headers if name.lower() not in dropped}
