"""managemanycontacts (contact and contactslist) and importlist: validation, job results, error file."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from mailjet_rest import Client

from mailjet_connector.emulator import jobs
from mailjet_connector.emulator.jobs import JobSettings
from mailjet_connector.emulator.server import EmulatorServer
from mailjet_connector.emulator.state import EmulatorState
from tests.emulator.conftest import TestClient
from tests.wire.test_addresses import ISSUE_ADDRESSES as REFUSED_ADDRESSES


def data(response: Any, status: int = 200) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    return response.json()["Data"]


def run_job(client: TestClient, state: EmulatorState, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST a bulk job, let the emulator clock run it to the end, return its final status."""
    job_id = data(client.post(path, json=body), 201)[0]["JobID"]
    state.clock.advance(60)
    status = data(client.get(f"{path}/{job_id}"))[0]
    assert status["Status"] == "Completed", status
    return status


def error_file(client: TestClient, status: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.get(status["ErrorFile"])
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    return response.json()


def contact(client: TestClient, email: str) -> dict[str, Any]:
    return data(client.get(f"/v3/REST/contact/{email}"))[0]


def props(client: TestClient, email: str) -> dict[str, str]:
    rows = data(client.get(f"/v3/REST/contactdata/{email}"))[0]["Data"]
    return {p["Name"]: p["Value"] for p in rows}


def subscription(client: TestClient, email: str, list_id: int) -> bool | None:
    """IsUnsub of the contact in the list, None when not subscribed."""
    rows = data(client.get(f"/v3/REST/contact/{email}/getcontactslists"))
    return next((r["IsUnsub"] for r in rows if r["ListID"] == list_id), None)


def test_post_answers_201_with_a_job_id_and_status_starts_allocated(client: TestClient) -> None:
    response = client.post("/v3/REST/contact/managemanycontacts", json={"Contacts": [{"Email": "a@b.co"}]})
    assert response.status_code == 201
    assert response.json() == {"Count": 1, "Data": [{"JobID": 1}], "Total": 1}
    status = data(client.get("/v3/REST/contact/managemanycontacts/1"))[0]
    assert status == {
        "Status": "Allocated",
        "JobStart": "",
        "JobEnd": "",
        "Count": 0,
        "Error": "",
        "ErrorFile": "",
        "ContactsLists": [],
    }


def test_contacts_are_keyed_by_email_and_updated(client: TestClient, state: EmulatorState) -> None:
    contacts = [
        {"Email": "ALICE@example.com", "Name": "Alice B", "Properties": {"age": 41}},
        {"Email": "new@example.net", "Name": "New", "IsExcludedFromCampaigns": True},
        {"Email": "new@example.net", "Properties": {"city": "Lyon"}},
    ]
    lists = [{"ListID": 2, "Action": "addnoforce"}]
    status = run_job(
        client, state, "/v3/REST/contact/managemanycontacts", {"ContactsLists": lists, "Contacts": contacts}
    )
    assert status["Count"] == 3 and status["ErrorFile"] == "" and status["ContactsLists"] == lists
    assert len(data(client.get("/v3/REST/contact", params={"Email": "new@example.net"}))) == 1
    assert contact(client, "alice@example.com")["ID"] == 1  # no duplicate created
    assert contact(client, "alice@example.com")["Name"] == "Alice B"
    assert contact(client, "new@example.net")["IsExcludedFromCampaigns"] is True
    assert props(client, "alice@example.com") == {"age": "41"}
    assert props(client, "new@example.net") == {"city": "Lyon"}
    assert subscription(client, "new@example.net", 2) is False


def test_null_clears_a_property(client: TestClient, state: EmulatorState) -> None:
    path = "/v3/REST/contact/managemanycontacts"
    run_job(
        client,
        state,
        path,
        {"Contacts": [{"Email": "bob@example.com", "Properties": {"age": 7, "city": "X"}}]},
    )
    run_job(client, state, path, {"Contacts": [{"Email": "bob@example.com", "Properties": {"age": None}}]})
    assert props(client, "bob@example.com") == {"city": "X"}


def test_per_contact_errors_go_to_the_error_file(client: TestClient, state: EmulatorState) -> None:
    contacts = [
        {"Email": "good@example.com"},
        {"Email": "not-an-email"},
        {"Email": "prop@example.com", "Properties": {"shoe_size": 44}},
        {"Email": "typed@example.com", "Properties": {"age": "old"}},
        {"Name": "no email"},
    ]
    status = run_job(
        client,
        state,
        "/v3/REST/contactslist/1/managemanycontacts",
        {"Action": "addforce", "Contacts": contacts},
    )
    assert status["Count"] == 5 and status["Error"] == ""
    assert status["ErrorFile"] == "/v3/DATA/batchjob/1/JSONError/application:json/LAST"
    errors = error_file(client, status)
    assert [(e["Index"], e["Email"]) for e in errors] == [
        (1, "not-an-email"),
        (2, "prop@example.com"),
        (3, "typed@example.com"),
        (4, ""),
    ]
    assert "Invalid email" in errors[0]["Error"]
    assert errors[1]["Error"] == 'Property "shoe_size": Property not defined'
    assert errors[2]["Error"] == 'Property "age": Property type does not match definition'
    assert subscription(client, "good@example.com", 1) is False
    assert client.get("/v3/REST/contact/prop@example.com").status_code == 404  # a failed contact is skipped
    assert client.get("/v3/DATA/batchjob/1/JSONError/application:json").json() == errors


def test_malformed_addresses_land_in_the_error_file(client: TestClient, state: EmulatorState) -> None:
    # #18 item 9: these were accepted and created contacts.
    bad = REFUSED_ADDRESSES
    status = run_job(
        client, state, "/v3/REST/contact/managemanycontacts", {"Contacts": [{"Email": e} for e in bad]}
    )
    assert [e["Index"] for e in error_file(client, status)] == list(range(len(bad)))
    assert all(client.get("/v3/REST/contact", params={"Email": e}).json()["Count"] == 0 for e in bad)


@pytest.mark.parametrize(
    ("action", "bob_unsub"), [("addforce", False), ("addnoforce", True), ("unsub", True), ("remove", None)]
)
def test_list_actions_follow_managecontactslists_semantics(
    client: TestClient, state: EmulatorState, action: str, bob_unsub: bool | None
) -> None:
    body = {"Action": action, "Contacts": [{"Email": "bob@example.com"}]}  # bob is unsubscribed from list 1
    run_job(client, state, "/v3/REST/contactslist/1/managemanycontacts", body)
    assert subscription(client, "bob@example.com", 1) is bob_unsub


def test_size_limit_is_a_clear_400(client: TestClient, state: EmulatorState) -> None:
    state.accounts["mainkey"].extra[jobs.SETTINGS_KEY] = JobSettings(max_contacts=3)
    contacts = [{"Email": f"c{i}@example.com"} for i in range(4)]
    response = client.post(
        "/v3/REST/contactslist/1/managemanycontacts", json={"Action": "addforce", "Contacts": contacts}
    )
    assert response.status_code == 400
    assert "at most 3 contacts per call, got 4" in response.json()["ErrorMessage"]
    assert data(client.post("/v3/REST/contact/managemanycontacts", json={"Contacts": contacts[:3]}), 201)


def test_default_size_limit_is_documented_value() -> None:
    assert jobs.DEFAULT_SETTINGS.max_contacts == 10_000


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (
            "/v3/REST/contactslist/1/managemanycontacts",
            {"Action": "add", "Contacts": []},
            'MJ08 Property "Action"',
        ),
        (
            "/v3/REST/contactslist/1/managemanycontacts",
            {"Action": "addforce"},
            'MJ03 A value for property "Contacts"',
        ),
        ("/v3/REST/contact/managemanycontacts", [1, 2], "Invalid json input"),
        (
            "/v3/REST/contactslist/1/importlist",
            {"Action": "addforce", "ListID": 99},
            'MJ08 Property "ListID"',
        ),
    ],
)
def test_bad_calls_are_400(client: TestClient, path: str, body: Any, message: str) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 400 and response.json()["ErrorMessage"].startswith(message)


def test_unknown_list_in_contactslists_uses_the_managecontactslists_error(client: TestClient) -> None:
    body = {"ContactsLists": [{"ListID": 42, "Action": "addforce"}], "Contacts": []}
    response = client.post("/v3/REST/contact/managemanycontacts", json=body)
    assert response.status_code == 400
    assert response.json()["ErrorMessage"] == {
        "ContactsLists": [{"ListID": "42", "Action": "addforce", "Error": "listID missing or not valid"}]
    }


def test_unknown_or_foreign_job_is_404(client: TestClient) -> None:
    job_id = data(
        client.post(
            "/v3/REST/contactslist/1/managemanycontacts", json={"Action": "addforce", "Contacts": []}
        ),
        201,
    )[0]["JobID"]
    assert client.get(f"/v3/REST/contactslist/2/managemanycontacts/{job_id}").status_code == 404
    assert client.get(f"/v3/REST/contact/managemanycontacts/{job_id}").status_code == 404
    assert client.get("/v3/REST/contactslist/1/managemanycontacts/999").status_code == 404
    assert len(data(client.get("/v3/REST/contactslist/1/managemanycontacts"))) == 1


@pytest.mark.parametrize(
    ("action", "alice", "bob"),
    [
        ("addnoforce", False, False),  # bob already in list 2 (subscribed): unchanged
        ("duplicate-override", False, True),  # bob copied as unsubscribed, as in list 1
        ("duplicate-no-override", False, False),
    ],
)
def test_importlist_copies_another_lists_contacts(
    client: TestClient, state: EmulatorState, action: str, alice: bool, bob: bool
) -> None:
    status = run_job(client, state, "/v3/REST/contactslist/2/importlist", {"Action": action, "ListID": 1})
    assert status["Count"] == 2
    assert subscription(client, "alice@example.com", 2) is alice
    assert subscription(client, "bob@example.com", 2) is bob
    assert data(client.get("/v3/REST/contactslist/2"))[0]["SubscriberCount"] == 2


def test_contacts_created_by_a_job_carry_their_processing_time(
    client: TestClient, state: EmulatorState
) -> None:
    run_job(client, state, "/v3/REST/contact/managemanycontacts", {"Contacts": [{"Email": "t@example.com"}]})
    assert contact(client, "t@example.com")["CreatedAt"] == "2023-11-14T22:13:22Z"  # NOW + queue + prepare


def test_official_client_runs_a_list_job_to_completion(emulator: EmulatorServer) -> None:
    with Client(auth=(emulator.api_key, emulator.api_secret), api_url=emulator.url + "/", timeout=30) as mj:
        list_id = mj.contactslist.create(data={"Name": "Bulk via mailjet-rest"}).json()["Data"][0]["ID"]
        contacts = [{"Email": f"bulk{i}@example.org", "Name": f"Bulk {i}"} for i in range(30)]
        created = mj.contactslist_managemanycontacts.create(
            id=list_id, data={"Action": "addnoforce", "Contacts": contacts}
        )
        assert created.status_code == 201
        job_id = created.json()["Data"][0]["JobID"]
        statuses = []
        for _ in range(5):
            got = mj.contactslist_managemanycontacts.get(id=list_id, action_id=job_id)
            assert got.status_code == 200
            statuses.append(got.json()["Data"][0]["Status"])
            if statuses[-1] == "Completed":
                break
            httpx.post(f"{emulator.url}/_emulator/clock", json={"advance": 1}).raise_for_status()
        assert statuses[0] in ("Allocated", "Prepare") and statuses[-1] == "Completed"  # real time moves too
        assert got.json()["Data"][0]["Count"] == 30
        members = mj.contact.get(filters={"ContactsList": list_id, "Limit": 100}).json()
        assert members["Count"] == 30
        jobs_listed = mj.batchjob.get(filters={"Limit": 1000}).json()["Data"]
        assert any(j["ID"] == job_id and j["Status"] == "Completed" for j in jobs_listed)
