"""GDPR delete: `DELETE /v4/contacts/{id}` answers 200 and anonymises the contact at once."""

from __future__ import annotations

import pytest

from mailjet_connector.emulator.app import create_app
from mailjet_connector.emulator.rest.gdpr import anonymous_email
from mailjet_connector.emulator.state import EmulatorState
from tests.emulator.conftest import MAIN, TestClient, build_state

ALICE = 1  # subscribed to list 1, two messages, in conftest's state


@pytest.fixture
def state() -> EmulatorState:
    state = build_state()
    main = state.accounts[MAIN[0]]
    main.table("contactdata").insert({"ContactID": ALICE, "Data": [{"Name": "city", "Value": "Lyon"}]})
    main.table("contacthistorydata").insert({"ContactID": ALICE, "Name": "visits", "Data": "3"})
    return state


def table_rows(state: EmulatorState, resource: str) -> list[dict]:
    return list(state.accounts[MAIN[0]].table(resource).iter_raw())


def test_delete_answers_200_with_an_empty_body(client):
    response = client.delete(f"/v4/contacts/{ALICE}")
    assert response.status_code == 200 and response.content == b""


@pytest.mark.parametrize("key", ["424242", "not-a-number"])
def test_unknown_contact_also_answers_200(client, state, key):
    before = table_rows(state, "contact")
    response = client.delete(f"/v4/contacts/{key}")
    assert response.status_code == 200 and response.content == b""
    assert table_rows(state, "contact") == before


def test_contact_is_anonymised_and_keeps_its_id(client):
    client.delete(f"/v4/contacts/{ALICE}")
    contact = client.get(f"/v3/REST/contact/{ALICE}").json()["Data"][0]
    assert contact["ID"] == ALICE
    assert contact["Email"] == anonymous_email("alice@example.com")
    assert contact["Email"].endswith("@domain.invalid") and "alice" not in contact["Email"]
    assert contact["Name"] == "Anonymized"
    assert client.get("/v3/REST/contact/alice@example.com").status_code == 404
    # The address is free again: signing up anew makes a new contact.
    assert client.post("/v3/REST/contact", json={"Email": "alice@example.com"}).status_code == 201


def test_personal_data_and_subscriptions_are_removed(client, state):
    client.delete(f"/v4/contacts/{ALICE}")
    assert [r for r in table_rows(state, "contactdata") if r["ContactID"] == ALICE] == []
    assert [r for r in table_rows(state, "contacthistorydata") if r["ContactID"] == ALICE] == []
    assert [r for r in table_rows(state, "listrecipient") if r["ContactID"] == ALICE] == []
    assert client.get("/v3/REST/contactslist/1").json()["Data"][0]["SubscriberCount"] == 1
    assert state.accounts[MAIN[0]].extra["gdpr_deletions"][0]["ContactID"] == ALICE


def test_messages_keep_their_ids_but_lose_the_address(client, state):
    before = [m["ID"] for m in table_rows(state, "message") if m["ContactID"] == ALICE]
    client.delete(f"/v4/contacts/{ALICE}")
    after = [m for m in table_rows(state, "message") if m["ContactID"] == ALICE]
    assert [m["ID"] for m in after] == before and len(before) == 2
    assert {m["ContactAlt"] for m in after} == {""}
    others = [m for m in table_rows(state, "message") if m["ContactID"] != ALICE]
    assert all(m["ContactAlt"] for m in others)


def test_sent_content_recipient_is_masked(client, state):
    message = {"From": {"Email": "shop@example.com"}, "To": [{"Email": "alice@example.com"}], "TextPart": "x"}
    state.accounts[MAIN[0]].table("sender").insert({"Email": "shop@example.com", "Status": "Active"})
    sent = client.post("/v3.1/send", json={"Messages": [message]})
    message_id = sent.json()["Messages"][0]["To"][0]["MessageID"]
    client.delete(f"/v4/contacts/{ALICE}")
    recipient = state.accounts[MAIN[0]].extra["sent_content"][message_id]["Recipient"]
    assert recipient["Email"] == anonymous_email("alice@example.com")


def test_second_delete_changes_nothing(client, state):
    client.delete(f"/v4/contacts/{ALICE}")
    first = table_rows(state, "contact")
    assert client.delete(f"/v4/contacts/{ALICE}").status_code == 200
    assert table_rows(state, "contact") == first
    assert len(state.accounts[MAIN[0]].extra["gdpr_deletions"]) == 1


def test_needs_credentials_like_rest(state):
    with TestClient(create_app(state)) as anonymous:
        response = anonymous.delete(f"/v4/contacts/{ALICE}")
        assert response.status_code == 401 and response.content == b""
        assert "WWW-Authenticate" in response.headers
        wrong = anonymous.delete(f"/v4/contacts/{ALICE}", auth=(MAIN[0], "wrong"))
        assert wrong.status_code == 401
    assert table_rows(state, "contact")[0]["Email"] == "alice@example.com"


def test_other_verbs_are_not_allowed(client):
    assert client.get(f"/v4/contacts/{ALICE}").status_code == 405
