"""The official `mailjet-rest` client (1.9.1) against a live emulator: it must work as against Mailjet.

mailjet-rest 1.9.1 raises on 4xx answers (ValidationError 400, MailjetAuthError 401, DoesNotExistError 404)
and offers `Endpoint.stream()`, which pages with Limit/Offset until a short page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from mailjet_rest import Client
from mailjet_rest.errors import DoesNotExistError, MailjetAuthError, ValidationError

from mailjet_connector.emulator.server import EmulatorServer, start_emulator

STREAM_CONTACTS = 2500


def official_client(server: EmulatorServer, *, secret: str | None = None) -> Client:
    return Client(auth=(server.api_key, secret or server.api_secret), api_url=server.url + "/", timeout=30)


@pytest.fixture
def mj(emulator: EmulatorServer) -> Iterator[Client]:
    with official_client(emulator) as client:
        yield client


@pytest.fixture(scope="module")
def big_emulator() -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", overrides={"contact": STREAM_CONTACTS}) as server:
        yield server


def only(response) -> dict:
    body = response.json()
    assert body["Count"] == len(body["Data"]) == 1, body
    return body["Data"][0]


def test_contact_create_get_by_id_and_email_update(mj: Client) -> None:
    created = mj.contact.create(data={"Email": "Ada@Example.org", "Name": "Ada"})
    assert created.status_code == 201
    contact = only(created)
    assert contact["Name"] == "Ada" and contact["ID"] > 0
    assert contact["LastActivityAt"] == ""  # empty timestamps are "" on classic REST
    assert only(mj.contact.get(id=contact["ID"]))["Email"] == contact["Email"]
    assert only(mj.contact.get(id=contact["Email"]))["ID"] == contact["ID"]
    updated = mj.contact.update(id=contact["ID"], data={"Name": "Ada Lovelace"})
    assert updated.status_code == 200
    assert only(updated)["Name"] == "Ada Lovelace"
    unchanged = mj.contact.update(id=contact["ID"], data={"Name": "Ada Lovelace"})
    assert unchanged.status_code == 304 and unchanged.content == b""


def test_duplicate_contact_is_mj18(mj: Client) -> None:
    mj.contact.create(data={"Email": "twice@example.org"})
    with pytest.raises(ValidationError) as caught:
        mj.contact.create(data={"Email": "twice@example.org"})
    assert caught.value.status_code == 400
    assert json.loads(caught.value.response_body) == {
        "ErrorInfo": "",
        "ErrorMessage": 'MJ18 A Contact resource with value "twice@example.org" for Email already exists.',
        "StatusCode": 400,
    }


def test_list_create_and_soft_delete(mj: Client) -> None:
    created = only(mj.contactslist.create(data={"Name": "Conformance list"}))
    assert created["Address"] and created["IsDeleted"] is False
    deleted = mj.contactslist.delete(id=created["ID"])
    assert deleted.status_code == 204 and deleted.content == b""
    assert only(mj.contactslist.get(id=created["ID"]))["IsDeleted"] is True
    listed = mj.contactslist.get(filters={"IsDeleted": "true", "Limit": 1000}).json()["Data"]
    assert created["ID"] in {row["ID"] for row in listed}


def test_listrecipient_create_and_filter(mj: Client) -> None:
    contact = only(mj.contact.create(data={"Email": "subscriber@example.org"}))
    mailing = only(mj.contactslist.create(data={"Name": "Subscribers"}))
    link = mj.listrecipient.create(data={"ContactID": contact["ID"], "ListID": mailing["ID"]})
    assert link.status_code == 201
    recipient = only(link)
    assert (recipient["ContactID"], recipient["ListID"]) == (contact["ID"], mailing["ID"])
    by_list = mj.listrecipient.get(filters={"ContactsList": mailing["ID"]}).json()
    assert [row["ID"] for row in by_list["Data"]] == [recipient["ID"]]
    by_contact = mj.listrecipient.get(filters={"Contact": contact["ID"]}).json()
    assert recipient["ID"] in {row["ID"] for row in by_contact["Data"]}


def test_contactmetadata_then_contactdata(mj: Client) -> None:
    contact = only(mj.contact.create(data={"Email": "props@example.org"}))
    with pytest.raises(ValidationError):  # properties must be defined first (mailjet-api.md §8.9)
        mj.contactdata.update(id=contact["ID"], data={"Data": [{"Name": "shoe_size", "Value": 42}]})
    meta = mj.contactmetadata.create(data={"Name": "shoe_size", "Datatype": "int"})
    assert meta.status_code == 201
    assert only(meta)["NameSpace"] == "static"
    updated = mj.contactdata.update(id=contact["ID"], data={"Data": [{"Name": "shoe_size", "Value": 42}]})
    assert updated.status_code == 200
    data = only(mj.contactdata.get(id=contact["ID"]))
    assert data["ID"] == data["ContactID"] == contact["ID"]
    assert {"Name": "shoe_size", "Value": "42"} in data["Data"]  # values come back as strings


def test_stream_pages_every_contact_exactly_once(big_emulator: EmulatorServer) -> None:
    with official_client(big_emulator) as mj:
        total = mj.contact.get(filters={"countOnly": 1}).json()["Total"]
        assert total >= STREAM_CONTACTS
        ids = [row["ID"] for row in mj.contact.stream(chunk_size=1000)]
        assert len(ids) == total and len(set(ids)) == total
        assert ids == sorted(ids)
        odd_pages = [row["ID"] for row in mj.contact.stream(chunk_size=333, filters={"Sort": "ID"})]
        assert odd_pages == ids


def test_countrecords_keeps_the_page_and_reports_the_total(big_emulator: EmulatorServer) -> None:
    with official_client(big_emulator) as mj:
        body = mj.contact.get(filters={"countrecords": 1, "Limit": 7}).json()
        assert body["Count"] == len(body["Data"]) == 7
        assert body["Total"] >= STREAM_CONTACTS
        assert mj.contact.get().json()["Count"] == 10  # default Limit


def test_statcounters_lifetime_for_the_api_key(mj: Client) -> None:
    response = mj.statcounters.get(
        filters={"CounterSource": "APIKey", "CounterTiming": "Message", "CounterResolution": "Lifetime"}
    )
    assert response.status_code == 200
    row = only(response)
    assert row["Timeslice"] == ""
    assert row["MessageSentCount"] <= row["Total"]


def test_wrong_secret_is_401(emulator: EmulatorServer) -> None:
    with official_client(emulator, secret="not-the-secret") as mj, pytest.raises(MailjetAuthError) as caught:
        mj.contact.get()
    assert caught.value.status_code == 401
    assert caught.value.response_body == ""
    assert "not-the-secret" not in str(caught.value)


def test_unknown_id_is_404(mj: Client) -> None:
    with pytest.raises(DoesNotExistError) as caught:
        mj.contact.get(id=987654321)
    assert caught.value.status_code == 404
    assert "Object not found" in caught.value.response_body
