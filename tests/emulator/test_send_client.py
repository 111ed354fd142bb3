"""The official `mailjet-rest` client sending through a real emulator server (Send API v3.1 and v3).

mailjet-rest 1.9.1 raises on 4xx: ValidationError (400, with `response_body`) and MailjetAuthError (401/403).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from mailjet_rest import Client
from mailjet_rest.errors import MailjetAuthError, ValidationError

from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from mailjet_connector.emulator.state import EmulatorState
from tests.emulator.send_fixtures import API_KEY, API_SECRET, make_app, make_state, message, rows


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    state = make_state()
    with EmulatorServer(make_app(state), state=state, api_key=API_KEY, api_secret=API_SECRET) as running:
        yield running


@pytest.fixture
def state(server: EmulatorServer) -> EmulatorState:
    assert server.state is not None
    return server.state


def official(server: EmulatorServer, version: str = "v3.1", secret: str = API_SECRET) -> Client:
    return Client(auth=(API_KEY, secret), version=version, api_url=server.url + "/", timeout=30)


def test_v31_send_succeeds(server, state):
    with official(server) as mj:
        response = mj.send.create(data={"Messages": [message(To=[{"Email": "client-ok@example.org"}])]})
    assert response.status_code == 200
    to = response.json()["Messages"][0]["To"][0]
    assert to["MessageID"] in {m["ID"] for m in rows(state, "message")}


def test_v31_sandbox_creates_nothing(server, state):
    before = len(rows(state, "message"))
    with official(server) as mj:
        body = {"Messages": [message(To=[{"Email": "sandbox@example.org"}])], "SandboxMode": True}
        response = mj.send.create(data=body)
    assert response.json()["Messages"][0]["To"][0]["MessageID"] == 0
    assert len(rows(state, "message")) == before


def test_v31_message_error_raises_validation_error(server):
    with official(server) as mj, pytest.raises(ValidationError) as caught:
        mj.send.create(data={"Messages": [message(To=[{"Email": "passenger@example..com"}])]})
    assert caught.value.status_code == 400
    error = json.loads(caught.value.response_body)["Messages"][0]["Errors"][0]
    assert error["ErrorCode"] == "mj-0013" and error["ErrorRelatedTo"] == ["To[0].Email"]
    assert "is an invalid email address" in str(caught.value)


def test_v31_mixed_batch_is_400_and_sends_the_valid_message(server, state):
    good = message(To=[{"Email": "mixed-good@example.org"}])
    bad = message(To=[{"Email": "mixed-bad@example.org"}], TextPart=None, HTMLPart=None)
    with official(server) as mj, pytest.raises(ValidationError) as caught:
        mj.send.create(data={"Messages": [good, bad]})
    results = json.loads(caught.value.response_body)["Messages"]
    assert [r["Status"] for r in results] == ["success", "error"]
    sent_to = {m["ContactID"] for m in rows(state, "message")}
    contacts = {c["Email"]: c["ID"] for c in rows(state, "contact")}
    assert contacts["mixed-good@example.org"] in sent_to and "mixed-bad@example.org" not in contacts


def test_v31_bad_credentials_raise_auth_error_with_json(server):
    with official(server, secret="wrong") as mj, pytest.raises(MailjetAuthError) as caught:
        mj.send.create(data={"Messages": [message()]})
    assert caught.value.status_code == 401
    assert json.loads(caught.value.response_body)["StatusCode"] == 401


def test_v3_send_answers_sent(server):
    with official(server, version="v3") as mj:
        body = {
            "FromEmail": "shop@example.com",
            "Subject": "Hi",
            "Text-part": "Hello",
            "To": "v3@example.org",
        }
        response = mj.send.create(data=body)
    assert response.status_code == 200
    (sent,) = response.json()["Sent"]
    assert sent["Email"] == "v3@example.org" and sent["MessageID"] > 2**53


def test_send_through_the_full_app_is_readable_over_rest():
    with start_emulator(scale="tiny", now=1_700_000_000, frozen=True) as full:
        account = full.state.accounts[full.api_key]
        senders = [r for r in account.table("sender").iter_raw() if r["Status"] == "Active"]
        address = next(r["Email"] for r in senders if not r["Email"].startswith("*"))
        auth = (full.api_key, full.api_secret)
        with Client(auth=auth, version="v3.1", api_url=full.url + "/", timeout=30) as mj:
            body = {"Messages": [message(From={"Email": address}, To=[{"Email": "full-app@example.org"}])]}
            message_id = mj.send.create(data=body).json()["Messages"][0]["To"][0]["MessageID"]
        with Client(auth=auth, api_url=full.url + "/", timeout=30) as rest:
            (row,) = rest.message.get(id=message_id).json()["Data"]
            (contact,) = rest.contact.get(id="full-app@example.org").json()["Data"]
    assert row["ID"] == message_id and row["Status"] == "sent" and row["ArrivedAt"] == "2023-11-14T22:13:20Z"
    assert row["ContactID"] == contact["ID"] and contact["DeliveredCount"] == 1
