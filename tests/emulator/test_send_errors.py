"""Send API v3.1 errors: every ErrorCode of mailjet-api.md §5.2 with its status and ErrorRelatedTo."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from mailjet_connector.emulator.send.validation import MAX_ATTACHMENT_BYTES, check_message
from tests.emulator.send_fixtures import (
    PLAIN_ID,
    WELCOME_ID,
    account_of,
    make_client,
    make_state,
    message,
    rows,
)

ATTACHMENT = {"ContentType": "text/plain", "Filename": "a.txt", "Base64Content": "aGk="}

CASES: list[tuple[str, dict[str, Any], str, int, list[str]]] = [
    (
        "no-content",
        {"TextPart": None, "HTMLPart": None},
        "send-0003",
        400,
        ["TextPart", "HTMLPart", "TemplateID"],
    ),
    ("html-and-template-html", {"TemplateID": WELCOME_ID}, "send-0004", 400, ["HTMLPart", "TemplateID"]),
    ("sender-not-allowed", {"Sender": {"Email": "shop@example.com"}}, "send-0006", 403, ["SenderID"]),
    ("from-unknown", {"From": {"Email": "nobody@else.example"}}, "send-0008", 403, ["From"]),
    ("from-inactive", {"From": {"Email": "pending@example.com"}}, "send-0008", 403, ["From"]),
    ("template-not-owned", {"TemplateID": 999, "HTMLPart": None}, "send-0010", 400, ["TemplateID"]),
    ("forbidden-header", {"Headers": {"X-Mailer": "me"}}, "send-0011", 400, ['Headers["X-Mailer"]']),
    (
        "forbidden-header-ci",
        {"Headers": {"message-id": "<a@b>"}},
        "send-0011",
        400,
        ['Headers["message-id"]'],
    ),
    (
        "dedup-no-campaign",
        {"DeduplicateCampaign": True},
        "send-0012",
        400,
        ["CustomCampaign", "DeduplicateCampaign"],
    ),
    ("unknown-category", {"MonitoringCategory": "nope"}, "send-0013", 400, ["MonitoringCategory"]),
    ("reporting-no-language", {"TemplateErrorDeliver": True}, "send-0016", 400, ["TemplateLanguage"]),
    ("to-missing", {"To": None}, "mj-0003", 400, ["To"]),
    ("from-missing", {"From": None}, "mj-0003", 400, ["From"]),
    ("email-missing", {"To": [{"Name": "x"}]}, "mj-0003", 400, ["To[0].Email"]),
    ("to-not-array", {"To": "alice@example.org"}, "mj-0004", 400, ["To"]),
    ("from-not-object", {"From": "shop@example.com"}, "mj-0004", 400, ["From"]),
    ("subject-not-string", {"Subject": 5}, "mj-0004", 400, ["Subject"]),
    ("template-id-string", {"TemplateID": "1"}, "mj-0004", 400, ["TemplateID"]),
    ("header-not-string", {"Headers": {"X-A": 1}}, "mj-0004", 400, ['Headers["X-A"]']),
    ("track-opens-value", {"TrackOpens": "always"}, "mj-0005", 400, ["TrackOpens"]),
    ("track-clicks-value", {"TrackClicks": "yes"}, "mj-0005", 400, ["TrackClicks"]),
    ("priority-value", {"Priority": 9}, "mj-0005", 400, ["Priority"]),
    ("subject-too-long", {"Subject": "x" * 256}, "mj-0006", 400, ["Subject"]),
    ("urltags-too-long", {"URLTags": "a" * 257}, "mj-0006", 400, ["URLTags"]),
    ("to-empty", {"To": []}, "mj-0007", 400, ["To"]),
    ("too-many-attachments", {"Attachments": [ATTACHMENT] * 51}, "mj-0008", 400, ["Attachments"]),
    ("too-many-headers", {"Headers": {f"X-{i}": "v" for i in range(51)}}, "mj-0008", 400, ["Headers"]),
    ("too-many-variables", {"Variables": {f"v{i}": i for i in range(51)}}, "mj-0008", 400, ["Variables"]),
    ("empty-email", {"To": [{"Email": ""}]}, "mj-0012", 400, ["To[0].Email"]),
    (
        "empty-filename",
        {"Attachments": [{**ATTACHMENT, "Filename": ""}]},
        "mj-0012",
        400,
        ["Attachments[0].Filename"],
    ),
    ("bad-email", {"To": [{"Email": "passenger@example..com"}]}, "mj-0013", 400, ["To[0].Email"]),
]


@pytest.fixture
def state():
    return make_state()


@pytest.mark.parametrize(
    ("overrides", "code", "status", "related"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_message_error(state, overrides, code, status, related):
    response = make_client(state).post("/v3.1/send", json={"Messages": [message(**overrides)]})
    assert response.status_code == status
    (result,) = response.json()["Messages"]
    assert result["Status"] == "error"
    matching = [e for e in result["Errors"] if e["ErrorCode"] == code]
    assert matching, result["Errors"]
    error = matching[0]
    assert error["StatusCode"] == status and error["ErrorRelatedTo"] == related
    assert list(error) == ["ErrorIdentifier", "ErrorCode", "StatusCode", "ErrorMessage", "ErrorRelatedTo"]
    uuid.UUID(error["ErrorIdentifier"])
    assert rows(state, "message") == []


def test_invalid_email_message_is_mailjets(state):
    body = {"Messages": [message(To=[{"Email": "passenger@example..com"}])]}
    error = make_client(state).post("/v3.1/send", json=body).json()["Messages"][0]["Errors"][0]
    assert error["ErrorMessage"] == '"passenger@example..com" is an invalid email address.'


def test_no_content_message_is_mailjets(state):
    body = {"Messages": [message(TextPart=None, HTMLPart=None)]}
    error = make_client(state).post("/v3.1/send", json=body).json()["Messages"][0]["Errors"][0]
    assert error["ErrorMessage"] == 'At least "HTMLPart", "TextPart" or "TemplateID" must be provided.'


def test_sender_granted_but_not_validated_is_send_0007(state):
    account_of(state).extra["sender_header_allowed"] = True
    ok = make_client(state).post(
        "/v3.1/send", json={"Messages": [message(Sender={"Email": "shop@example.com"})]}
    )
    assert ok.status_code == 200
    body = {"Messages": [message(Sender={"Email": "pending@example.com"})]}
    error = make_client(state).post("/v3.1/send", json=body).json()["Messages"][0]["Errors"][0]
    assert (error["ErrorCode"], error["StatusCode"], error["ErrorRelatedTo"]) == (
        "send-0007",
        403,
        ["SenderID"],
    )


def test_domain_sender_authorises_any_address_of_the_domain(state):
    body = {"Messages": [message(From={"Email": "anyone@brand.example"})]}
    assert make_client(state).post("/v3.1/send", json=body).status_code == 200


def test_known_monitoring_category_is_accepted(state):
    account_of(state).extra["monitoring_categories"] = ["billing"]
    body = {"Messages": [message(MonitoringCategory="billing")]}
    assert make_client(state).post("/v3.1/send", json=body).status_code == 200


def test_template_without_html_accepts_htmlpart(state):
    body = {"Messages": [message(TemplateID=PLAIN_ID)]}
    assert make_client(state).post("/v3.1/send", json=body).status_code == 200


def test_too_many_recipients_in_the_call_is_send_0015(state):
    first = message(To=[{"Email": f"a{i}@example.org"} for i in range(26)])
    second = message(To=[{"Email": f"b{i}@example.org"} for i in range(25)])
    response = make_client(state).post("/v3.1/send", json={"Messages": [first, second]})
    assert response.status_code == 400
    for result in response.json()["Messages"]:
        (error,) = result["Errors"]
        assert error["ErrorCode"] == "send-0015"
        assert error["ErrorMessage"] == "Total number of recipients exceeded. Max allowed - 50."
        assert error["ErrorRelatedTo"] == ["To", "Bcc", "Cc"]
    assert rows(state, "message") == [] and rows(state, "contact") == []


def test_fifty_recipients_are_allowed(state):
    first = message(To=[{"Email": f"a{i}@example.org"} for i in range(25)])
    second = message(To=[{"Email": f"b{i}@example.org"} for i in range(25)])
    assert make_client(state).post("/v3.1/send", json={"Messages": [first, second]}).status_code == 200
    assert len(rows(state, "message")) == 50


GLOBAL_CASES = [
    ("malformed", b'{"Messages": [', "mj-0002"),
    ("not-object", b"[1, 2]", "mj-0002"),
    ("messages-not-array", b'{"Messages": {}}', "mj-0002"),
    ("sandbox-not-bool", b'{"Messages": [{}], "SandboxMode": "yes"}', "mj-0002"),
    ("messages-missing", b'{"SandboxMode": true}', "mj-0003"),
    ("messages-empty", b'{"Messages": []}', "mj-0007"),
    ("messages-too-many", b'{"Messages": [' + b",".join([b'{"TextPart": "x"}'] * 51) + b"]}", "mj-0008"),
]


@pytest.mark.parametrize(("raw", "code"), [c[1:] for c in GLOBAL_CASES], ids=[c[0] for c in GLOBAL_CASES])
def test_global_error(state, raw, code):
    response = make_client(state).post(
        "/v3.1/send", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["ErrorIdentifier", "ErrorCode", "ErrorMessage", "StatusCode"]
    assert body["ErrorCode"] == code and body["StatusCode"] == 400


def test_malformed_json_message_is_mailjets(state):
    body = make_client(state).post("/v3.1/send", content=b"{").json()
    assert body["ErrorMessage"] == "Malformed JSON, please review the syntax and properties types."


def test_payload_too_large_is_mj_0011(state):
    client = make_client(state, max_payload_bytes=300)
    response = client.post("/v3.1/send", json={"Messages": [message(TextPart="x" * 400)]})
    assert response.status_code == 400 and response.json()["ErrorCode"] == "mj-0011"


def test_attachments_over_15_mb_are_refused():
    huge = "A" * (MAX_ATTACHMENT_BYTES * 4 // 3 + 8)
    errors = check_message(message(Attachments=[{**ATTACHMENT, "Base64Content": huge}]))
    assert [e.code for e in errors] == ["mj-0011"]


def test_one_message_reports_all_its_errors(state):
    body = {"Messages": [message(Subject=5, TrackOpens="x", To=[{"Email": "bad"}])]}
    errors = make_client(state).post("/v3.1/send", json=body).json()["Messages"][0]["Errors"]
    assert {e["ErrorCode"] for e in errors} == {"mj-0004", "mj-0005", "mj-0013"}
