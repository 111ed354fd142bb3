"""Shared builders for the Send API tests: a small state with senders and templates, and request helpers."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator
from typing import Any

import httpx
from starlette.applications import Starlette

from mailjet_connector.emulator.send.routes import send_routes, store_template_content
from mailjet_connector.emulator.state import Account, Clock, EmulatorState

NOW = 1_700_000_000  # 2023-11-14T22:13:20Z
API_KEY = "send-key"
API_SECRET = "send-secret"
AUTH = (API_KEY, API_SECRET)
FROM = {"Email": "shop@example.com", "Name": "Shop"}
WELCOME_ID = 1  # template with Html-part, Text-part and From/Subject headers
PLAIN_ID = 2  # template with a Text-part only


def make_state() -> EmulatorState:
    """A frozen-clock state with one account: two Active senders (one domain-wide), one Inactive one,
    a template with HTML/text/headers, and a template without HTML."""
    state = EmulatorState(clock=Clock(NOW, frozen=True), seed=7)
    account = state.add_account(Account(api_key=API_KEY, api_secret=API_SECRET, key_id=11, name="main"))
    senders = account.table("sender")
    senders.insert({"Email": "shop@example.com", "Name": "Shop", "Status": "Active"})
    senders.insert({"Email": "*@brand.example", "Status": "Active"})
    senders.insert({"Email": "pending@example.com", "Status": "Inactive"})
    templates = account.table("template")
    welcome = templates.raw(templates.insert({"Name": "welcome", "OwnerType": "apikey"}))["ID"]
    plain = templates.raw(templates.insert({"Name": "plain", "OwnerType": "apikey"}))["ID"]
    store_template_content(
        account,
        welcome,
        {
            "Html-part": '<p>Hi {{var:name:"friend"}}, code {{var:code}}</p>',
            "Text-part": 'Hi {{var:name:"friend"}}, code {{var:code}}',
            "Headers": {"From": '"Brand" <news@brand.example>', "Subject": "Welcome {{var:name}}"},
        },
    )
    store_template_content(account, plain, {"Text-part": "Plain {{var:x}}", "Headers": {}})
    assert (welcome, plain) == (WELCOME_ID, PLAIN_ID)
    return state


def account_of(state: EmulatorState) -> Account:
    return state.accounts[API_KEY]


def make_app(state: EmulatorState, **options: Any) -> Starlette:
    return Starlette(routes=send_routes(state, **options))


class SendClient:
    """A synchronous in-process client for the Send routes (httpx over ASGITransport), authenticated."""

    def __init__(self, state: EmulatorState, **options: Any) -> None:
        self.app = make_app(state, **options)

    def post(self, path: str, *, auth: tuple[str, str] | None = AUTH, **kwargs: Any) -> httpx.Response:
        async def run() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://e", auth=auth) as client:
                return await client.post(path, **kwargs)

        return asyncio.run(run())

    def __enter__(self) -> SendClient:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def make_client(state: EmulatorState, **options: Any) -> SendClient:
    return SendClient(state, **options)


def message(**overrides: Any) -> dict[str, Any]:
    """A valid v3.1 message; keyword arguments replace (or, with None, remove) properties."""
    base: dict[str, Any] = {
        "From": dict(FROM),
        "To": [{"Email": "alice@example.org", "Name": "Alice"}],
        "Subject": "Hello",
        "TextPart": "Hi there",
        "HTMLPart": "<p>Hi there</p>",
    }
    base = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def rows(state: EmulatorState, resource: str) -> list[dict[str, Any]]:
    """Every live raw row of one of the account's tables."""
    return list(account_of(state).table(resource).iter_raw())


def control_client(state: EmulatorState) -> Iterator[Any]:
    """An in-process client of the whole app with the control routes, authenticated (yield it from a fixture)."""
    from starlette.testclient import TestClient  # the warning filter of tests/emulator/conftest.py applies

    from mailjet_connector.emulator.app import create_app

    with TestClient(create_app(state, control=True)) as test_client:
        test_client.auth = AUTH
        yield test_client
