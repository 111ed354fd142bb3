"""v3.1 payload building: Globals carry what messages share, each message its recipient and Variables."""

from __future__ import annotations

import pytest

from mailjet_connector.send import Content, MessageSpec, Recipient, build_payload


def test_globals_hold_shared_parts_and_template_language() -> None:
    spec = MessageSpec("a@example.com", Content(html="<b>{{var:x}}</b>", text="t"), "A", "S {{var:x}}")
    assert spec.globals() == {
        "TemplateLanguage": True,
        "From": {"Email": "a@example.com", "Name": "A"},
        "Subject": "S {{var:x}}",
        "HTMLPart": "<b>{{var:x}}</b>",
        "TextPart": "t",
    }


def test_template_id_and_shared_variables_go_to_globals() -> None:
    spec = MessageSpec(None, Content(template_id=7), variables={"brand": "B"}, custom_campaign="c1")
    assert spec.globals() == {
        "TemplateLanguage": True,
        "TemplateID": 7,
        "Variables": {"brand": "B"},
        "CustomCampaign": "c1",
    }


def test_payload_has_one_message_per_recipient_and_sandbox_flag() -> None:
    spec = MessageSpec("a@example.com", Content(text="hi"))
    recipients = [Recipient("x@example.com", "X", {"n": 1}, "job-x"), Recipient("y@example.com")]
    payload = build_payload(spec, recipients, sandbox=True)
    assert payload["SandboxMode"] is True
    assert payload["Messages"] == [
        {"To": [{"Email": "x@example.com", "Name": "X"}], "Variables": {"n": 1}, "CustomID": "job-x"},
        {"To": [{"Email": "y@example.com"}]},
    ]
    assert "SandboxMode" not in build_payload(spec, recipients)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({}, "no content"), ({"template_id": 1, "html": "<p/>"}, "do not go together")],
    ids=["nothing", "template-and-html"],
)
def test_content_refuses_what_mailjet_would(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Content(**kwargs)
