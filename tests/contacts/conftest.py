"""Fixtures for the contacts tests: an emulator served on a loopback port, with a clock tests can drive."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from mailjet_connector.client import Client
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from mailjet_connector.emulator.state import Account, Clock, EmulatorState
from mailjet_connector.ratelimit import Pacer

NOW = 1_700_000_000
KEY, SECRET = "contactskey", "contactssecret"
FAST = 200.0  # emulator seconds per real second for servers a subprocess or the CLI polls for real


def build_state(clock: Clock) -> EmulatorState:
    """One empty account with two lists (News, Promo) and one defined property (age:int)."""
    state = EmulatorState(clock=clock, seed=1)
    account = state.add_account(Account(KEY, SECRET, key_id=1, name="main"))
    lists = account.table("contactslist")
    lists.insert({"Name": "News", "Address": "newsaddr1", "CreatedAt": NOW - 100})
    lists.insert({"Name": "Promo", "Address": "promoaddr", "CreatedAt": NOW - 50})
    account.table("contactmetadata").insert({"Name": "age", "Datatype": "int", "NameSpace": "static"})
    return state


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    """A frozen-clock emulator: jobs move only when a test advances the clock (see `advance`)."""
    with start_emulator(state=build_state(Clock(NOW, frozen=True))) as running:
        yield running


@pytest.fixture
def fast_server() -> Iterator[EmulatorServer]:
    """An emulator whose clock runs FAST times real time, for pollers that really sleep (CLI, subprocess)."""
    clock = Clock(NOW, real_time=lambda: time.monotonic() * FAST)
    with start_emulator(state=build_state(clock)) as running:
        yield running


@pytest.fixture
def client(server: EmulatorServer) -> Iterator[Client]:
    with Client(KEY, SECRET, base_url=server.url, pacer=Pacer(1e6)) as connected:
        yield connected


@pytest.fixture
def account(server: EmulatorServer) -> Account:
    assert server.state is not None
    return server.state.accounts[KEY]


@pytest.fixture
def advance(server: EmulatorServer) -> Any:
    """A `sleep` for pollers: moves the emulator clock instead of waiting."""
    assert server.state is not None
    return server.state.clock.advance


def live_records(account: Account, name: str) -> list[dict[str, Any]]:
    """Every live row of one of the account's tables, as the API would show it."""
    table = account.table(name)
    return table.records(table.live())


def contact_properties(account: Account) -> dict[str, dict[str, str]]:
    """Email -> {property: value} from contactdata."""
    emails = {r["ID"]: r["Email"] for r in live_records(account, "contact")}
    return {
        emails[r["ContactID"]]: {kv["Name"]: kv["Value"] for kv in r["Data"]}
        for r in live_records(account, "contactdata")
    }
