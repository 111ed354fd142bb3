"""Secrets never leave the client: a canary secret through everything the client can emit."""

from __future__ import annotations

import asyncio
import base64
import logging

import httpx
import pytest

from mailjet_connector.client import AsyncClient, Client
from mailjet_connector.config import Settings
from mailjet_connector.emulator.app import create_app
from mailjet_connector.emulator.seed import build_state
from mailjet_connector.errors import MailjetError
from mailjet_connector.ratelimit import Pacer
from mailjet_connector.redaction import redact_text, redact_url
from mailjet_connector.retry import RetryPolicy

CANARY_KEY = "canary-key-public"
CANARY = "CANARY-s3cr3t-9f1e"
LEAKS = (CANARY, base64.b64encode(f"{CANARY_KEY}:{CANARY}".encode()).decode())


def test_redaction_helpers():
    assert redact_url("https://key:pw@host:8025/p?Limit=1&token=abc") == (
        "https://host:8025/p?Limit=1&token=[redacted]"
    )
    assert redact_text(f"bad {CANARY}!", [CANARY, ""]) == "bad [redacted]!"


def _emitted(caplog: pytest.LogCaptureFixture) -> list[str]:
    state = build_state(seed=2, scale="tiny", accounts=[(CANARY_KEY, CANARY)])
    app = create_app(state, faults="500:0.2,429:0.1,reset:0.05,truncate:0.05")
    texts: list[str] = []
    caplog.set_level(logging.DEBUG)

    async def scenario():
        client = AsyncClient(
            CANARY_KEY,
            CANARY,
            base_url="http://emulator.test",
            transport=httpx.ASGITransport(app),
            pacer=Pacer(1e6),
            retry=RetryPolicy(max_retries=1),
            sleep=lambda s: asyncio.sleep(0),
        )
        texts.append(repr(client))
        for call in (
            lambda: client.count("contact"),
            lambda: client.get("contact", 123456789),
            lambda: client.create("contact", {"Email": "x"}),
            lambda: client.request("GET", "/v3/REST/contact/987654/getcontactslists"),
        ):
            for _ in range(6):  # several draws, so the faults show up too
                try:
                    await call()
                except MailjetError as exc:
                    texts.extend([str(exc), repr(exc), repr(exc.__dict__)])
        await client.aclose()
        wrong = AsyncClient(
            CANARY_KEY,
            "wrong" + CANARY,
            base_url="http://emulator.test",
            transport=httpx.ASGITransport(app),
            pacer=Pacer(1e6),
        )
        try:
            await wrong.count("contact")
        except MailjetError as exc:
            texts.extend([str(exc), repr(exc.__dict__)])

    asyncio.run(scenario())
    unreachable = Client(
        CANARY_KEY,
        CANARY,
        base_url="http://127.0.0.1:9",
        retry=RetryPolicy(max_retries=0),
        timeout=1.0,
        pacer=Pacer(1e6),
    )
    with pytest.raises(MailjetError) as caught:
        unreachable.count("contact")
    texts.extend([str(caught.value), repr(caught.value.__dict__), repr(unreachable)])
    settings = Settings(api_key=CANARY_KEY, api_secret=CANARY)
    texts.extend([repr(settings), str(settings), settings.model_dump_json()])
    texts.append(caplog.text)
    return texts


def test_canary_secret_never_appears_in_anything_the_client_emits(caplog):
    texts = _emitted(caplog)
    assert any("401" in t for t in texts) and any("retry" in t for t in texts)
    for text in texts:
        for leak in LEAKS:
            assert leak not in text
