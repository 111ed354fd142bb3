"""Status lines and bodies of REST failures, authentication, account isolation and the request log."""

from __future__ import annotations

import asyncio

import pytest

from mailjet_connector.emulator.app import create_app
from mailjet_connector.emulator.middleware.request_log import RequestLogMiddleware
from mailjet_connector.emulator.state import EmulatorState
from tests.emulator.conftest import OTHER, TestClient


@pytest.mark.parametrize("auth", [None, ("mainkey", "wrong"), ("nobody", "mainsecret")])
def test_bad_credentials_get_the_bare_401(state: EmulatorState, auth: tuple[str, str] | None) -> None:
    client = TestClient(create_app(state))
    client.auth = auth
    response = client.get("/v3/REST/contact")
    assert response.status_code == 401
    assert response.content == b""
    assert response.headers["content-type"] == "text/html"
    assert response.headers["www-authenticate"] == 'Basic realm="Provide an apiKey and secretKey"'


def test_unknown_object_is_404_object_not_found(client: TestClient) -> None:
    for path in (
        "/v3/REST/contact/999",
        "/v3/REST/contact/nobody@example.com",
        "/v3/REST/contact/999/getcontactslists",
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert response.text == '{"ErrorInfo":"","ErrorMessage":"Object not found","StatusCode":404}'


def test_unknown_resource_is_400(client: TestClient) -> None:
    response = client.get("/v3/REST/contacts")
    assert response.status_code == 400
    assert response.json() == {
        "ErrorInfo": "Bad Request",
        "ErrorMessage": 'Unknown resource: "contacts"',
        "StatusCode": 400,
    }


def test_path_without_rest_is_the_efp_500(client: TestClient) -> None:
    response = client.get("/v3/wrongresourcepath")
    assert response.status_code == 500
    assert response.json() == {
        "ErrorInfo": "EFPWebError",
        "ErrorMessage": 'Could not determine HTTP module for request "wrongresourcepath"',
        "StatusCode": 500,
    }


def test_v31_rest_is_an_nginx_404(client: TestClient) -> None:
    response = client.get("/v3.1/REST/contactslist")
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html"
    assert b"<center>nginx</center>" in response.content


def test_verb_the_resource_does_not_offer_is_401_operation_not_allowed(client: TestClient) -> None:
    # Mailjet's answer to DELETE contact, quoted in issues of the PHP, Node, .NET and Java clients (#18 item 2).
    for response in (client.delete("/v3/REST/contact/1"), client.delete("/v3/REST/contact/999999"),
                     client.post("/v3/REST/message", json={}), client.put("/v3/REST/message/1", json={})):  # fmt: skip
        assert response.status_code == 401
        assert response.headers["x-emulator-reason"] == "Operation not allowed"  # the status line's reason
        assert response.headers["content-type"] == "application/json"
        assert "www-authenticate" not in response.headers
        assert response.json() == {
            "ErrorInfo": "",
            "ErrorMessage": "Operation not allowed",
            "StatusCode": 401,
        }


def test_verb_offered_elsewhere_is_405_method_not_allowed(client: TestClient) -> None:
    response = client.post("/v3/REST/contact/1", json={})
    assert response.status_code == 405 and response.headers["allow"] == "GET, PUT"
    assert response.json() == {"ErrorInfo": "", "ErrorMessage": "Method not allowed", "StatusCode": 405}
    assert client.delete("/v3/REST/listrecipient").status_code == 405  # DELETE needs an ID (php-simple#9)


def test_names_are_case_insensitive(client: TestClient) -> None:
    assert client.get("/v3/REST/ContactsList").json()["Count"] == 2
    assert client.get("/v3/REST/contact/1/GetContactsLists").status_code == 200
    assert "Unknown resource" not in client.get("/v3/REST/statistics/Link-Click?CampaignID=1").text


def test_slash_names_resolve_to_their_resource(client: TestClient) -> None:
    response = client.get("/v3/REST/statistics/nothing")
    assert response.json()["ErrorMessage"] == 'Unknown resource: "statistics"'


def test_each_account_sees_only_its_own_tables(state: EmulatorState, client: TestClient) -> None:
    client.auth = OTHER
    assert client.get("/v3/REST/contact").json() == {"Count": 0, "Data": [], "Total": 0}
    assert client.get("/v3/REST/contact/1").status_code == 404


def test_request_log_records_key_and_status_but_never_the_secret(
    state: EmulatorState, client: TestClient
) -> None:
    client.get("/v3/REST/contact?Limit=1")
    client.get("/v3/REST/contact/999")
    entries = state.request_log[-2:]
    assert [(e["method"], e["path"], e["api_key"], e["status"]) for e in entries] == [
        ("GET", "/v3/REST/contact", "mainkey", 200),
        ("GET", "/v3/REST/contact/999", "mainkey", 404),
    ]
    assert "mainsecret" not in repr(state.request_log)


def test_request_log_is_bounded(state: EmulatorState) -> None:
    async def ok(scope, receive, send):  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    middleware = RequestLogMiddleware(ok, state=state, size=10)
    scope = {"type": "http", "method": "GET", "path": "/x", "headers": [], "query_string": b""}

    async def send(message):  # type: ignore[no-untyped-def]
        return None

    async def many() -> None:
        for _ in range(50):
            await middleware(scope, None, send)

    asyncio.run(many())
    assert 10 <= len(state.request_log) <= 11


def test_other_v4_services_check_credentials_first(client: TestClient) -> None:
    # node-mailjet's own error-handling tests: a bad token on /v4/sms answers the newer services' 401 JSON.
    refused = client.get("/v4/sms", headers={"Authorization": "Bearer not-a-token"}, auth=None)
    assert refused.status_code == 401
    assert refused.json()["ErrorMessage"].startswith("API key authentication/authorization failure")
    assert client.get("/v4/sms").status_code == 404  # good credentials: the service is not emulated
    bearer = client.get("/v1/REST/templates", headers={"Authorization": "Bearer fake"}, auth=None)
    assert bearer.status_code == 401  # the v1 Content API, as mailjet-apiv3-python's tests expect
