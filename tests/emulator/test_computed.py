"""Computed resources as frames: same order as sorting the rows, the per-walk cache and its invalidation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailjet_connector import catalog
from mailjet_connector.emulator.frame import Frame
from mailjet_connector.emulator.rest.query import sort_rows
from mailjet_connector.emulator.seed import DEFAULT_API_KEY, build_state
from mailjet_connector.emulator.state import EmulatorState
from mailjet_connector.emulator.stats import computed
from mailjet_connector.emulator.stats.facts import facts
from mailjet_connector.emulator.stats.history import bounce_time, bounce_times
from mailjet_connector.emulator.stats.registry import COMPUTED
from tests.emulator.conftest import NOW, TestClient

# Fields of geostatistics: Country (STR), ClickedCount and OpenedCount (INT); campaignstatistics has a TS.
GEO = catalog.get("geostatistics")
CAMPAIGNS = catalog.get("campaignstatistics")
PARAMS = {  # required parameters, and every message rather than one per campaign
    "messagesentstatistics": {"allmessages": "true"},
    "statcounters": {"countersource": "APIKey", "countertiming": "Event", "counterresolution": "Day"},
    "statistics_link_click": {"campaignid": "1"},
    "statistics_recipient_esp": {"campaignid": "1"},
}


def page_ids(client: TestClient, path: str, **params: Any) -> list[int]:
    body = client.get(path, params=params).json()
    return [row["ID"] for row in body["Data"]]


@pytest.fixture(scope="module")
def seeded() -> EmulatorState:
    return build_state(scale="tiny", now=NOW, frozen=True)


def test_frame_order_matches_sorting_the_rows_for_every_sortable_field(seeded: EmulatorState) -> None:
    account = seeded.accounts[DEFAULT_API_KEY]
    checked = 0
    for name, compute in COMPUTED.items():
        resource = catalog.get(name)
        answer = compute(seeded, account, PARAMS.get(name, {}))
        if not isinstance(answer, Frame):
            continue
        rows = answer.records()
        for option in resource.sort or ():
            for desc in (False, True) if option.desc else (False,):
                expected = sort_rows(answer.records(), option.field, desc)
                assert answer.records(answer.order(option.field, desc)) == expected, (
                    name,
                    option.field,
                    desc,
                )
                checked += 1
        assert answer.records(answer.order("ID", False)) == sort_rows(rows, "ID", False), name
    assert checked > 5


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["", "fr", "FR", "de", "zz", "é"]),
            st.integers(-3, 3),
            st.sampled_from([0, 0, 1_600_000_000, 1_700_000_000, 1_650_000_000]),
            st.booleans(),
        ),
        max_size=30,
    ),
    desc=st.booleans(),
)
def test_frame_order_is_sort_rows_on_arbitrary_columns(rows: list[tuple], desc: bool) -> None:
    country, counts, starts, starred = (list(col) for col in zip(*rows, strict=True)) if rows else ([],) * 4
    geo = Frame(GEO, {"Country": np.asarray(country, dtype=object), "OpenedCount": np.asarray(counts, np.int64)},
                np.arange(len(rows)))  # fmt: skip
    for field in ("Country", "OpenedCount", "ClickedCount", "Unknown"):
        assert geo.records(geo.order(field, desc)) == sort_rows(geo.records(), field, desc)
    # Plain lists and mixed values (None, numbers among text) take the exact Python fallback.
    mixed = [None if c == "zz" else 7 if c == "é" else c for c in country]
    lists = Frame(GEO, {"Country": mixed, "OpenedCount": counts}, np.arange(len(rows)))
    for field in ("Country", "OpenedCount"):
        assert lists.records(lists.order(field, desc)) == sort_rows(lists.records(), field, desc)
    campaigns = Frame(
        CAMPAIGNS,
        {"CampaignSendStartAt": np.asarray(starts, np.int64), "CampaignIsStarred": np.asarray(starred, bool)},
        np.arange(len(rows)),
    )
    for field in ("CampaignSendStartAt", "CampaignIsStarred"):
        assert campaigns.records(campaigns.order(field, desc)) == sort_rows(campaigns.records(), field, desc)


def test_frame_find_by_id_and_unique_key() -> None:
    resource = catalog.get("messageinformation")
    frame = Frame(resource, {"ID": np.asarray([5, 7, 9], np.int64)}, np.asarray([1, 2]))
    assert frame.find("9", ()) == 1 and frame.find("5", ()) is None  # 5 is not a kept row
    assert frame.find("09", ()) is None and frame.find("x", ()) is None
    geo = Frame(GEO, {"Country": np.asarray(["FR", "DE"], dtype=object)}, np.arange(2))
    assert geo.find("de", [("Country",)]) == 1


def test_consecutive_pages_reuse_one_computation(client: TestClient, state: EmulatorState) -> None:
    account = state.accounts["mainkey"]
    resource = catalog.get("messageinformation")
    first = computed.result(state, account, resource, {"limit": "2"})
    assert (
        computed.result(state, account, resource, {"limit": "2", "offset": "2", "sort": "ID DESC"}) is first
    )
    assert computed.result(state, account, resource, {"campaignid": "10"}) is not first
    assert page_ids(client, "/v3/REST/messageinformation", Limit=2, Offset=1) == [
        int(i) for i in first.columns["ID"][first.keep[1:3]]
    ]


def test_cache_invalidates_when_a_message_is_added(client: TestClient, state: EmulatorState) -> None:
    def total() -> int:
        return client.get("/v3/REST/messageinformation?countrecords=1&Limit=1").json()["Total"]

    before = total()
    assert total() == before
    messages = state.accounts["mainkey"].table("message")
    pos = messages.insert({"ArrivedAt": NOW, "CampaignID": 10, "ContactID": 1, "Status": "sent"})
    assert total() == before + 1
    new_id = int(messages.column("ID")[pos])
    assert client.get(f"/v3/REST/messageinformation/{new_id}").json()["Data"][0]["SentCount"] == 1
    messages.update(pos, {"Status": "queued"})
    assert client.get(f"/v3/REST/messageinformation/{new_id}").json()["Data"][0]["SentCount"] == 0


def test_job_tables_do_not_invalidate_the_cache(state: EmulatorState) -> None:
    account = state.accounts["mainkey"]
    resource = catalog.get("contactstatistics")
    first = computed.result(state, account, resource, {})
    account.table("batchjob").insert({"Status": "Allocated"})
    assert computed.result(state, account, resource, {}) is first
    account.table("contact").insert({"Email": "dave@example.com"})
    assert computed.result(state, account, resource, {}) is not first


def test_cache_is_bounded_and_drops_stale_frames(state: EmulatorState) -> None:
    account = state.accounts["mainkey"]
    resource = catalog.get("messageinformation")
    for campaign in range(computed.CacheLimits().frames + 3):
        computed.result(state, account, resource, {"campaignid": str(campaign)})
    assert len(account.extra[computed.CACHE_KEY]) == computed.CacheLimits().frames
    account.table("message").insert({"ArrivedAt": NOW, "Status": "sent"})
    computed.result(state, account, resource, {})
    assert len(account.extra[computed.CACHE_KEY]) == 1


def test_computed_item_unknown_id_is_404(client: TestClient) -> None:
    assert client.get("/v3/REST/messageinformation/123").status_code == 404


def test_bounce_times_agree_with_the_per_message_scan() -> None:
    account = build_state(scale="tiny", now=NOW, frozen=True).accounts[DEFAULT_API_KEY]
    bounces = account.table("bouncestatistics")
    for pos in bounces.live()[:20].tolist():  # make sure some messages do meet a bounce row
        row = bounces.raw(int(pos))
        account.table("message").insert(
            {
                "ArrivedAt": row["BouncedAt"] - 5,
                "ContactID": row["ContactID"],
                "CampaignID": row["CampaignID"],
            }
        )
    data = facts(account)
    every = np.arange(data.size)
    expected = [bounce_time(account, data, i) for i in every.tolist()]
    assert bounce_times(account, data, every).tolist() == expected
    assert sum(e != a for e, a in zip(expected, data.arrived.tolist(), strict=True)) >= 20


def test_cache_row_budget_keeps_the_newest_frame(state: EmulatorState) -> None:
    account = state.accounts["mainkey"]
    resource = catalog.get("messageinformation")
    account.extra[computed.LIMITS_KEY] = computed.CacheLimits(rows=1)  # any frame is over budget
    first = computed.result(state, account, resource, {})
    second = computed.result(state, account, resource, {"campaignid": "10"})
    assert list(account.extra[computed.CACHE_KEY].values()) == [second]
    assert computed.result(state, account, resource, {}) is not first
