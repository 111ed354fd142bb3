"""Authentication of REST, DATA and v4 requests: HTTP Basic, API key and secret (mailjet-api.md §1.2)."""

from __future__ import annotations

from starlette.requests import Request

from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.wire.basic_auth import parse_basic


def authenticate(state: EmulatorState, request: Request) -> Account:
    """The account the request's Basic credentials open.

    Raises:
        EmulatorError: 401 (rendered as Mailjet's empty text/html answer) for missing or bad credentials.
    """
    pair = parse_basic(request.headers.get("authorization"))
    account = state.authenticate(*pair) if pair else None
    if account is None:
        raise EmulatorError(401, "")
    return account
