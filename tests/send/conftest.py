"""Send fixtures: a live emulator (tiny preset: news@example.com is an active sender) and clients that never wait."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mailjet_connector.client import Client
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from mailjet_connector.journal import Journal
from mailjet_connector.ratelimit import Pacer
from mailjet_connector.retry import RetryPolicy
from mailjet_connector.send import Content, MessageSpec

SENDER = "news@example.com"


def make_client(server: EmulatorServer) -> Client:
    """A client on the emulator: unpaced, retrying GETs without really sleeping."""
    return Client(
        server.api_key,
        server.api_secret,
        base_url=server.url,
        pacer=Pacer(1e6),
        retry=RetryPolicy(max_retries=10, budget=1e9),
        sleep=lambda _: None,
    )


def welcome_spec(**kwargs: Any) -> MessageSpec:
    """Inline HTML and text with var tags, a subject with one too."""
    content = Content(html="<p>Hi {{var:first}}, code {{var:code}}</p>", text="Hi {{var:first}}")
    return MessageSpec(SENDER, content, "News", "Hello {{var:first}}", **kwargs)


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", seed=0) as running:
        yield running


@pytest.fixture
def client(server: EmulatorServer) -> Iterator[Client]:
    with make_client(server) as made:
        yield made


@pytest.fixture
def journal(tmp_path: Any) -> Iterator[Journal]:
    with Journal(tmp_path / "journal.sqlite") as opened:
        yield opened
