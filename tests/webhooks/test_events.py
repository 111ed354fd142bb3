"""Parsing and validation of event and inbound payloads (mailjet-api.md §6.2-6.3)."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.emulator.lifecycle.parse import inbound_payload
from mailjet_connector.webhooks.events import (
    EVENT_FIELDS,
    INBOUND_FIELDS,
    PayloadError,
    parse_event,
    parse_events,
    parse_inbound_body,
)
from tests.webhooks.webhook_payloads import ANYMAIL, INBOUND, event

COLUMN = {f.name: i for i, f in enumerate(EVENT_FIELDS)}


@pytest.mark.parametrize("name", list(ANYMAIL))
def test_anymail_payload_shapes_parse(name):
    payload = ANYMAIL[name]
    record = parse_event(payload)
    assert record.raw == payload
    assert record.values[COLUMN["MessageID"]] == 12345678901234567
    assert record.values[COLUMN["event"]] == payload["event"]
    for field, value in payload.items():
        assert record.values[COLUMN[field]] == value


def test_greylisted_bounce_keeps_its_soft_flags():
    record = parse_event(ANYMAIL["greylisted"])
    assert record.values[COLUMN["hard_bounce"]] is False
    assert record.values[COLUMN["error"]] == "greylisted"


def test_single_object_and_grouped_array_bodies():
    assert len(parse_events(orjson.dumps(ANYMAIL["sent"]))) == 1
    grouped = parse_events(orjson.dumps(list(ANYMAIL.values())))
    assert [r.raw["event"] for r in grouped] == [p["event"] for p in ANYMAIL.values()]
    assert parse_events(b"[]") == []


def test_message_ids_beyond_2_53_stay_exact():
    big = 1152921509561837015
    (record,) = parse_events(b'{"event":"sent","time":1,"MessageID":1152921509561837015,"email":"a@b"}')
    assert record.values[COLUMN["MessageID"]] == big


def test_unknown_extra_fields_are_kept():
    record = parse_event(event("open", future_field={"x": [1, 2]}))
    assert record.raw["future_field"] == {"x": [1, 2]}


def test_optional_fields_may_be_null():
    record = parse_event(event("sent", CustomID=None, Payload=None))
    assert record.values[COLUMN["CustomID"]] is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty body"),
        (b"{", "malformed JSON"),
        (b"42", "expected an event object or an array"),
        (b'"sent"', "expected an event object or an array"),
        (b"[1]", "event [0]: an event must be a JSON object"),
        (b'{"event":"deferred","time":1,"MessageID":1,"email":"a"}', "unknown event type 'deferred'"),
        (b'{"time":1,"MessageID":1,"email":"a"}', 'lacks the required "event"'),
        (b'{"event":"sent","MessageID":1,"email":"a"}', 'lacks the required "time"'),
        (b'{"event":"sent","time":"1","MessageID":1,"email":"a"}', '"time" must be an integer'),
        (b'{"event":"sent","time":true,"MessageID":1,"email":"a"}', '"time" must be an integer'),
        (b'{"event":"sent","time":1,"MessageID":1.5,"email":"a"}', '"MessageID" must be an integer'),
        (b'{"event":"sent","time":1,"MessageID":18446744073709551615,"email":"a"}', "64-bit"),
        (b'{"event":"bounce","time":1,"MessageID":1,"email":"a","hard_bounce":"no"}', "true or false"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_bodies_give_one_line_reasons(body, reason):
    with pytest.raises(PayloadError) as info:
        parse_events(body)
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_one_bad_event_rejects_the_whole_array():
    with pytest.raises(PayloadError, match=r"event \[1\]"):
        parse_events(orjson.dumps([event("sent"), {**event("open"), "ip": 7}]))


def test_inbound_mail_parses_with_typed_columns():
    (record,) = parse_inbound_body(orjson.dumps(INBOUND))
    values = dict(zip([f.column for f in INBOUND_FIELDS], record.values, strict=True))
    assert values["sender"] == "pilot@example.org" and values["spam_score"] == pytest.approx(0.602)
    assert record.raw["Attachment1"] == "aGVsbG8="


def test_the_emulators_inbound_payload_parses():
    mail = {"to": "x@parse-in1.mailjet.com", "from": "A <a@example.org>", "subject": "s", "text": "t",
            "attachments": [{"filename": "f.txt", "content": "hello", "encoding": "text"}]}  # fmt: skip
    (record,) = parse_inbound_body(orjson.dumps(inbound_payload(mail, 1_700_000_000)))
    assert record.raw["Recipient"] == "x@parse-in1.mailjet.com"


@pytest.mark.parametrize(
    ("change", "reason"),
    [({"Sender": None}, 'lacks the required "Sender"'), ({"Headers": []}, '"Headers" must be a JSON object'),
     ({"SpamAssassinScore": "high"}, "a number written as a string"), ({"Parts": {}}, '"Parts" must be a JSON array')],
)  # fmt: skip
def test_bad_inbound_mails_are_refused(change, reason):
    with pytest.raises(PayloadError, match=reason):
        parse_inbound_body(orjson.dumps({**INBOUND, **change}))


valid_events = st.builds(
    lambda kind, n, extra: event(kind, n, **extra),
    st.sampled_from(list(ANYMAIL)),
    st.integers(0, 2**40),
    st.dictionaries(
        st.text(min_size=1).filter(lambda k: k not in COLUMN and k not in ("kind", "n")),
        st.integers(-(2**63), 2**63 - 1) | st.text(),
        max_size=3,
    ),
)


@given(st.lists(valid_events, max_size=20))
def test_valid_events_parse_and_serialise_back_to_the_same_thing(events):
    records = parse_events(orjson.dumps(events))
    assert [orjson.loads(orjson.dumps(r.raw)) for r in records] == events


def test_nul_characters_are_refused_in_typed_fields():
    # Valid JSON, but PostgreSQL text cannot store it: a 400 now beats a 503 retried for 24 hours.
    with pytest.raises(PayloadError, match="NUL"):
        parse_event(event("open", agent="a\x00b"))
