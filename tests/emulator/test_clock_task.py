"""An idle emulator moves on its own when its clock runs in real time (#18 item 1).

Before the clock task, lifecycles, jobs and deliveries advanced only around requests: after a send,
with no further API call, no event reached a webhook. Here nothing talks to the emulator after the
setup: the receiver (or the job object) is watched instead. The frozen clock stays still.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from mailjet_connector.emulator import jobs
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from tests.emulator.webhook_receiver import Receiver

WAIT = 20.0  # generous: the task ticks every 0.5 s; a loaded CI machine may be slow
QUIET = {"open_rate": 0.0, "click_rate": 0.0, "bounce_rate": 1.0, "hard_bounce_share": 1.0,
         "blocked_rate": 0.0, "spam_rate": 0.0, "unsub_rate": 0.0, "bounce_delay": [2, 2]}  # fmt: skip


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def setup_hooks(server: EmulatorServer, receiver: Receiver, http: httpx.Client) -> None:
    http.post(f"{server.url}/_emulator/lifecycle", json=QUIET).raise_for_status()
    for row in http.get(f"{server.url}/v3/REST/eventcallbackurl", params={"Limit": 100}).json()["Data"]:
        http.delete(f"{server.url}/v3/REST/eventcallbackurl/{row['ID']}").raise_for_status()
    body = {"EventType": "bounce", "Url": receiver.url("/bounce"), "Version": 2}
    http.post(f"{server.url}/v3/REST/eventcallbackurl", json=body).raise_for_status()


def send_one(server: EmulatorServer, http: httpx.Client) -> int:
    message = {"From": {"Email": "news@example.com"}, "To": [{"Email": "idle@example.org"}], "TextPart": "x"}
    answer = http.post(f"{server.url}/v3.1/send", json={"Messages": [message]})
    answer.raise_for_status()
    return answer.json()["Messages"][0]["To"][0]["MessageID"]


def wait_for(condition, timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_events_reach_the_webhook_while_the_emulator_is_idle(receiver: Receiver) -> None:
    with (
        start_emulator(scale="tiny") as server,
        httpx.Client(auth=(server.api_key, server.api_secret)) as http,
    ):
        setup_hooks(server, receiver, http)
        message_id = send_one(server, http)
        requests_before = len(server.state.request_log)
        # The bounce is due 2 s after the send: no request may bring it.
        assert wait_for(lambda: any(e.get("MessageID") == message_id for e in receiver.events("/bounce")))
        assert len(server.state.request_log) == requests_before  # nobody called the emulator meanwhile
        (event,) = receiver.events("/bounce")
        assert event["event"] == "bounce" and event["hard_bounce"] is True


def test_jobs_progress_while_idle() -> None:
    with (
        start_emulator(scale="tiny") as server,
        httpx.Client(auth=(server.api_key, server.api_secret)) as http,
    ):
        body = {"Contacts": [{"Email": f"idle{i}@example.org"} for i in range(3)]}
        answer = http.post(f"{server.url}/v3/REST/contact/managemanycontacts", json=body)
        job_id = answer.json()["Data"][0]["JobID"]
        account = server.state.accounts[server.api_key]
        job = jobs.registry(account)[job_id]
        assert wait_for(lambda: job.status == "Completed"), job.status  # read in memory, no request


def test_a_frozen_clock_stays_still(receiver: Receiver) -> None:
    with (
        start_emulator(scale="tiny", frozen=True) as server,
        httpx.Client(auth=(server.api_key, server.api_secret)) as http,
    ):
        setup_hooks(server, receiver, http)
        send_one(server, http)
        time.sleep(3 * 0.5 + 0.5)  # several ticks of the task
        assert receiver.events("/bounce") == []
        http.post(
            f"{server.url}/_emulator/clock", json={"advance": 3}
        ).raise_for_status()  # due +2, grouped +1
        http.post(f"{server.url}/_emulator/deliveries/flush").raise_for_status()
        assert len(receiver.events("/bounce")) == 1
