"""Tests for computed statistics: exact figures on a hand-built account, and agreement with stored rows."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.frame import Frame
from mailjet_connector.emulator.state import MESSAGE_ID_BASE, Account, Clock, EmulatorState
from mailjet_connector.emulator.stats.facts import derived_event_time
from mailjet_connector.emulator.stats.registry import COMPUTED

DAY = 86_400
T0 = 1_700_000_000 - 1_700_000_000 % DAY  # a UTC midnight
NOW = T0 + 10 * DAY

# (status, day of arrival, campaign, contact, sender, StatePermanent)
MESSAGES = [
    ("sent", 0, 1, 1, 1, False),
    ("opened", 0, 1, 2, 1, False),
    ("clicked", 1, 1, 3, 1, False),
    ("bounce", 1, 1, 4, 1, True),
    ("softbounced", 2, 2, 1, 2, False),
    ("blocked", 2, 2, 2, 2, False),
    ("spam", 3, 2, 3, 2, False),
    ("unsub", 3, 2, 4, 2, False),
    ("queued", 4, 2, 5, 2, False),
    ("deferred", 4, 0, 5, 0, False),
]


def _id(index: int) -> int:
    return MESSAGE_ID_BASE + index


def build_state() -> EmulatorState:
    state = EmulatorState(clock=Clock(NOW, frozen=True))
    account = state.add_account(Account(api_key="k", api_secret="s", key_id=42, name="main"))
    lists = account.table("contactslist")
    lists.insert({"Name": "L1", "Address": "aaa", "CreatedAt": T0})
    campaigns = account.table("campaign")
    campaigns.insert({"ListID": 1, "SendStartAt": T0, "Subject": "first", "CampaignType": 2})
    campaigns.insert({"ListID": 0, "SendStartAt": T0 + 2 * DAY, "Subject": "second", "CampaignType": 1})
    messages = account.table("message")
    for i, (status, day, campaign, contact, sender, permanent) in enumerate(MESSAGES):
        messages.insert({
            "ID": _id(i), "Status": status, "ArrivedAt": T0 + day * DAY + 60, "CampaignID": campaign,
            "ContactID": contact, "SenderID": sender, "StatePermanent": permanent, "StateID": 1 if permanent else 0,
            "ContactAlt": f"c{contact}@{'gmail.com' if contact % 2 else 'example.org'}",
        })  # fmt: skip
    opens = account.table("openinformation")
    for msg, at in ((1, 3600), (1, 7200), (2, 1800), (6, 600)):
        row = messages.raw(msg)
        opens.insert(
            {
                "MessageID": _id(msg),
                "OpenedAt": row["ArrivedAt"] + at,
                "CampaignID": row["CampaignID"],
                "ContactID": row["ContactID"],
                "UserAgentID": 7,
                "UserAgentFull": "Mozilla (Windows NT)",
            }
        )
    clicks = account.table("clickstatistics")
    for msg, at, url in (
        (2, 2000, "https://a.example/x"),
        (2, 2500, "https://a.example/y"),
        (2, 2600, "https://a.example/x"),
    ):
        row = messages.raw(msg)
        clicks.insert(
            {
                "MessageID": _id(msg),
                "ClickedAt": row["ArrivedAt"] + at,
                "Url": url,
                "ContactID": row["ContactID"],
                "UserAgentID": 7,
            }
        )
    bounces = account.table("bouncestatistics")
    bounces.insert(
        {"BouncedAt": T0 + DAY + 100, "CampaignID": 1, "ContactID": 4, "IsStatePermanent": True, "StateID": 1}
    )
    return state


@pytest.fixture(scope="module")
def state() -> EmulatorState:
    return build_state()


def compute(state: EmulatorState, name: str, **params: Any) -> list[dict[str, Any]]:
    answer = COMPUTED[name](state, state.accounts["k"], {k.lower(): str(v) for k, v in params.items()})
    return answer.records() if isinstance(answer, Frame) else answer


def counters(state: EmulatorState, **params: Any) -> list[dict[str, Any]]:
    return compute(state, "statcounters", CounterSource="APIKey", CounterTiming="Message", **params)


def test_every_computed_catalog_resource_is_registered() -> None:
    from mailjet_connector import catalog

    assert {r.name for r in catalog.all_resources() if r.computed} == set(COMPUTED)


def test_statcounters_lifetime_exact_figures(state: EmulatorState) -> None:
    [row] = counters(state, CounterResolution="Lifetime")
    assert row["Timeslice"] == "" and row["APIKeyID"] == 42 and row["SourceID"] == 42
    assert row["Total"] == 10
    assert row["MessageSentCount"] == 5  # sent, opened, clicked, spam, unsub
    assert (row["MessageOpenedCount"], row["MessageClickedCount"]) == (3, 1)
    assert (row["MessageHardBouncedCount"], row["MessageSoftBouncedCount"], row["MessageBlockedCount"]) == (
        1,
        1,
        1,
    )
    assert (row["MessageSpamCount"], row["MessageUnsubscribedCount"]) == (1, 1)
    assert (row["MessageQueuedCount"], row["MessageDeferredCount"]) == (1, 1)
    assert row["EventOpenedCount"] == 3 and row["EventOpenDelay"] == 3600 + 1800 + 600
    assert row["EventClickedCount"] == 1 and row["EventClickDelay"] == 2000


def test_statcounters_lifetime_equals_counts_from_tables(state: EmulatorState) -> None:
    account = state.accounts["k"]
    messages = list(account.table("message").iter_raw())
    statuses = [m["Status"] for m in messages]
    opened = {r["MessageID"] for r in account.table("openinformation").iter_raw()}
    clicked = {r["MessageID"] for r in account.table("clickstatistics").iter_raw()}
    [row] = counters(state, CounterResolution="Lifetime")
    assert row["Total"] == len(messages)
    assert row["MessageSentCount"] == sum(
        s in ("sent", "opened", "clicked", "spam", "unsub") for s in statuses
    )
    assert row["MessageOpenedCount"] == row["EventOpenedCount"] == len(opened)
    assert row["MessageClickedCount"] == row["EventClickedCount"] == len(clicked)
    assert row["MessageSpamCount"] == statuses.count("spam")
    assert row["MessageBlockedCount"] == statuses.count("blocked")


def test_statcounters_day_slices_by_send_time(state: EmulatorState) -> None:
    rows = counters(state, CounterResolution="Day", FromTS=T0 - 1)
    assert [r["Timeslice"] for r in rows][:2] == ["2023-11-14T00:00:00Z", "2023-11-15T00:00:00Z"]
    assert [r["Total"] for r in rows] == [2, 2, 2, 2, 2]
    assert sum(r["MessageOpenedCount"] for r in rows) == 3


def test_statcounters_event_timing_moves_counts_to_event_time(state: EmulatorState) -> None:
    rows = compute(state, "statcounters", CounterSource="APIKey", CounterTiming="Event", CounterResolution="Hour",
                   FromTS=T0 - 1, ToTS=T0 - 1 + 100 * 3600)  # fmt: skip
    opened = {r["Timeslice"]: r["EventOpenedCount"] for r in rows if r["EventOpenedCount"]}
    assert sum(opened.values()) == 3
    spam_at = int(derived_event_time(np.array([T0 + 3 * DAY + 60]), np.array([_id(6)]), "spam")[0])
    spam_rows = [r for r in rows if r["EventSpamCount"]]
    assert len(spam_rows) == 1 and spam_rows[0]["Timeslice"].startswith(
        np.datetime_as_string(np.datetime64(spam_at - spam_at % 3600, "s"), unit="h")
    )


def test_statcounters_window_bounds_are_exclusive_then_inclusive(state: EmulatorState) -> None:
    rows = counters(state, CounterResolution="Day", FromTS=T0 + 60, ToTS=T0 + DAY + 60)
    assert sum(r["Total"] for r in rows) == 2  # day 0 messages arrive exactly at FromTS: excluded


@pytest.mark.parametrize(
    ("source", "source_id", "total"),
    [("Campaign", 1, 4), ("Campaign", 2, 5), ("Sender", 2, 5), ("List", 1, 4)],
)
def test_statcounters_sources(state: EmulatorState, source: str, source_id: int, total: int) -> None:
    [row] = compute(state, "statcounters", CounterSource=source, SourceID=source_id, CounterTiming="Message",
                    CounterResolution="Lifetime")  # fmt: skip
    assert row["Total"] == total and row["SourceID"] == source_id


def test_statcounters_campaign_shortcut(state: EmulatorState) -> None:
    [row] = compute(
        state, "statcounters", CampaignID=2, CounterTiming="Message", CounterResolution="Lifetime"
    )
    assert row["Total"] == 5


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"CounterTiming": "Message", "CounterResolution": "Lifetime"}, "CounterSource"),
        ({"CounterSource": "APIKey", "CounterTiming": "Message"}, "CounterResolution"),
        ({"CounterSource": "Nope", "CounterTiming": "Message", "CounterResolution": "Day"}, "CounterSource"),
        (
            {
                "CounterSource": "APIKey",
                "CounterTiming": "Message",
                "CounterResolution": "Lifetime",
                "FromTS": 1,
            },
            "Lifetime",
        ),
        (
            {"CounterSource": "Campaign", "CounterTiming": "Message", "CounterResolution": "Lifetime"},
            "SourceID",
        ),
        # The documented rules (issue #17): each refusal names the parameter at fault.
        ({"CounterSource": "APIKey", "CounterTiming": "Event", "CounterResolution": "Lifetime"}, "CounterResolution"),
        ({"CounterSource": "List", "SourceID": 1, "CounterTiming": "Event", "CounterResolution": "Day"}, "CounterSource"),
        ({"CounterSource": "List", "SourceID": 1, "CounterTiming": "Message", "CounterResolution": "Day"}, "CounterSource"),
        ({"CounterSource": "Sender", "SourceID": 2, "CounterTiming": "Event", "CounterResolution": "Day"}, "CounterSource"),
        ({"CounterSource": "APIKey", "CounterTiming": "Message", "CounterResolution": "Day", "FromTS": T0,
          "ToTS": T0 + 100 * DAY + 1}, "FromTS"),
        ({"CounterSource": "APIKey", "CounterTiming": "Message", "CounterResolution": "Highest", "FromTS": T0,
          "ToTS": T0 + 501 * 60}, "FromTS"),
    ],
    ids=["no-source", "no-resolution", "bad-source", "lifetime-window", "no-source-id", "event-lifetime",
         "list-event", "list-day", "sender-event", "day-span", "highest-span"],
)  # fmt: skip
def test_statcounters_rejects_bad_requests(state: EmulatorState, params: dict[str, Any], needle: str) -> None:
    with pytest.raises(EmulatorError) as caught:
        compute(state, "statcounters", **params)
    assert caught.value.status == 400 and needle in caught.value.message


def test_statcounters_accept_the_widest_legal_window_and_default_to_it(state: EmulatorState) -> None:
    end = T0 - 1 + 100 * DAY
    widest = counters(state, CounterResolution="Day", FromTS=T0 - 1, ToTS=end)
    assert widest == counters(state, CounterResolution="Day", ToTS=end)  # no FromTS: the last 100 days
    assert sum(r["Total"] for r in widest) == 10


def test_statcounters_refusal_is_a_mailjet_style_400_over_http() -> None:
    import httpx

    from mailjet_connector.emulator import start_emulator

    with start_emulator(scale="tiny", seed=1) as server:
        answer = httpx.get(
            f"{server.url}/v3/REST/statcounters",
            params={"CounterSource": "APIKey", "CounterTiming": "Event", "CounterResolution": "Lifetime"},
            auth=(server.api_key, server.api_secret),
        )
    assert answer.status_code == 400
    body = answer.json()
    assert body["StatusCode"] == 400 and body["ErrorInfo"] == ""
    assert body["ErrorMessage"].startswith("Invalid value for CounterResolution: ")


def test_messagehistory_lists_every_event_in_time_order(state: EmulatorState) -> None:
    rows = compute(state, "messagehistory", Message=_id(2))
    assert [r["EventType"] for r in rows] == ["sent", "opened", "clicked", "clicked", "clicked"]
    assert rows[2]["Comment"] == "https://a.example/x" and isinstance(rows[0]["EventAt"], int)
    bounced = compute(state, "messagehistory", ID=_id(3))
    assert [(r["EventType"], r["EventAt"], r["State"]) for r in bounced] == [
        ("bounced", T0 + DAY + 100, "user unknown")
    ]
    spam = compute(state, "messagehistory", Message=_id(6))
    assert [r["EventType"] for r in spam] == ["sent", "opened", "spam"]


def test_messagehistory_unknown_message_is_empty(state: EmulatorState) -> None:
    assert compute(state, "messagehistory", Message=123) == []


def test_entity_statistics_agree_with_statcounters(state: EmulatorState) -> None:
    [total] = counters(state, CounterResolution="Lifetime")
    contacts = compute(state, "contactstatistics")
    assert sum(r["ProcessedCount"] for r in contacts) == total["Total"]
    assert sum(r["OpenedCount"] for r in contacts) == total["MessageOpenedCount"]
    [keytotals] = compute(state, "apikeytotals")
    assert keytotals["DeliveredCount"] == total["MessageSentCount"]
    assert keytotals["SpamcomplaintCount"] == 1 and keytotals["BouncedCount"] == 2
    senders = {r["SenderID"]: r["ProcessedCount"] for r in compute(state, "senderstatistics")}
    assert senders == {1: 4, 2: 5}


def test_entity_statistics_filters(state: EmulatorState) -> None:
    assert [r["ContactID"] for r in compute(state, "contactstatistics", Open="true")] == [2, 3]
    campaigns = compute(state, "campaignstatistics", ContactsList=1)
    assert [(r["CampaignID"], r["ContactListName"], r["ProcessedCount"]) for r in campaigns] == [(1, "L1", 4)]
    [listed] = compute(state, "liststatistics")
    assert listed["ProcessedCount"] == 4 and listed["Name"] == "L1"


def test_per_message_and_campaign_views(state: EmulatorState) -> None:
    info = compute(state, "messageinformation", CampaignID=1)
    assert [r["OpenTrackedCount"] for r in info] == [0, 2, 1, 0]
    overview = {
        r["ID"]: (r["ProcessedCount"], r["DeliveredCount"]) for r in compute(state, "campaignoverview")
    }
    assert overview == {1: (4, 3), 2: (5, 2)}
    sent = compute(
        state, "messagesentstatistics", AllMessages="true", ShowExtraData="true", MessageStatus="5"
    )
    assert [(r["MessageID"], r["BounceReason"]) for r in sent] == [(_id(3), "user unknown"), (_id(4), "")]


def test_links_agents_and_timelines(state: EmulatorState) -> None:
    links = compute(state, "statistics_link_click", CampaignID=1)
    assert [(r["URL"], r["ClickedEventsCount"], r["ClickedMessagesCount"]) for r in links] == [
        ("https://a.example/x", 2, 1), ("https://a.example/y", 1, 1)]  # fmt: skip
    with pytest.raises(EmulatorError):
        compute(state, "statistics_link_click")
    [agent] = compute(state, "useragentstatistics")
    assert (agent["Count"], agent["DistinctCount"], agent["Platform"]) == (4, 2, "Windows")
    esp = {
        r["ESPName"]: r["AttemptedMessagesCount"]
        for r in compute(state, "statistics_recipient_esp", CampaignID=1)
    }
    assert esp == {"Gmail": 2, "Others": 2}
    graph = compute(state, "campaigngraphstatistics", IDS="1,9", Range="7d")
    assert {r["ID"] for r in graph} == {1}
    assert sum(r["Opencount"] for r in graph) == 3 and sum(r["Clickcount"] for r in graph) == 3
    assert sum(r["OpenedCount"] for r in compute(state, "geostatistics")) == 3
    assert sum(r["ProcessedCount"] for r in compute(state, "graphstatistics")) == 10


def test_every_computed_resource_answers_on_an_empty_account() -> None:
    state = EmulatorState(clock=Clock(NOW, frozen=True))
    state.add_account(Account(api_key="k", api_secret="s", key_id=1, name="empty"))
    required = {
        "statistics_link_click": {"CampaignID": 1},
        "statistics_recipient_esp": {"CampaignID": 1},
        "statcounters": {"CounterSource": "APIKey", "CounterTiming": "Event", "CounterResolution": "Day"},
    }
    for name in COMPUTED:
        assert isinstance(compute(state, name, **required.get(name, {})), list), name


_STATUSES = ("sent", "opened", "clicked", "bounce", "hardbounced", "softbounced", "blocked", "spam", "unsub",
             "queued", "deferred")  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(
    messages=st.lists(
        st.tuples(st.sampled_from(_STATUSES), st.integers(0, 5 * DAY), st.integers(1, 3)),
        min_size=0,
        max_size=30,
    ),
    opens=st.lists(st.tuples(st.integers(0, 29), st.integers(1, 3 * DAY)), max_size=30),
    clicks=st.lists(st.tuples(st.integers(0, 29), st.integers(1, 3 * DAY)), max_size=20),
)
def test_statcounters_agree_with_tables_for_any_data(
    messages: list[tuple[str, int, int]], opens: list[tuple[int, int]], clicks: list[tuple[int, int]]
) -> None:
    state = EmulatorState(clock=Clock(T0 + 30 * DAY, frozen=True))
    account = state.add_account(Account(api_key="k", api_secret="s", key_id=1, name="main"))
    table = account.table("message")
    for status, at, campaign in messages:
        table.insert({"Status": status, "ArrivedAt": T0 + at, "CampaignID": campaign, "ContactID": 1})
    ids = [row["ID"] for row in table.iter_raw()]
    arrived = {row["ID"]: row["ArrivedAt"] for row in table.iter_raw()}
    for kind, events, field in (
        ("openinformation", opens, "OpenedAt"),
        ("clickstatistics", clicks, "ClickedAt"),
    ):
        for index, delay in events:
            if index < len(ids):
                account.table(kind).insert({"MessageID": ids[index], field: arrived[ids[index]] + delay})
    opened = {ids[i] for i, _ in opens if i < len(ids)}
    clicked = {ids[i] for i, _ in clicks if i < len(ids)}
    [lifetime] = counters(state, CounterResolution="Lifetime")
    statuses = [status for status, _, _ in messages]
    assert lifetime["Total"] == len(messages)
    assert lifetime["MessageSentCount"] == sum(
        s in ("sent", "opened", "clicked", "spam", "unsub") for s in statuses
    )
    assert lifetime["MessageOpenedCount"] == lifetime["EventOpenedCount"] == len(opened)
    assert lifetime["MessageClickedCount"] == lifetime["EventClickedCount"] == len(clicked)
    assert lifetime["MessageBlockedCount"] == statuses.count("blocked")
    for timing in ("Message", "Event"):
        daily = compute(
            state, "statcounters", CounterSource="APIKey", CounterTiming=timing, CounterResolution="Day"
        )
        for name in ("Total", "MessageSentCount", "EventOpenedCount", "EventClickDelay", "MessageSpamCount"):
            assert sum(row[name] for row in daily) == lifetime[name], (timing, name)
    per_campaign = [
        compute(state, "statcounters", CampaignID=c, CounterTiming="Message", CounterResolution="Lifetime")[0]
        for c in (1, 2, 3)
    ]
    assert sum(row["Total"] for row in per_campaign) == lifetime["Total"]
