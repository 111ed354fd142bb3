"""Template language and TemplateID sends: variables, defaults, template errors, template content."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.emulator.send.lookup import store_template_content, template_content
from mailjet_connector.emulator.send.render import render_parts, render_text
from tests.emulator.send_fixtures import WELCOME_ID, account_of, make_client, make_state, message, rows


def render(text: str, variables: dict, data: dict | None = None) -> tuple[str, list[str]]:
    missing: list[str] = []
    return render_text(text, variables, data or {}, missing), missing


def test_variables_and_defaults_are_rendered():
    assert render("Hi {{var:name}}!", {"name": "Ann"}) == ("Hi Ann!", [])
    assert render('Hi {{var:name:"friend"}}!', {}) == ("Hi friend!", [])
    assert render("Hi {{ var:name:'pal' }}!", {}) == ("Hi pal!", [])
    assert render("Hi {{var:name:buddy}}!", {}) == ("Hi buddy!", [])
    assert render('Hi {{var:name:"friend"}}!', {"name": "Bo"}) == ("Hi Bo!", [])


def test_missing_variable_without_default_is_reported():
    assert render("A{{var:x}}B{{var:y}}", {}) == ("AB", ["var:x", "var:y"])


def test_non_string_values_are_written_as_json():
    assert render("{{var:n}} {{var:ok}} {{var:l}}", {"n": 3, "ok": True, "l": [1, 2]}) == ("3 true [1,2]", [])


def test_data_tags_read_contact_properties():
    assert render('{{data:city:"?"}} {{data:age}}', {}, {"age": "30"}) == ("? 30", [])


def test_none_parts_stay_none():
    result = render_parts({"Subject": None, "TextPart": "{{var:a}}"}, {"a": "x"})
    assert result.parts == {"Subject": None, "TextPart": "x"} and not result.failed


@given(st.text().filter(lambda t: "{{" not in t))
def test_text_without_tags_is_unchanged(text):
    assert render(text, {}) == (text, [])


@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), st.text(alphabet="abc xyz")))
def test_every_present_variable_renders(variables):
    text = " ".join(f"{{{{var:{name}}}}}" for name in variables)
    assert render(text, variables) == (" ".join(variables.values()), [])


@pytest.fixture
def state():
    return make_state()


def template_message(**overrides):
    base = {"From": None, "Subject": None, "TextPart": None, "HTMLPart": None, "TemplateID": WELCOME_ID}
    return message(**{**base, "TemplateLanguage": True, **overrides})


def sent_content(state):
    (row,) = rows(state, "message")
    return row, account_of(state).extra["sent_content"][row["ID"]]


def test_template_send_renders_parts_and_takes_from_and_subject_from_headers(state):
    body = {"Messages": [template_message(Variables={"name": "Ann", "code": 42})]}
    assert make_client(state).post("/v3.1/send", json=body).status_code == 200
    row, content = sent_content(state)
    assert content["From"] == {"Email": "news@brand.example", "Name": "Brand"}
    assert content["Subject"] == "Welcome Ann"
    assert content["TextPart"] == "Hi Ann, code 42"
    assert content["HTMLPart"] == "<p>Hi Ann, code 42</p>"
    assert row["Status"] == "sent" and row["Subject"] == "Welcome Ann"
    assert row["SenderID"] == rows(state, "sender")[1]["ID"]  # the *@brand.example row


def test_template_default_is_used_when_variable_is_absent(state):
    body = {"Messages": [template_message(Variables={"code": "7"}, Subject="Hi")]}
    make_client(state).post("/v3.1/send", json=body)
    assert sent_content(state)[1]["TextPart"] == "Hi friend, code 7"


def test_template_error_blocks_the_message_and_reports(state):
    reporter = {"Email": "dev@example.com"}
    body = {"Messages": [template_message(Variables={"name": "Ann"}, TemplateErrorReporting=reporter)]}
    response = make_client(state).post("/v3.1/send", json=body)
    assert response.status_code == 200  # template errors happen after acceptance, as at Mailjet
    row, content = sent_content(state)
    assert (row["Status"], row["StateID"]) == ("blocked", 18)
    assert content["TemplateErrors"] == ["var:code"]
    (report,) = account_of(state).extra["template_error_reports"]
    assert report["ReportTo"] == "dev@example.com" and report["MessageID"] == row["ID"]
    assert rows(state, "contact")[0]["DeliveredCount"] == 0


def test_template_error_deliver_sends_anyway(state):
    body = {"Messages": [template_message(Variables={"name": "Ann"}, TemplateErrorDeliver=True)]}
    make_client(state).post("/v3.1/send", json=body)
    row, content = sent_content(state)
    assert row["Status"] == "sent" and content["TextPart"] == "Hi Ann, code "


def test_without_template_language_tags_are_left_as_is(state):
    body = {"Messages": [template_message(TemplateLanguage=None, Variables={"name": "Ann", "code": 1})]}
    make_client(state).post("/v3.1/send", json=body)
    assert sent_content(state)[1]["Subject"] == "Welcome {{var:name}}"


def test_inline_parts_use_the_template_language_too(state):
    body = {
        "Messages": [message(TextPart="Dear {{var:who}}", TemplateLanguage=True, Variables={"who": "Zed"})]
    }
    make_client(state).post("/v3.1/send", json=body)
    assert sent_content(state)[1]["TextPart"] == "Dear Zed"


def test_template_content_convention_round_trips(state):
    account = account_of(state)
    store_template_content(account, 5, {"Text-part": "t"})
    assert template_content(account, 5) == {
        "Html-part": None,
        "Text-part": "t",
        "MJMLContent": None,
        "Headers": None,
    }
    assert template_content(account, 6) is None


def test_non_string_template_header_is_send_0019(state):
    store_template_content(account_of(state), WELCOME_ID, {"Text-part": "x", "Headers": {"Subject": 5}})
    body = {"Messages": [template_message(From={"Email": "shop@example.com"})]}
    error = make_client(state).post("/v3.1/send", json=body).json()["Messages"][0]["Errors"][0]
    assert error["ErrorCode"] == "send-0019"
