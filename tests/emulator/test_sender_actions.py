"""Sender validate, dns check, and the dns row a new sender creates (mailjet-api.md §2.4, §8.18)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mailjet_connector.emulator.app import create_app
from mailjet_connector.emulator.resources.senders import publish_dns
from mailjet_connector.emulator.seed import DEFAULT_API_KEY, DEFAULT_API_SECRET, build_state
from mailjet_connector.emulator.state import EmulatorState
from tests.emulator.conftest import TestClient

NOW = 1_700_000_000  # 2023-11-14T22:13:20Z
NOW_TEXT = "2023-11-14T22:13:20Z"


@pytest.fixture
def state() -> EmulatorState:
    return build_state(scale="tiny", now=NOW, frozen=True)


@pytest.fixture
def client(state: EmulatorState) -> Iterator[TestClient]:
    with TestClient(create_app(state)) as test_client:
        test_client.auth = (DEFAULT_API_KEY, DEFAULT_API_SECRET)
        yield test_client


def data(response: Any, status: int = 200) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    return response.json()["Data"]


def new_sender(client: TestClient, email: str) -> dict[str, Any]:
    return data(client.post("/v3/REST/sender", json={"Email": email}), 201)[0]


def test_new_sender_is_inactive_with_a_dns_row_for_its_domain(client: TestClient) -> None:
    sender = new_sender(client, "hello@shop.example.org")
    assert sender["Status"] == "Inactive" and sender["Filename"].endswith(".txt")
    dns = data(client.get("/v3/REST/dns/shop.example.org"))[0]
    assert sender["DNSID"] == dns["ID"]
    assert (dns["SPFStatus"], dns["DKIMStatus"], dns["LastCheckAt"]) == ("Not checked", "Not checked", "")
    # A second sender of the same domain shares the row.
    assert new_sender(client, "*@shop.example.org")["DNSID"] == dns["ID"]


def test_recreating_an_inactive_sender_points_to_validate(client: TestClient, state: EmulatorState) -> None:
    # node-mailjet's integration tests assert this answer (#18 item 8); lower-case `email` as they send it.
    new_sender(client, "gbadi@shop.example.org")
    again = client.post("/v3/REST/sender", json={"email": "GBadi@shop.example.org"})
    assert again.status_code == 400
    assert again.json()["ErrorMessage"] == (
        'There is an already existing inactive sender with the same email. You can use "validate" action in '
        "order to activate it."
    )
    # An active one keeps the generic duplicate answer.
    publish_dns(state.accounts[DEFAULT_API_KEY], "shop.example.org")
    active = new_sender(client, "active@shop.example.org")
    assert data(client.post(f"/v3/REST/sender/{active['ID']}/validate"))[0]["ValidationMethod"]
    duplicate = client.post("/v3/REST/sender", json={"Email": "active@shop.example.org"})
    assert duplicate.status_code == 400 and duplicate.json()["ErrorMessage"].startswith("MJ18 ")


def test_validate_fails_with_details_while_dns_is_not_published(client: TestClient) -> None:
    sender = new_sender(client, "hello@shop.example.org")
    outcome = data(client.post(f"/v3/REST/sender/{sender['ID']}/validate", json={}))
    assert outcome[0]["ValidationMethod"] == "" and outcome[0]["GlobalError"]
    assert set(outcome[0]["Errors"]) == {"DNSValidationError", "FileValidationError"}
    assert sender["Filename"] in outcome[0]["Errors"]["FileValidationError"]
    assert data(client.get(f"/v3/REST/sender/{sender['ID']}"))[0]["Status"] == "Inactive"


def test_validate_succeeds_once_the_domain_is_published(client: TestClient, state: EmulatorState) -> None:
    sender = new_sender(client, "hello@shop.example.org")
    publish_dns(state.accounts[DEFAULT_API_KEY], "Shop.Example.org")
    outcome = data(client.post("/v3/REST/sender/hello@shop.example.org/validate", json={}))
    assert outcome == [{"Errors": {}, "GlobalError": "", "ValidationMethod": "DNS"}]
    assert data(client.get(f"/v3/REST/sender/{sender['ID']}"))[0]["Status"] == "Active"
    dns = data(client.get("/v3/REST/dns/shop.example.org"))[0]
    assert (dns["SPFStatus"], dns["DKIMStatus"], dns["LastCheckAt"]) == ("OK", "OK", NOW_TEXT)


def test_seeded_inactive_sender_on_an_ok_domain_validates(client: TestClient) -> None:
    outcome = data(client.post("/v3/REST/sender/info@example.com/validate", json={}))
    assert outcome[0]["ValidationMethod"] == "DNS"
    assert data(client.get("/v3/REST/sender/info@example.com"))[0]["Status"] == "Active"


def test_validate_an_active_sender_is_400(client: TestClient) -> None:
    response = client.post("/v3/REST/sender/news@example.com/validate", json={})
    assert response.status_code == 400
    assert response.json()["StatusCode"] == 400


def test_validate_unknown_sender_is_404(client: TestClient) -> None:
    assert client.post("/v3/REST/sender/999999/validate", json={}).status_code == 404


def test_dns_check_reports_missing_records_and_stamps_the_time(client: TestClient) -> None:
    result = data(client.post("/v3/REST/dns/mail1.example.com/check", json={}))[0]
    assert result == {
        "DKIMErrors": [result["DKIMErrors"][0]],
        "DKIMRecordCurrentValue": "",
        "DKIMStatus": "Error",
        "SPFErrors": [result["SPFErrors"][0]],
        "SPFRecordsCurrentValues": [],
        "SPFStatus": "Not found",
    }
    dns = data(client.get("/v3/REST/dns/mail1.example.com"))[0]
    assert (dns["SPFStatus"], dns["DKIMStatus"], dns["LastCheckAt"]) == ("Not found", "Error", NOW_TEXT)


def test_dns_check_of_a_published_domain_is_ok(client: TestClient, state: EmulatorState) -> None:
    publish_dns(state.accounts[DEFAULT_API_KEY], "mail1.example.com")
    result = data(client.post("/v3/REST/dns/2/check", json={}))[0]
    dns = data(client.get("/v3/REST/dns/2"))[0]
    assert result == {
        "DKIMErrors": [],
        "DKIMRecordCurrentValue": dns["DKIMRecordValue"],
        "DKIMStatus": "OK",
        "SPFErrors": [],
        "SPFRecordsCurrentValues": [dns["SPFRecordValue"]],
        "SPFStatus": "OK",
    }


def test_dns_check_keeps_an_ok_domain_ok(client: TestClient) -> None:
    result = data(client.post("/v3/REST/dns/example.com/check", json={}))[0]
    assert (result["SPFStatus"], result["DKIMStatus"]) == ("OK", "OK")


def test_check_is_post_only(client: TestClient) -> None:
    assert client.get("/v3/REST/dns/example.com/check").status_code == 405
