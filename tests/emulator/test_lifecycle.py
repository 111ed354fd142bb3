"""The message lifecycle: outcomes on the emulator clock, the rows they leave, and the statistics agreeing."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailjet_connector.emulator.app import create_app
from mailjet_connector.emulator.lifecycle.messages import (
    BLOCKED_STATES,
    HARD_BOUNCE_STATES,
    SOFT_BOUNCE_STATES,
    LifecycleSettings,
    plan_message,
)
from mailjet_connector.emulator.state import EmulatorState
from tests.emulator.conftest import TestClient
from tests.emulator.send_fixtures import (
    API_KEY,
    AUTH,
    NOW,
    account_of,
    control_client,
    make_state,
    message,
    rows,
)

DAY = 86_400
ALL_ZERO = {name: 0.0 for name in ("open_rate", "click_rate", "reopen_rate", "bounce_rate", "blocked_rate",
                                   "spam_rate", "unsub_rate")}  # fmt: skip


@pytest.fixture
def state() -> EmulatorState:
    return make_state()


@pytest.fixture
def client(state: EmulatorState) -> Iterator[TestClient]:
    yield from control_client(state)


def configure(client: TestClient, **changes: Any) -> None:
    response = client.post("/_emulator/lifecycle", json={**ALL_ZERO, **changes})
    assert response.status_code == 200, response.text


def send(client: TestClient, count: int, **overrides: Any) -> list[int]:
    html = '<p><a href="https://shop.example.org/a">A</a> <a href="https://shop.example.org/b">B</a></p>'
    batch = [message(To=[{"Email": f"lc{i}@example.org"}], HTMLPart=html, **overrides) for i in range(count)]
    response = client.post("/v3.1/send", json={"Messages": batch})
    assert response.status_code == 200, response.text
    return [m["To"][0]["MessageID"] for m in response.json()["Messages"]]


def advance(client: TestClient, seconds: int) -> None:
    assert client.post("/_emulator/clock", json={"advance": seconds}).status_code == 200


def by_id(state: EmulatorState, resource: str, ids: list[int], key: str = "ID") -> dict[int, dict]:
    return {r[key]: r for r in rows(state, resource) if r[key] in ids}


def history(client: TestClient, message_id: int) -> list[tuple[str, int]]:
    data = client.get(f"/v3/REST/messagehistory/{message_id}").json()["Data"]
    return [(h["EventType"], h["EventAt"]) for h in data]


def test_with_all_rates_zero_messages_stay_sent(client, state):
    configure(client)
    ids = send(client, 5)
    advance(client, 3 * DAY)
    assert {m["Status"] for m in by_id(state, "message", ids).values()} == {"sent"}
    assert not rows(state, "openinformation") and not rows(state, "clickstatistics")
    assert history(client, ids[0]) == [("sent", NOW)]


def test_opens_and_clicks_wait_for_the_clock(client, state):
    configure(client, open_rate=1.0, click_rate=1.0, open_delay=[100, 100], click_delay=[50, 50])
    (mid,) = send(client, 1)
    advance(client, 99)
    assert by_id(state, "message", [mid])[mid]["Status"] == "sent"
    advance(client, 1)
    assert by_id(state, "message", [mid])[mid]["Status"] == "opened"
    (opened,) = by_id(state, "openinformation", [mid], key="MessageID").values()
    assert (opened["OpenedAt"], opened["ArrivedAt"], opened["UserAgentID"] > 0) == (NOW + 100, NOW, True)
    advance(client, 50)
    assert by_id(state, "message", [mid])[mid]["Status"] == "clicked"
    (clicked,) = by_id(state, "clickstatistics", [mid], key="MessageID").values()
    assert clicked["ClickedAt"] == NOW + 150 and clicked["ClickedDelay"] == 150
    assert clicked["Url"] in ("https://shop.example.org/a", "https://shop.example.org/b")
    assert history(client, mid) == [("sent", NOW), ("opened", NOW + 100), ("clicked", NOW + 150)]
    contact = client.get("/v3/REST/contact/lc0@example.org").json()["Data"][0]
    assert contact["LastActivityAt"] == "2023-11-14T22:15:50Z"  # NOW + 150


@pytest.mark.parametrize(
    "parts",
    [{"HTMLPart": None, "TextPart": "Visit https://shop.example.org/a"},
     {"HTMLPart": '<p><img src="https://cdn.example.org/banner.png"></p>'}],
    ids=["text-only", "image-only"],
)  # fmt: skip
def test_no_link_no_click(client, state, parts):
    # #18 item 4: clicks used to land on the seeded site's pages for messages without links.
    configure(client, open_rate=1.0, click_rate=1.0, open_delay=[10, 10], click_delay=[10, 10])
    batch = [message(To=[{"Email": "nolink@example.org"}], **parts)]
    response = client.post("/v3.1/send", json={"Messages": batch})
    mid = response.json()["Messages"][0]["To"][0]["MessageID"]
    advance(client, DAY)
    assert by_id(state, "message", [mid])[mid]["Status"] == "opened"
    assert not by_id(state, "clickstatistics", [mid], key="MessageID")
    assert [kind for kind, _ in history(client, mid)] == ["sent", "opened"]


def test_hard_bounce_updates_message_bounce_row_contact_and_statistics(client, state):
    configure(client, bounce_rate=1.0, hard_bounce_share=1.0, bounce_delay=[30, 30])
    (mid,) = send(client, 1)
    advance(client, 30)
    msg = by_id(state, "message", [mid])[mid]
    assert (msg["Status"], msg["StatePermanent"]) == ("bounce", True)
    assert msg["StateID"] in HARD_BOUNCE_STATES
    (bounce,) = rows(state, "bouncestatistics")
    assert (bounce["BouncedAt"], bounce["IsBlocked"], bounce["IsStatePermanent"]) == (NOW + 30, False, True)
    assert history(client, mid)[0][0:2] == ("bounced", NOW + 30)
    contact = client.get("/v3/REST/contact/lc0@example.org").json()["Data"][0]
    assert contact["DeliveredCount"] == 0  # the send counted it; the bounce takes it back
    stats = client.get("/v3/REST/contactstatistics", params={"HardBounced": "true"}).json()["Data"]
    assert [s["ContactID"] for s in stats] == [contact["ID"]]


def test_soft_bounces_and_blocks_use_their_own_states(client, state):
    configure(client, bounce_rate=0.5, blocked_rate=0.5, hard_bounce_share=0.0)
    ids = send(client, 20)
    advance(client, DAY)
    messages = by_id(state, "message", ids).values()
    assert {m["Status"] for m in messages} == {"bounce", "blocked"}
    for m in messages:
        expected = SOFT_BOUNCE_STATES if m["Status"] == "bounce" else BLOCKED_STATES
        assert m["StateID"] in expected and m["StatePermanent"] == (m["Status"] == "blocked")
    blocked = [m for m in messages if m["Status"] == "blocked"]
    assert sum(r["IsBlocked"] for r in rows(state, "bouncestatistics")) == len(blocked)


def test_spam_and_unsub_mark_the_contact_at_the_statistics_time(client, state):
    configure(client, spam_rate=0.5, unsub_rate=0.5)
    ids = send(client, 10)
    advance(client, 3 * DAY)
    messages = by_id(state, "message", ids)
    assert {m["Status"] for m in messages.values()} == {"spam", "unsub"}
    for mid, m in messages.items():
        kind, at = history(client, mid)[-1]
        assert kind == m["Status"] and NOW + 300 <= at <= NOW + 2 * DAY
        contact = client.get(f"/v3/REST/contact/{m['ContactID']}").json()["Data"][0]
        if kind == "spam":
            assert contact["IsSpamComplaining"] is True
        else:
            assert contact["UnsubscribedAt"] and contact["UnsubscribedBy"] == "user"


def test_counters_follow_the_lifecycle(client, state):
    configure(client, open_rate=1.0, click_rate=0.0, bounce_rate=0.2)
    ids = send(client, 20)
    advance(client, 2 * DAY)
    messages = by_id(state, "message", ids).values()
    params = {"CounterSource": "APIKey", "CounterTiming": "Message", "CounterResolution": "Lifetime"}
    (counters,) = client.get("/v3/REST/statcounters", params=params).json()["Data"]
    bounced = sum(m["Status"] == "bounce" for m in messages)
    assert counters["MessageOpenedCount"] == sum(m["Status"] == "opened" for m in messages) == 20 - bounced
    assert counters["MessageHardBouncedCount"] + counters["MessageSoftBouncedCount"] == bounced


def test_outcomes_are_deterministic_per_seed(client, state):
    rates = {"open_rate": 0.5, "click_rate": 0.5, "bounce_rate": 0.2, "blocked_rate": 0.1}
    configure(client, **rates)
    send(client, 20)
    advance(client, 3 * DAY)
    twin = make_state()
    with TestClient(create_app(twin, control=True)) as other:
        other.auth = AUTH
        configure(other, **rates)
        send(other, 20)
        advance(other, 3 * DAY)
    for resource in ("message", "openinformation", "clickstatistics", "bouncestatistics"):
        assert rows(state, resource) == rows(twin, resource)


def test_settings_are_validated(client):
    assert client.post("/_emulator/lifecycle", json={"open_rate": 2}).status_code == 400
    assert (
        client.post("/_emulator/lifecycle", json={"bounce_rate": 0.7, "blocked_rate": 0.5}).status_code == 400
    )
    assert "unknown" in client.post("/_emulator/lifecycle", json={"nope": 1}).json()["error"]
    assert client.post("/_emulator/lifecycle", json={"api_key": "missing"}).status_code == 404
    view = client.get("/_emulator/lifecycle").json()[API_KEY]
    assert view["open_rate"] == 0.4 and view["open_delay"] == [60, 21600]


def test_a_message_blocked_at_send_gets_only_its_blocked_step(client, state):
    configure(client, open_rate=1.0)
    overrides = {"CustomCampaign": "dedup", "DeduplicateCampaign": True}
    send(client, 1, **overrides)
    response = client.post(
        "/v3.1/send", json={"Messages": [message(To=[{"Email": "lc0@example.org"}], **overrides)]}
    )
    blocked_id = response.json()["Messages"][0]["To"][0]["MessageID"]
    advance(client, DAY)
    assert by_id(state, "message", [blocked_id])[blocked_id]["Status"] == "blocked"
    assert [kind for kind, _ in history(client, blocked_id)] == ["blocked"]
    assert len(account_of(state).extra["sent_messages"]) == 2


ROW = st.fixed_dictionaries(
    {
        "ID": st.integers(2**60, 2**60 + 10**9),
        "ArrivedAt": st.integers(NOW, NOW + DAY),
        "Status": st.sampled_from(["sent", "blocked", "queued"]),
        "StateID": st.sampled_from([0, 15, 18]),
        "IsOpenTracked": st.booleans(),
        "IsClickTracked": st.booleans(),
    }
)
RATE = st.floats(0, 0.5)


@settings(max_examples=100, deadline=None)
@given(row=ROW, seed=st.integers(0, 2**32), rates=st.tuples(RATE, RATE, RATE, RATE, RATE, RATE))
def test_plans_are_well_formed(row, seed, rates):
    names = ("open_rate", "click_rate", "bounce_rate", "blocked_rate", "spam_rate", "unsub_rate")
    config = LifecycleSettings().replaced(dict(zip(names, rates, strict=True)))
    steps = plan_message(config, random.Random(seed), row, ("https://x.example.org/",))
    kinds = [kind for _, kind, _ in steps]
    assert all(due >= row["ArrivedAt"] for due, _, _ in steps)
    if row["Status"] == "queued":
        assert steps == []
    elif row["Status"] == "blocked" or kinds[0] in ("bounce", "blocked"):
        assert len(kinds) == 1  # a failed message has nothing else
    else:
        assert kinds[0] == "sent" and kinds.count("sent") == 1
        assert not ("open" in kinds and not row["IsOpenTracked"])
        assert not ("click" in kinds and not row["IsClickTracked"])
        assert kinds.count("spam") + kinds.count("unsub") <= 1
    assert steps == plan_message(config, random.Random(seed), row, ("https://x.example.org/",))
