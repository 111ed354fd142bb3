"""Response shapes of the REST API: the `{Count, Data, Total}` envelope, empty answers and error bodies."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import orjson
from starlette.responses import Response

from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.reason import REASON_HEADER, reason_value

JSON = "application/json"
# The newer services (link-click, detailcontent, v3.1 send) add a charset and a request GUID (§1.3).
MODERN_JSON = "application/json; charset=UTF-8"
# Given as a header, not a media type, so Starlette does not append a charset Mailjet does not send.
HTML = "text/html"
REALM = 'Basic realm="Provide an apiKey and secretKey"'

NGINX_404 = (
    b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
    b"<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Compact JSON with Mailjet's classic content type; orjson keeps 64-bit integers exact.

    Args:
        payload: any JSON-ready value.
        status: HTTP status.
        headers: extra headers.

    Returns:
        The response.
    """
    return Response(orjson.dumps(payload), status_code=status, media_type=JSON, headers=headers)


def envelope(rows: Sequence[dict[str, Any]], *, total: int | None = None, status: int = 200) -> Response:
    """The `{Count, Data, Total}` envelope; `Total` is `Count` unless a global count is given.

    Args:
        rows: the items of `Data`.
        total: the global number of matches (countrecords=1), or None for Total = Count.
        status: 200 for reads and updates, 201 for creates.

    Returns:
        The response.
    """
    count = len(rows)
    return json_response(
        {"Count": count, "Data": list(rows), "Total": count if total is None else total}, status
    )


def count_only(total: int) -> Response:
    """The countOnly=1 answer: no data, Count = Total = all matches."""
    return json_response({"Count": total, "Data": [], "Total": total})


# Mailjet's reason phrases for bodiless answers (§1.4); the status line shows them under ReasonH11Protocol.
EMPTY_REASONS = {204: "No content", 304: "Content not changed"}


def empty(status: int) -> Response:
    """A bodiless answer: 204 after DELETE, 304 after a PUT that changed nothing."""
    reason = EMPTY_REASONS.get(status)
    return Response(status_code=status, headers={REASON_HEADER: reason} if reason else None)


def unauthorized() -> Response:
    """The v3 REST 401: empty text/html body and a WWW-Authenticate realm (§1.2)."""
    return Response(b"", status_code=401, headers={"Content-Type": HTML, "WWW-Authenticate": REALM})


def nginx_not_found() -> Response:
    """What the front proxy answers for paths no service owns (`/v3.1/REST/...`)."""
    return Response(NGINX_404, status_code=404, headers={"Content-Type": HTML})


def error_response(error: EmulatorError) -> Response:
    """Render an EmulatorError the way Mailjet does for its style.

    Args:
        error: the error.

    Returns:
        Classic `{ErrorInfo, ErrorMessage, StatusCode}` JSON, a modern `{ErrorIdentifier, ...}` body, or
        the bare 401 of classic REST (bad credentials: a 401 without a message).
    """
    if error.style == "modern":
        body: dict[str, Any] = {"ErrorIdentifier": str(uuid.uuid4())}
        if error.code:
            body["ErrorCode"] = error.code
        body.update({"StatusCode": error.status, "ErrorMessage": error.message})
        headers = {"X-Mj-Request-Guid": body["ErrorIdentifier"]}
        return Response(orjson.dumps(body), status_code=error.status, media_type=MODERN_JSON, headers=headers)
    if error.status == 401 and not error.message:
        return unauthorized()
    body = {"ErrorInfo": error.info, "ErrorMessage": error.message, "StatusCode": error.status}
    headers = dict(getattr(error, "headers", None) or {})
    if isinstance(error.message, str) and error.message:
        headers[REASON_HEADER] = reason_value(error.message)  # classic reason phrase = the message (§1.5)
    return json_response(body, error.status, headers=headers)
