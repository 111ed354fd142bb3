"""Send API v3 (`POST /v3/send`): Recipients vs SMTP strings, bulk Messages, `Sent` answer, classic errors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.send_fixtures import account_of, make_client, make_state, rows


@pytest.fixture
def state():
    return make_state()


def v3(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "FromEmail": "shop@example.com",
        "FromName": "Shop",
        "Subject": "Hi",
        "Text-part": "Hello",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def test_recipients_each_get_their_own_message(state):
    body = v3(
        Recipients=[{"Email": "a@example.org", "Vars": {"n": "A"}}, {"Email": "b@example.org", "Name": "B"}],
        **{"Text-part": 'Hi {{var:n:"you"}}', "Mj-TemplateLanguage": True},
    )
    response = make_client(state).post("/v3/send", json=body)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    sent = response.json()["Sent"]
    assert [s["Email"] for s in sent] == ["a@example.org", "b@example.org"]
    messages = rows(state, "message")
    assert [m["ID"] for m in messages] == [s["MessageID"] for s in sent]
    assert [m["UUID"] for m in messages] == [s["MessageUUID"] for s in sent]
    contents = account_of(state).extra["sent_content"]
    assert [contents[m["ID"]]["TextPart"] for m in messages] == ["Hi A", "Hi you"]


def test_nested_names_are_case_insensitive(state):
    # #18 item 7: lower-case keys inside Recipients answered `Invalid email address "None"`.
    body = v3(Recipients=[{"email": "a@example.org", "name": "A", "vars": {"n": "Ann"}}])
    body.update({"Text-part": "Hi {{var:n}}", "Mj-TemplateLanguage": True})
    response = make_client(state).post("/v3/send", json={"messages": [body]})
    assert response.status_code == 200, response.text
    assert [s["Email"] for s in response.json()["Sent"]] == ["a@example.org"]
    missing = make_client(state).post("/v3/send", json=v3(Recipients=[{"name": "No address"}]))
    assert missing.status_code == 400 and "None" not in missing.text


def test_smtp_strings_share_one_message_per_address(state):
    body = v3(To='"Ann" <ann@example.org>, bob@example.org', Cc="cat@example.org")
    sent = make_client(state).post("/v3/send", json=body).json()["Sent"]
    assert [s["Email"] for s in sent] == ["ann@example.org", "bob@example.org", "cat@example.org"]
    assert {c["Email"]: c["Name"] for c in rows(state, "contact")}["ann@example.org"] == "Ann"


def test_bulk_messages_and_template_by_name(state):
    first = v3(To="a@example.org", **{"Mj-TemplateID": "plain", "Text-part": None})
    second = v3(To="b@example.org", **{"Mj-campaign": "promo", "Mj-trackopen": 1})
    sent = make_client(state).post("/v3/send", json={"Messages": [first, second]}).json()["Sent"]
    assert len(sent) == 2
    one, two = rows(state, "message")
    assert account_of(state).extra["sent_content"][one["ID"]]["TemplateID"] == 2
    assert two["CampaignID"] == rows(state, "campaign")[0]["ID"] and not two["IsOpenTracked"]


def test_from_email_may_carry_a_name(state):
    body = v3(FromEmail="Shop <shop@example.com>", FromName=None, To="a@example.org")
    make_client(state).post("/v3/send", json=body)
    (row,) = rows(state, "message")
    assert account_of(state).extra["sent_content"][row["ID"]]["From"] == {
        "Email": "shop@example.com",
        "Name": "Shop",
    }


ERRORS = [
    ("no-recipients", v3(), 400, 'Missing "To" or "Recipients" property'),
    ("both", v3(To="a@example.org", Recipients=[{"Email": "b@example.org"}]), 400, None),
    ("headers-not-object", v3(To="a@example.org", Headers=[1]), 400, '"Headers" is not JSON object type'),
    ("header-not-string", v3(To="a@example.org", Headers={"X-A": 1}), 400, "Header [X-A] is not string type"),
    (
        "crlf-header",
        v3(To="a@example.org", Headers={"X-A": "a\r\nBcc: x"}),
        400,
        "Invalid characters detected",
    ),
    (
        "too-many-to",
        v3(To=", ".join(f"r{i}@example.org" for i in range(51))),
        400,
        "Too many recipients in To",
    ),
    ("no-from", v3(FromEmail=None, To="a@example.org"), 400, None),
    ("bad-sender", v3(FromEmail="x@nowhere.example", To="a@example.org"), 403, None),
    ("no-content", v3(To="a@example.org", **{"Text-part": None}), 400, None),
    ("unknown-template", v3(To="a@example.org", **{"Mj-TemplateID": "nope"}), 400, None),
    ("bad-tracking", v3(To="a@example.org", **{"Mj-trackclick": 7}), 400, None),
    ("bad-address", v3(To="not-an-address"), 400, None),
    ("too-many-messages", {"Messages": [v3(To="a@example.org")] * 101}, 400, None),
]


@pytest.mark.parametrize(("body", "status", "text"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_classic_errors(state, body, status, text):
    response = make_client(state).post("/v3/send", json=body)
    assert response.status_code == status
    answer = response.json()
    assert list(answer) == ["ErrorInfo", "ErrorMessage", "StatusCode"]
    assert answer["StatusCode"] == status and answer["ErrorInfo"] == ""
    if text is not None:
        assert answer["ErrorMessage"] == text
    assert rows(state, "message") == [] and rows(state, "contact") == []


def test_one_bad_message_fails_the_whole_bulk_call(state):
    body = {"Messages": [v3(To="a@example.org"), v3()]}
    assert make_client(state).post("/v3/send", json=body).status_code == 400
    assert rows(state, "message") == []


def test_malformed_json_is_a_classic_400(state):
    response = make_client(state).post("/v3/send", content=b"{nope")
    assert response.status_code == 400 and response.json()["StatusCode"] == 400


def test_bad_credentials_answer_rest_401(state):
    response = make_client(state).post("/v3/send", json=v3(To="a@example.org"), auth=("send-key", "bad"))
    assert response.status_code == 401
    assert response.content == b""
    assert response.headers["www-authenticate"] == 'Basic realm="Provide an apiKey and secretKey"'
