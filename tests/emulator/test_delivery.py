"""Webhook delivery: bodies per Version, grouping per second, credentials, retries, dead URLs, the worker."""

from __future__ import annotations

import base64
import socket
from collections.abc import Iterator

import pytest

from mailjet_connector.emulator.app import create_app
from mailjet_connector.emulator.lifecycle import delivery
from mailjet_connector.emulator.lifecycle.events import MessageRef, build_event, probe_event
from mailjet_connector.emulator.lifecycle.pump import DeliveryWorker
from mailjet_connector.emulator.state import Account, Clock, EmulatorState
from mailjet_connector.wire.events import TYPE_FIELDS
from mailjet_connector.wire.urls import mask_password
from tests.emulator.conftest import TestClient
from tests.emulator.send_fixtures import API_KEY, AUTH, make_state, message
from tests.emulator.webhook_receiver import Receiver

NOW = 1_700_000_000
REF = MessageRef(message_id=2**60 + 5, guid="g-1", email="a@example.org", campaign_id=0, contact_id=3)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def state() -> EmulatorState:
    state = EmulatorState(clock=Clock(NOW, frozen=True), seed=3)
    state.add_account(Account("key", "secret", key_id=1, name="main"))
    return state


def account(state: EmulatorState) -> Account:
    return state.accounts["key"]


def hook(state: EmulatorState, kind: str, url: str, version: int = 1, backup: bool = False) -> int:
    table = account(state).table("eventcallbackurl")
    row = {
        "APIKeyID": 1,
        "EventType": kind,
        "Url": url,
        "Version": version,
        "IsBackup": backup,
        "Status": "alive",
    }
    return int(table.raw(table.insert(row))["ID"])


def event(kind: str, at: int = NOW) -> dict:
    samples = probe_event(kind, at)
    return build_event(kind, at, REF, **{name: samples[name] for name in TYPE_FIELDS[kind]})


def test_version_1_posts_single_objects_and_version_2_one_array_per_second(state, receiver):
    hook(state, "sent", receiver.url("/one"), 1)
    hook(state, "open", receiver.url("/many"), 2)
    hook(state, "click", receiver.url("/many"), 2)
    events = [event("sent"), event("sent"), event("open"), event("click"), event("open", NOW + 1)]
    assert delivery.enqueue_events(account(state), events, NOW) == 5
    delivery.deliver_due(state)
    assert receiver.bodies("/one") == [events[0], events[1]]
    assert receiver.bodies("/many") == []  # the second is not over yet
    state.clock.advance(1)
    delivery.deliver_due(state)
    assert receiver.bodies("/many") == [[events[2], events[3]]]  # mixed types, same second
    state.clock.advance(1)
    delivery.deliver_due(state)
    assert receiver.bodies("/many")[1] == [events[4]]


def test_credentials_in_the_url_become_basic_auth_and_stay_hidden(state, receiver):
    hook(state, "sent", receiver.url("/auth", "us%40er", "p%3Ass"))
    delivery.enqueue_events(account(state), [event("sent")], NOW)
    delivery.deliver_due(state)
    (request,) = receiver.received
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"us@er:p:ss").decode()
    (job,) = delivery.deliveries_view(account(state))
    assert "p%3Ass" not in job["Url"] and "***" in job["Url"]
    assert mask_password("https://u:pw@h.example.net:8443/x") == "https://u:***@h.example.net:8443/x"


def test_reserved_names_fail_without_being_contacted(state):
    hook(state, "sent", "https://hooks.example.com/mailjet/sent")
    delivery.enqueue_events(account(state), [event("sent")], NOW)
    counts = delivery.deliver_due(state)
    assert counts == {"attempted": 1, "delivered": 0, "failed": 1, "pending": 1}
    (job,) = delivery.deliveries_view(account(state))
    assert "reserved name" in job["Attempts"][0]["Error"] and job["NextAttemptAt"] == NOW + 30


def test_connection_errors_are_retried_every_30_seconds(state):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    hook(state, "sent", f"http://127.0.0.1:{port}/gone")
    delivery.enqueue_events(account(state), [event("sent")], NOW)
    assert delivery.deliver_due(state)["failed"] == 1
    state.clock.advance(29)
    assert delivery.deliver_due(state)["attempted"] == 0
    state.clock.advance(1)
    assert delivery.deliver_due(state)["failed"] == 1
    (job,) = delivery.deliveries_view(account(state))
    assert [a["At"] for a in job["Attempts"]] == [NOW, NOW + 30] and job["FirstFailureAt"] == NOW


def test_dead_url_hands_its_events_to_the_backup(state, receiver):
    receiver.fail_paths.add("/primary")
    primary = hook(state, "spam", receiver.url("/primary"))
    hook(state, "spam", receiver.url("/backup"), backup=True)
    delivery.enqueue_events(account(state), [event("spam")], NOW)
    delivery.deliver_due(state)
    state.clock.advance(delivery.GIVE_UP_AFTER)
    delivery.deliver_due(state)
    table = account(state).table("eventcallbackurl")
    assert table.raw(table.position(primary))["Status"] == "dead"
    assert receiver.bodies("/backup") == [event("spam")]
    statuses = [j["Status"] for j in delivery.deliveries_view(account(state))]
    assert statuses == ["dead", "delivered"]


def test_events_without_a_callback_are_dropped(state):
    assert delivery.enqueue_events(account(state), [event("bounce")], NOW) == 0
    assert delivery.outbox(account(state)).dropped == 1
    assert delivery.next_due(state) is None


def test_parse_jobs_are_abandoned_after_24_hours(state, receiver):
    receiver.fail_all = True
    delivery.enqueue_post(account(state), "parse", receiver.url("/parse"), {"Subject": "x"}, NOW, route_id=4)
    delivery.deliver_due(state)
    state.clock.advance(delivery.GIVE_UP_AFTER)
    delivery.deliver_due(state)
    (job,) = delivery.deliveries_view(account(state))
    assert (job["Status"], job["RouteID"], len(job["Attempts"])) == ("abandoned", 4, 2)
    assert delivery.next_due(state) is None


def test_the_worker_delivers_in_the_background_and_stops(state, receiver):
    hook(state, "sent", receiver.url("/bg"))
    delivery.enqueue_events(account(state), [event("sent")], NOW)
    worker = DeliveryWorker(state)
    worker.kick()
    assert receiver.got_request.wait(10)
    worker.stop()
    assert not worker.running
    assert [j["Status"] for j in delivery.deliveries_view(account(state))] == ["delivered"]


def test_control_lists_filters_and_forgets_deliveries():
    state = make_state()
    with TestClient(create_app(state, control=True)) as client:
        client.auth = AUTH
        hooked = client.post(
            "/v3/REST/eventcallbackurl", json={"EventType": "sent", "Url": "https://h.example.net/s"}
        )
        assert hooked.status_code == 201
        assert client.post("/v3.1/send", json={"Messages": [message()]}).status_code == 200
        assert client.post("/_emulator/deliveries/flush").json()["pending"] == 1
        pending = client.get("/_emulator/deliveries", params={"status": "pending", "api_key": API_KEY}).json()
        (job,) = pending["Data"]
        assert (job["APIKey"], job["Kind"], job["EventTypes"]) == (API_KEY, "event", ["sent"])
        assert "reserved name" in job["Attempts"][0]["Error"] and job["Body"]["event"] == "sent"
        assert client.get("/_emulator/deliveries", params={"status": "delivered"}).json()["Count"] == 0
        assert client.get("/_emulator/deliveries", params={"api_key": "nope"}).status_code == 404
        assert client.delete("/_emulator/deliveries").status_code == 204
        assert client.get("/_emulator/deliveries").json()["Count"] == 1  # pending jobs are kept
