"""HTTP plumbing shared by the Send API routes: Basic credentials, body reading and Mailjet's answer shapes."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from mailjet_connector.emulator.rest.responses import MODERN_JSON
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.wire.basic_auth import parse_basic

MAX_PAYLOAD_BYTES = 30 * 1024 * 1024  # whole request body (mj-0011); 15 MB of attachments is ~20 MB base64
MESSAGE_HREF = "https://api.mailjet.com/v3/REST/message/{id}"  # real answers use /v3/REST/ (§5.2)

V31_UNAUTHORIZED = (
    "API key authentication/authorization failure. You may be unauthorized to access the API or your API key "
    "may be expired. Visit API keys management section to check your keys."
)


def credentials(request: Request) -> tuple[str, str] | None:
    """The (api key, secret) of a Basic Authorization header, or None when absent or malformed."""
    return parse_basic(request.headers.get("authorization"))


def authenticate(state: EmulatorState, request: Request) -> Account | None:
    """The account opened by the request's credentials, or None."""
    pair = credentials(request)
    return None if pair is None else state.authenticate(*pair)


def modern_response(body: Any, status: int = 200) -> Response:
    """Compact JSON as the newer services answer it, with an `X-Mj-Request-Guid` header (§1.3)."""
    headers = {"X-Mj-Request-Guid": str(uuid.uuid4())}
    return Response(orjson.dumps(body), status_code=status, media_type=MODERN_JSON, headers=headers)


def v31_unauthorized() -> Response:
    """v3.1 bad credentials: 401 with a JSON body (§1.2), unlike REST's empty one."""
    body = {"ErrorIdentifier": str(uuid.uuid4()), "StatusCode": 401, "ErrorMessage": V31_UNAUTHORIZED}
    return modern_response(body, 401)


async def read_json(request: Request, limit: int) -> tuple[Any, str | None]:
    """The parsed body, or why it could not be read.

    Returns:
        (value, None) on success; (None, "too_large") or (None, "malformed") otherwise.
    """
    raw = await request.body()
    if len(raw) > limit:
        return None, "too_large"
    try:
        return orjson.loads(raw), None
    except orjson.JSONDecodeError:
        return None, "malformed"
