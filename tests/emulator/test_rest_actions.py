"""Sub-actions: getcontactslists, managecontactslists, managecontact, and the registry's fallbacks."""

from __future__ import annotations

from typing import Any

import pytest

from mailjet_connector.emulator.rest import actions, hooks
from tests.emulator.conftest import TestClient


def data(response: Any, status: int = 200) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    return response.json()["Data"]


def lists_of(client: TestClient, contact: str) -> list[tuple[int, bool]]:
    rows = data(client.get(f"/v3/REST/contact/{contact}/getcontactslists"))
    return [(r["ListID"], r["IsUnsub"]) for r in rows]


def test_getcontactslists_by_id_or_email(client: TestClient) -> None:
    rows = data(client.get("/v3/REST/contact/bob@example.com/getcontactslists"))
    assert rows == [
        {"IsActive": True, "IsUnsub": True, "ListID": 1, "SubscribedAt": "2023-11-14T22:10:00Z"},
        {"IsActive": True, "IsUnsub": False, "ListID": 2, "SubscribedAt": "2023-11-14T22:11:40Z"},
    ]
    assert data(client.get("/v3/REST/contact/3/getcontactslists")) == []


def test_managecontactslists_applies_each_action(client: TestClient) -> None:
    body = {
        "ContactsLists": [
            {"ListID": 1, "Action": "addforce"},  # clears bob's unsubscription
            {"ListID": 2, "Action": "remove"},
        ]
    }
    assert data(client.post("/v3/REST/contact/2/managecontactslists", json=body), 201) == [body]
    assert lists_of(client, "2") == [(1, False)]
    body = {"ContactsLists": [{"ListID": 2, "Action": "unsub"}, {"ListID": 1, "Action": "addnoforce"}]}
    client.post("/v3/REST/contact/carol@example.org/managecontactslists", json=body)
    assert lists_of(client, "3") == [(2, True), (1, False)]
    counts = [r["SubscriberCount"] for r in data(client.get("/v3/REST/contactslist"))]
    assert counts == [3, 1]


def test_managecontactslists_structured_400(client: TestClient) -> None:
    body = {
        "ContactsLists": [
            {"ListID": 77, "Action": "addforce"},
            {"ListID": 1, "Action": "jump"},
            {"ListID": 2, "Action": "remove"},
        ]
    }
    response = client.post("/v3/REST/contact/1/managecontactslists", json=body)
    assert response.status_code == 400
    assert response.json() == {
        "ErrorInfo": "",
        "ErrorMessage": {
            "ContactsLists": [
                {"ListID": "77", "Action": "addforce", "Error": "listID missing or not valid"},
                {"ListID": "1", "Action": "jump", "Error": "action missing or not valid"},
            ]
        },
        "StatusCode": 400,
    }
    assert lists_of(client, "1") == [(1, False)]  # nothing applied


def test_managecontactslists_unknown_contact_is_404(client: TestClient) -> None:
    response = client.post(
        "/v3/REST/contact/ghost@example.com/managecontactslists", json={"ContactsLists": []}
    )
    assert response.status_code == 404
    assert response.json()["ErrorMessage"] == "Object not found"


def test_managecontact_creates_contact_data_and_subscription(client: TestClient) -> None:
    body = {"Email": "erin@example.com", "Name": "Erin", "Action": "addnoforce", "Properties": {"age": 33}}
    rows = data(client.post("/v3/REST/contactslist/2/managecontact", json=body), 201)
    assert rows == [
        {
            "ContactID": 4,
            "Email": "erin@example.com",
            "Action": "addnoforce",
            "Name": "Erin",
            "Properties": {"age": 33},
        }
    ]
    assert data(client.get("/v3/REST/contactdata/4"))[0]["Data"] == [{"Name": "age", "Value": "33"}]
    assert lists_of(client, "erin@example.com") == [(2, False)]
    again = {"Email": "ERIN@example.com", "Action": "unsub", "Properties": {"city": "Oslo"}}
    assert data(client.post("/v3/REST/contactslist/2/managecontact", json=again), 201)[0]["ContactID"] == 4
    assert lists_of(client, "4") == [(2, True)]
    assert data(client.get("/v3/REST/contactdata/4"))[0]["Data"][1] == {"Name": "city", "Value": "Oslo"}


def test_managecontact_property_errors(client: TestClient) -> None:
    body = {"Email": "x@example.com", "Action": "addforce", "Properties": {"shoe": 1, "age": "old"}}
    response = client.post("/v3/REST/contactslist/1/managecontact", json=body)
    assert response.status_code == 400
    assert response.json() == {
        "ErrorInfo": {
            "Properties": [
                {"shoe": "Property not defined"},
                {"age": "Property type does not match definition"},
            ]
        },
        "ErrorMessage": "Object properties invalid",
        "StatusCode": 400,
    }
    assert data(client.get("/v3/REST/contact?Email=x@example.com")) == []


def test_action_verbs_and_unknown_actions(client: TestClient) -> None:
    assert client.get("/v3/REST/contact/1/managecontactslists").status_code == 405
    response = client.get("/v3/REST/contact/1/teleport")
    assert response.status_code == 400 and response.json()["ErrorMessage"] == 'Unknown action: "teleport"'


def test_unregistered_catalog_action_is_501(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(hooks.ACTIONS, ("contactslist", "importlist"), raising=False)
    response = client.post("/v3/REST/contactslist/1/importlist", json={})
    assert response.status_code == 501
    assert response.json()["ErrorInfo"] == "Not Implemented"


def test_registered_collection_action_gets_the_job_id(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str | None, int | None]] = []

    def handler(ctx: actions.ActionContext) -> Any:
        from mailjet_connector.emulator.rest.responses import envelope

        seen.append((ctx.method, ctx.action_id, ctx.pos))
        return envelope([{"JobID": 5}], status=201)

    monkeypatch.setitem(hooks.ACTIONS, ("contact", "managemanycontacts"), handler)
    assert data(client.post("/v3/REST/contact/managemanycontacts", json={}), 201) == [{"JobID": 5}]
    client.get("/v3/REST/contact/ManageManyContacts/5")
    assert seen == [("POST", None, None), ("GET", "5", None)]
