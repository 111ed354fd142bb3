"""Importer fixtures: a real emulator server per test and a client that never waits for real."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mailjet_connector.client import Client
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from mailjet_connector.ratelimit import Pacer


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", seed=5) as running:
        yield running


@pytest.fixture
def client(server: EmulatorServer) -> Iterator[Client]:
    with Client(server.api_key, server.api_secret, base_url=server.url, pacer=Pacer(1e6)) as connected:
        yield connected
