"""The deduplication keys: re-deliveries collide, genuinely different events do not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.webhooks.dedupe import IDENTITY_FIELDS, event_key, inbound_key
from tests.webhooks.webhook_payloads import ANYMAIL, INBOUND, event


@pytest.mark.parametrize("kind", ["sent", "open", "click", "bounce", "blocked", "spam", "unsub"])
def test_a_redelivery_has_the_same_key_whatever_the_field_order(kind):
    original = event(kind, 3)
    redelivered = dict(reversed(list(original.items())))
    assert event_key(redelivered) == event_key(original)


def test_fields_outside_the_identity_do_not_change_the_key():
    original = event("sent", 1)
    reformatted = {**original, "Payload": "changed", "CustomID": "x", "Message_GUID": "g", "new_field": 1}
    assert event_key(reformatted) == event_key(original)


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        ("sent", {"time": 1}),
        ("sent", {"MessageID": 99}),
        ("sent", {"event": "open"}),
        ("open", {"ip": "10.0.0.1"}),
        ("click", {"url": "https://other.example/"}),
        ("bounce", {"hard_bounce": False, "error": "greylisted"}),
        ("unsub", {"mj_list_id": 42}),
        ("spam", {"source": "other-loop"}),
    ],
)
def test_distinct_events_have_distinct_keys(kind, change):
    original = event(kind, 1)
    assert event_key({**original, **change}) != event_key(original)


def test_greylisted_then_hard_bounce_of_one_message_are_two_events():
    soft = ANYMAIL["greylisted"]
    hard = {**soft, "hard_bounce": True, "error": "user unknown", "error_related_to": "recipient"}
    assert event_key(soft) != event_key(hard)


def test_every_event_type_has_identity_fields():
    assert set(IDENTITY_FIELDS) == {"sent", "open", "click", "bounce", "blocked", "spam", "unsub"}


def test_inbound_key_uses_message_id_and_recipient():
    assert inbound_key({**INBOUND, "Subject": "other", "Text-part": "x"}) == inbound_key(INBOUND)
    assert inbound_key({**INBOUND, "Recipient": "other@parse-in1.mailjet.com"}) != inbound_key(INBOUND)
    without = {**INBOUND, "Headers": {"Subject": "Hello"}}
    assert inbound_key(without) == inbound_key(dict(without))
    assert inbound_key(without) != inbound_key({**without, "Text-part": "changed"})


@given(st.integers(0, 2**62), st.integers(0, 2**62), st.integers(0, 2**31), st.integers(0, 2**31))
def test_keys_of_different_message_ids_or_times_never_collide(id1, id2, t1, t2):
    a = {**ANYMAIL["sent"], "MessageID": id1, "time": t1}
    b = {**ANYMAIL["sent"], "MessageID": id2, "time": t2}
    assert (event_key(a) == event_key(b)) == ((id1, t1) == (id2, t2))
