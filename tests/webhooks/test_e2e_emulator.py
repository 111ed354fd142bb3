"""Issue #7 acceptance, end to end: the emulator sends 1,000 messages and POSTs every lifecycle event to a
real receiver (registered through `register`), which is down for a while (the emulator re-delivers) and
gets duplicate deliveries. Every event the emulator generated is stored exactly once.

The emulator's delivery log is the truth: each job's payloads are what Mailjet would have posted.
Deliveries are driven with `/_emulator/deliveries/flush` and the emulator clock: no sleeping.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from mailjet_connector.client import Client
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from mailjet_connector.webhooks import register
from mailjet_connector.webhooks.app import create_app
from mailjet_connector.webhooks.settings import ReceiverSettings
from mailjet_connector.webhooks.store import Store, iter_events, iter_inbound, open_store

NOW = 1_700_000_000
HOUR, DAY = 3600, 86_400
AUTH = ("hook", "s3cr3t")
RATES = {"open_rate": 0.6, "click_rate": 0.5, "bounce_rate": 0.1, "blocked_rate": 0.05, "spam_rate": 0.05,
         "unsub_rate": 0.1}  # fmt: skip


class ReceiverProcess:
    """The receiver app served by uvicorn on a fixed loopback port; can be stopped and started again."""

    def __init__(self, store: Store, port: int = 0) -> None:
        self.store, self.port, self.server = store, port, None

    def start(self) -> ReceiverProcess:
        app = create_app(ReceiverSettings(username=AUTH[0], password=AUTH[1]), self.store)
        # A generic loopback uvicorn runner; its lifespan stops the receiver's writer thread on stop().
        self.server = EmulatorServer(app, port=self.port).start()
        self.port = self.server.port
        return self

    def stop(self) -> None:
        assert self.server is not None
        self.server.stop()
        self.server = None

    def metrics(self) -> dict[str, Any]:
        with httpx.Client(trust_env=False) as http:
            return http.get(f"http://127.0.0.1:{self.port}/metrics").json()

    def url(self, path: str = "/events") -> str:
        return f"http://{AUTH[0]}:{AUTH[1]}@127.0.0.1:{self.port}{path}"


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", now=NOW, frozen=True) as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'events.db'}") as opened:
        yield opened


@pytest.fixture
def receiver(store: Store) -> Iterator[ReceiverProcess]:
    running = ReceiverProcess(store).start()
    yield running
    if running.server is not None:
        running.stop()


def control(server: EmulatorServer, method: str, path: str, body: Any = None) -> Any:
    with httpx.Client(timeout=120, trust_env=False) as http:
        response = http.request(method, f"{server.url}/_emulator{path}", json=body)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def settle(server: EmulatorServer, seconds: int) -> dict[str, int]:
    control(server, "POST", "/clock", {"advance": seconds})
    return control(server, "POST", "/deliveries/flush")


def send(client: Client, count: int) -> None:
    for first in range(0, count, 50):
        messages = [
            {"From": {"Email": "news@example.com"}, "To": [{"Email": f"rcpt{i}@example.org"}],
             "Subject": f"Hello {i}", "HTMLPart": f'<a href="https://shop.example.org/i/{i}">item</a>',
             "CustomID": f"m{i}"}
            for i in range(first, min(first + 50, count))
        ]  # fmt: skip
        client.request("POST", "/v3.1/send", json={"Messages": messages})


def generated_events(server: EmulatorServer) -> Counter:
    """Every event payload the emulator queued (any delivery status), canonical JSON -> occurrences."""
    jobs = control(server, "GET", f"/deliveries?api_key={server.api_key}&kind=event")["Data"]
    found: Counter = Counter()
    for job in jobs:
        for payload in job["Body"] if isinstance(job["Body"], list) else [job["Body"]]:
            found[orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)] += 1
    return found


def stored_events(store: Store) -> Counter:
    return Counter(
        orjson.dumps(orjson.loads(r["raw"]), option=orjson.OPT_SORT_KEYS) for r in iter_events(store)
    )


@pytest.mark.slow
def test_every_lifecycle_event_is_stored_exactly_once(emulator, receiver, store):
    with Client(emulator.api_key, emulator.api_secret, base_url=emulator.url) as client:
        # Version 1 (one POST per event) for clicks, Version 2 (grouped arrays) for the rest: both shapes, and
        # few enough single POSTs (each waits for its own disk sync) to keep the test quick.
        register.register_events(client, receiver.url(), ("click",))
        register.register_events(client, receiver.url(), ("sent", "open", "bounce", "blocked", "spam", "unsub"),
                                 grouped=True)  # fmt: skip
        control(emulator, "POST", "/lifecycle", {"api_key": emulator.api_key, **RATES})
        send(client, 500)
        settle(emulator, HOUR)
        assert store.count("event") > 500

        receiver.stop()  # down for two hours of emulator time: the emulator retries every 30 s
        send(client, 500)
        settle(emulator, 2 * HOUR)
        receiver.start()
        for _ in range(3):
            settle(emulator, 3 * DAY // 3)

    jobs = control(emulator, "GET", f"/deliveries?api_key={emulator.api_key}&kind=event")["Data"]
    assert {job["Status"] for job in jobs} == {"delivered"}
    assert any(len(job["Attempts"]) > 1 for job in jobs), "no delivery failed while the receiver was down"
    expected = generated_events(emulator)
    assert max(expected.values()) == 1, "the emulator generated two identical events"
    assert stored_events(store) == expected
    kinds = Counter(orjson.loads(k)["event"] for k in expected)
    assert kinds["sent"] >= 800 and all(kinds[k] > 0 for k in ("open", "click", "bounce", "blocked", "unsub"))

    # Mailjet re-delivers when our 200 got lost: posting every delivered body again changes nothing.
    before, metrics_before = store.count("event"), receiver.metrics()
    jobs = control(emulator, "GET", f"/deliveries?api_key={emulator.api_key}&status=delivered&kind=event")[
        "Data"
    ]
    with httpx.Client(auth=AUTH, trust_env=False, timeout=30) as http:
        for job in jobs[:300]:
            assert http.post(f"http://127.0.0.1:{receiver.port}/events", json=job["Body"]).status_code == 200
    metrics = receiver.metrics()
    assert store.count("event") == before and metrics["events_stored"] == metrics_before["events_stored"]
    assert metrics["events_duplicate"] - metrics_before["events_duplicate"] >= 300


def test_inbound_mails_are_received_through_the_parse_route(emulator, receiver, store):
    with Client(emulator.api_key, emulator.api_secret, base_url=emulator.url) as client:
        change = register.register_inbound(client, receiver.url("/inbound"))
    address = change.event_type
    for n in range(3):
        mail = {"to": address, "from": f"Pilot <p{n}@example.org>", "subject": f"s{n}", "text": "hi"}
        control(emulator, "POST", "/inbound", mail)
    settle(emulator, 1)
    stored = list(iter_inbound(store))
    assert [r["subject"] for r in stored] == ["s0", "s1", "s2"]
    assert all(r["recipient"] == address for r in stored)
