"""POST/PUT/DELETE semantics: created objects, validation errors, 304, soft delete, lists and contactdata."""

from __future__ import annotations

from typing import Any

import pytest

from mailjet_connector.emulator.state import EmulatorState
from tests.emulator.conftest import NOW, TestClient
from tests.wire.test_addresses import ISSUE_ADDRESSES


def one(response: Any) -> dict[str, Any]:
    body = response.json()
    assert body["Count"] == body["Total"] == 1, body
    return body["Data"][0]


def error(response: Any, status: int = 400) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["StatusCode"] == status
    return body["ErrorMessage"]


def test_post_creates_with_server_fields(client: TestClient) -> None:
    response = client.post("/v3/REST/contact", json={"Email": "dave@example.com", "Name": "Dave"})
    assert response.status_code == 201
    row = one(response)
    assert (row["ID"], row["Email"], row["CreatedAt"], row["LastUpdateAt"]) == (
        4,
        "dave@example.com",
        "2023-11-14T22:13:20Z",
        "",
    )
    assert one(client.get("/v3/REST/contact/DAVE@example.com"))["ID"] == 4


def test_post_validation_errors(client: TestClient) -> None:
    assert (
        error(client.post("/v3/REST/contact", json={"Name": "x"}))
        == 'MJ03 A value for property "Email" is required'
    )
    assert error(client.post("/v3/REST/contact", json={"Email": "a@b.co", "Colour": 1})) == (
        'Invalid json input: object ""->"TContact" property "Colour" is not a class property'
    )
    assert "MJ08" in error(client.post("/v3/REST/contact", json={"Email": "not-an-email"}))
    assert "MJ08" in error(client.post("/v3/REST/contact", json={"Email": "a@b.co", "Name": 5}))
    assert error(client.post("/v3/REST/contact", content=b"{nope")) == "Invalid json input"
    assert error(client.post("/v3/REST/contact", json={"Email": "a@b.co", "DeliveredCount": 4})) == (
        'MJ19 Setting a value for property "DeliveredCount" is not allowed'
    )


@pytest.mark.parametrize("address", ISSUE_ADDRESSES)
def test_malformed_addresses_are_refused(client: TestClient, address: str) -> None:
    # #18 item 9: contact create accepted these; senders share the rule.
    assert "MJ08" in error(client.post("/v3/REST/contact", json={"Email": address}))
    assert "MJ08" in error(client.post("/v3/REST/sender", json={"Email": address}))


def test_duplicate_unique_key_is_mj18(client: TestClient) -> None:
    message = error(client.post("/v3/REST/contact", json={"Email": "Alice@Example.com"}))
    assert message == 'MJ18 A Contact resource with value "Alice@Example.com" for Email already exists.'


def test_put_round_trip_of_read_only_fields_as_clients_format_them(client: TestClient) -> None:
    # #18 item 3, the recorded Mailjet exchange (mailjet-gem cassette resource/test_contact/update): the
    # client sends the object back with CreatedAt in its own format, read-only fields unchanged, `Id`.
    row = one(client.get("/v3/REST/contact/alice@example.com"))
    created = row["CreatedAt"].replace("T", " ").replace("Z", " UTC")  # "2023-11-14 21:56:40 UTC"
    body = {
        "CreatedAt": created,
        "DeliveredCount": row["DeliveredCount"],
        "Email": row["Email"],
        "Id": row["ID"],
    }
    response = client.put(f"/v3/REST/contact/{row['ID']}", json={**body, "Name": "Joe Doe"})
    assert response.status_code == 200, response.text
    assert one(response)["Name"] == "Joe Doe" and one(response)["CreatedAt"] == row["CreatedAt"]
    # Only a different value of a read-only field is an error.
    moved = {**body, "CreatedAt": "2001-01-01 00:00:00 UTC"}
    assert error(client.put(f"/v3/REST/contact/{row['ID']}", json=moved)).startswith("MJ19 ")


def test_put_patches_and_returns_the_full_object(client: TestClient) -> None:
    response = client.put(
        "/v3/REST/contact/alice@example.com", json={"Name": "Alicia", "IsExcludedFromCampaigns": True}
    )
    assert response.status_code == 200
    row = one(response)
    assert (row["Name"], row["Email"], row["DeliveredCount"]) == ("Alicia", "alice@example.com", 3)
    assert row["LastUpdateAt"] == row["ExclusionFromCampaignsUpdatedAt"] == "2023-11-14T22:13:20Z"


def test_put_without_change_is_304(client: TestClient) -> None:
    for body in (
        {},
        {"Name": "Alice"},
        {"Name": "Alice", "DeliveredCount": 3, "CreatedAt": "2023-11-14T21:56:40Z"},
    ):
        response = client.put("/v3/REST/contact/1", json=body)
        assert (response.status_code, response.content) == (304, b"")


def test_put_read_only_to_a_new_value_is_mj19(client: TestClient) -> None:
    assert error(client.put("/v3/REST/contact/1", json={"DeliveredCount": 9})) == (
        'MJ19 Setting a value for property "DeliveredCount" is not allowed'
    )


def test_contact_email_cannot_change(client: TestClient) -> None:
    assert error(client.put("/v3/REST/contact/1", json={"Email": "new@example.com"})) == (
        "Not allowed to change email address in PUT"
    )
    assert client.put("/v3/REST/contact/1", json={"Email": "ALICE@example.com"}).status_code == 304


def test_contactslist_address_is_generated_and_fixed(client: TestClient, state: EmulatorState) -> None:
    row = one(client.post("/v3/REST/contactslist", json={"Name": "VIP"}))
    assert len(row["Address"]) == 9 and row["Address"].isalpha() and row["SubscriberCount"] == 0
    assert one(client.get(f"/v3/REST/contactslist/{row['Address']}"))["ID"] == row["ID"]
    expected = "List address is automatically generated and can't be changed"
    assert error(client.post("/v3/REST/contactslist", json={"Name": "X", "Address": "abc"})) == expected
    assert error(client.put(f"/v3/REST/contactslist/{row['ID']}", json={"Address": "zzz"})) == expected
    assert "MJ18" in error(client.post("/v3/REST/contactslist", json={"Name": "newsletter"}))


def test_contactslist_delete_is_soft(client: TestClient) -> None:
    response = client.delete("/v3/REST/contactslist/2")
    assert (response.status_code, response.content) == (204, b"")
    assert one(client.get("/v3/REST/contactslist/2"))["IsDeleted"] is True
    assert client.get("/v3/REST/contactslist").json()["Count"] == 2
    assert one(client.put("/v3/REST/contactslist/2", json={"IsDeleted": False}))["IsDeleted"] is False


def test_hard_delete_removes_the_row(client: TestClient) -> None:
    assert client.delete("/v3/REST/contactmetadata/static|city").status_code == 204
    assert client.get("/v3/REST/contactmetadata/2").status_code == 404


def test_listrecipient_by_alt_keys_keeps_counts(client: TestClient) -> None:
    body = {"ContactAlt": "carol@example.org", "ListAlt": "Promo", "IsUnsubscribed": True}
    row = one(client.post("/v3/REST/listrecipient", json=body))
    assert (row["ContactID"], row["ListID"], row["ListName"]) == (3, 2, "Promo")
    assert row["SubscribedAt"] == row["UnsubscribedAt"] == "2023-11-14T22:13:20Z"
    assert one(client.get("/v3/REST/contactslist/2"))["SubscriberCount"] == 2
    duplicate = client.post("/v3/REST/listrecipient", json={"ContactID": 3, "ListAlt": "jklmnopqr"})
    assert error(duplicate) == "A duplicate ListRecipient already exists."
    assert client.delete(f"/v3/REST/listrecipient/{row['ID']}").status_code == 204
    assert one(client.get("/v3/REST/contactslist/2"))["SubscriberCount"] == 1
    assert "MJ08" in error(client.post("/v3/REST/listrecipient", json={"ContactID": 99, "ListID": 1}))
    assert "MJ08" in error(client.post("/v3/REST/listrecipient", json={"ContactAlt": "no@x.io", "ListID": 1}))


def test_contactmetadata_composite_key(client: TestClient) -> None:
    assert one(client.get("/v3/REST/contactmetadata/static|AGE"))["Datatype"] == "int"
    assert "MJ18" in error(
        client.post("/v3/REST/contactmetadata", json={"Name": "age", "NameSpace": "static"})
    )
    created = one(client.post("/v3/REST/contactmetadata", json={"Name": "age", "NameSpace": "historic"}))
    assert created["Datatype"] == "str"
    assert "MJ08" in error(client.post("/v3/REST/contactmetadata", json={"Name": "x", "Datatype": "date"}))


def test_contactdata_ids_strings_and_merge(client: TestClient) -> None:
    row = one(client.get("/v3/REST/contactdata/2"))
    assert row == {"ContactID": 2, "Data": [], "ID": 2, "MethodCollection": ""}
    put = client.put("/v3/REST/contactdata/bob@example.com", json={"Data": [{"Name": "age", "Value": 30}]})
    assert one(put)["Data"] == [{"Name": "age", "Value": "30"}]
    merged = one(client.put("/v3/REST/contactdata/2", json={"Data": [{"Name": "city", "Value": "Paris"}]}))
    assert merged["Data"] == [{"Name": "age", "Value": "30"}, {"Name": "city", "Value": "Paris"}]
    assert merged["ID"] == 2
    same = client.put("/v3/REST/contactdata/2", json={"Data": [{"Name": "city", "Value": "Paris"}]})
    assert same.status_code == 304


def test_contactdata_post_and_property_rules(client: TestClient) -> None:
    created = client.post(
        "/v3/REST/contactdata", json={"ContactID": 3, "Data": [{"Name": "age", "Value": "41"}]}
    )
    assert created.status_code == 201
    assert one(created) == {
        "ContactID": 3,
        "Data": [{"Name": "age", "Value": "41"}],
        "ID": 3,
        "MethodCollection": "",
    }
    assert "MJ18" in error(client.post("/v3/REST/contactdata", json={"ContactID": 3}))
    unknown = client.put("/v3/REST/contactdata/1", json={"Data": [{"Name": "shoe", "Value": "42"}]})
    assert unknown.json()["ErrorInfo"] == {"Properties": [{"shoe": "Property not defined"}]}
    wrong = client.put("/v3/REST/contactdata/1", json={"Data": [{"Name": "age", "Value": "old"}]})
    assert wrong.json()["ErrorInfo"] == {"Properties": [{"age": "Property type does not match definition"}]}
    assert client.get("/v3/REST/contactdata/999").status_code == 404


def test_created_at_follows_the_emulator_clock(client: TestClient, state: EmulatorState) -> None:
    state.clock.advance(60)
    row = one(client.post("/v3/REST/contactmetadata", json={"Name": "shoe"}))
    assert row["ID"] == 3
    listed = one(client.post("/v3/REST/contactslist", json={"Name": "Later"}))
    assert listed["CreatedAt"] == "2023-11-14T22:14:20Z" and state.clock.now() == NOW + 60


def test_composite_key_with_a_boolean_part(client: TestClient) -> None:
    body = {"EventType": "open", "Url": "https://hooks.example.com/mj", "Version": 2}
    created = one(client.post("/v3/REST/eventcallbackurl", json=body))
    assert created["APIKeyID"] == 1 and created["IsBackup"] is False
    assert one(client.get("/v3/REST/eventcallbackurl/open|false"))["ID"] == created["ID"]
    assert client.get("/v3/REST/eventcallbackurl/open|true").status_code == 404
    assert "MJ18" in error(client.post("/v3/REST/eventcallbackurl", json=body))
