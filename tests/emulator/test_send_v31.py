"""Send API v3.1 through the emulator: answer shapes, effects, sandbox, mixed batches, global errors."""

from __future__ import annotations

import pytest

from mailjet_connector.emulator.state import MESSAGE_ID_BASE
from tests.emulator.send_fixtures import NOW, account_of, make_client, make_state, message, rows


@pytest.fixture
def state():
    return make_state()


@pytest.fixture
def client(state):
    with make_client(state) as c:
        yield c


def test_success_answer_has_mailjet_shape(client):
    response = client.post("/v3.1/send", json={"Messages": [message(CustomID="order-1")]})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=UTF-8"
    assert response.headers["x-mj-request-guid"]
    assert b'": ' not in response.content  # compact JSON
    (result,) = response.json()["Messages"]
    assert result["Status"] == "success"
    assert result["CustomID"] == "order-1"
    assert result["Cc"] == [] and result["Bcc"] == []
    (to,) = result["To"]
    assert to["Email"] == "alice@example.org"
    assert to["MessageID"] > 2**53
    assert to["MessageHref"] == f"https://api.mailjet.com/v3/REST/message/{to['MessageID']}"
    assert len(to["MessageUUID"]) == 36


def test_send_creates_contact_message_and_hooks(client, state):
    body = {"Messages": [message(Cc=[{"Email": "bob@example.org"}], TrackClicks="disabled")]}
    answer = client.post("/v3.1/send", json=body).json()["Messages"][0]
    contacts = {c["Email"]: c for c in rows(state, "contact")}
    assert set(contacts) == {"alice@example.org", "bob@example.org"}
    assert contacts["alice@example.org"]["CreatedAt"] == NOW
    assert contacts["alice@example.org"]["DeliveredCount"] == 1
    assert contacts["alice@example.org"]["LastActivityAt"] == NOW
    assert contacts["alice@example.org"]["Name"] == "Alice"
    messages = rows(state, "message")
    assert [m["ID"] for m in messages] == [answer["To"][0]["MessageID"], answer["Cc"][0]["MessageID"]]
    first = messages[0]
    assert first["ID"] >= MESSAGE_ID_BASE
    assert first["ArrivedAt"] == NOW and first["Status"] == "sent"
    assert first["ContactID"] == contacts["alice@example.org"]["ID"]
    assert first["SenderID"] == rows(state, "sender")[0]["ID"]
    assert first["UUID"] == answer["To"][0]["MessageUUID"]
    assert first["IsHTMLPartIncluded"] and first["IsTextPartIncluded"]
    assert first["IsOpenTracked"] and not first["IsClickTracked"]
    assert first["Subject"] == "Hello" and first["CampaignID"] == 0
    assert first["MessageSize"] >= len("Hello") + len("Hi there")
    extra = account_of(state).extra
    assert extra["sent_messages"] == [m["ID"] for m in messages]
    assert extra["sent_content"][first["ID"]]["TextPart"] == "Hi there"


def test_known_contact_is_reused(client, state):
    client.post("/v3.1/send", json={"Messages": [message()]})
    client.post("/v3.1/send", json={"Messages": [message(To=[{"Email": "ALICE@example.org"}])]})
    (contact,) = rows(state, "contact")
    assert contact["DeliveredCount"] == 2


def test_sandbox_validates_and_creates_nothing(client, state):
    response = client.post("/v3.1/send", json={"Messages": [message()], "SandboxMode": True})
    assert response.status_code == 200
    to = response.json()["Messages"][0]["To"][0]
    assert to == {
        "Email": "alice@example.org",
        "MessageUUID": "",
        "MessageID": 0,
        "MessageHref": "https://api.mailjet.com/v3/REST/message/0",
    }
    assert rows(state, "message") == [] and rows(state, "contact") == []


def test_sandbox_still_reports_errors(client, state):
    body = {"Messages": [message(From={"Email": "nobody@else.example"})], "SandboxMode": True}
    response = client.post("/v3.1/send", json=body)
    assert response.status_code == 403
    assert response.json()["Messages"][0]["Errors"][0]["ErrorCode"] == "send-0008"


def test_mixed_batch_sends_valid_messages_and_answers_400(client, state):
    bad = message(TextPart=None, HTMLPart=None)
    response = client.post("/v3.1/send", json={"Messages": [message(), bad]})
    assert response.status_code == 400
    good_result, bad_result = response.json()["Messages"]
    assert good_result["Status"] == "success"
    assert bad_result == {"Status": "error", "Errors": [bad_result["Errors"][0]]}
    assert bad_result["Errors"][0]["ErrorCode"] == "send-0003"
    assert [m["ID"] for m in rows(state, "message")] == [good_result["To"][0]["MessageID"]]


def test_bad_credentials_answer_json_401(state):
    with make_client(state) as c:
        response = c.post("/v3.1/send", json={"Messages": [message()]}, auth=("send-key", "wrong"))
    assert response.status_code == 401
    body = response.json()
    assert body["StatusCode"] == 401 and body["ErrorIdentifier"]
    assert body["ErrorMessage"].startswith("API key authentication/authorization failure.")
    assert "wrong" not in response.text


def test_globals_are_merged_into_every_message(client, state):
    body = {
        "Globals": {"From": {"Email": "shop@example.com"}, "Headers": {"X-A": "1"}, "Variables": {"v": "g"}},
        "Messages": [message(From=None, Headers={"X-B": "2"}), message(From=None, To=[{"Email": "c@d.org"}])],
    }
    response = client.post("/v3.1/send", json=body)
    assert response.status_code == 200
    contents = account_of(state).extra["sent_content"]
    first, second = (contents[m["ID"]] for m in rows(state, "message"))
    assert first["Headers"] == {"X-A": "1", "X-B": "2"}
    assert second["Headers"] == {"X-A": "1"}


def test_custom_campaign_is_created_once_and_deduplicated(client, state):
    sent = {"Messages": [message(CustomCampaign="black-friday", DeduplicateCampaign=True)]}
    first = client.post("/v3.1/send", json=sent).json()["Messages"][0]["To"][0]["MessageID"]
    second = client.post("/v3.1/send", json=sent).json()["Messages"][0]["To"][0]["MessageID"]
    (campaign,) = rows(state, "campaign")
    assert campaign["CustomValue"] == "black-friday" and campaign["CampaignType"] == 1
    assert campaign["FirstMessageID"] == first
    by_id = {m["ID"]: m for m in rows(state, "message")}
    assert by_id[first]["CampaignID"] == by_id[second]["CampaignID"] == campaign["ID"]
    assert by_id[second]["Status"] == "blocked" and by_id[second]["StateID"] == 15
    assert rows(state, "contact")[0]["DeliveredCount"] == 1


def test_recipient_in_two_lists_gets_one_message(client, state):
    body = {"Messages": [message(Bcc=[{"Email": "alice@example.org"}])]}
    result = client.post("/v3.1/send", json=body).json()["Messages"][0]
    assert result["To"][0]["MessageID"] == result["Bcc"][0]["MessageID"]
    assert len(rows(state, "message")) == 1


@pytest.mark.parametrize(
    ("payload_globals", "variables", "path", "statuses"),
    [({"Variables": {"Some": None}}, None, 'Variables["Some"]', ["error", "error"]),
     ({}, {"a": {"b": [1, None]}}, 'Variables["a"]["b"][1]', ["error", "success"])],
)  # fmt: skip
def test_null_variables_are_refused(client, state, payload_globals, variables, path, statuses):
    # #18 item 5: Mailjet answers "Property value cannot be null." (mailjet/mailjet-apiv3-php#210).
    body = {"Globals": payload_globals, "Messages": [message(Variables=variables), message()]}
    response = client.post("/v3.1/send", json=body)
    assert response.status_code == 400
    answers = response.json()["Messages"]
    assert [a["Status"] for a in answers] == statuses
    error = answers[0]["Errors"][0]
    assert (error["ErrorMessage"], error["ErrorRelatedTo"]) == ("Property value cannot be null.", [path])


def test_v3_refuses_null_with_a_500(client):
    body = {"FromEmail": "shop@example.com", "Text-part": "x", "Recipients": [{"Email": "a@example.org"}]}
    response = client.post("/v3/send", json={**body, "Vars": {"Some": None}})
    assert response.status_code == 500
    assert response.json()["ErrorMessage"] == "Cannot convert data from Null value"
