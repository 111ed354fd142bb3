"""Conditions -> API filters, without the API: what is pushed, and whether it is exact (pure + DuckDB)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mailjet_connector.livesql.constants import Evaluator
from mailjet_connector.livesql.local import Sandbox
from mailjet_connector.livesql.parse import analyse, parse_statement
from mailjet_connector.livesql.pushdown import Narrowing, narrow


@pytest.fixture(scope="module")
def evaluator() -> Iterator[Evaluator]:
    box = Sandbox()
    try:
        yield Evaluator(box)
    finally:
        box.close()


def pushed(evaluator: Evaluator, sql: str) -> Narrowing:
    (ref,) = analyse(parse_statement(sql)).refs
    return narrow(ref, evaluator)


@pytest.mark.parametrize(
    ("where", "params", "exact"),
    [
        # Case: contact Email ignores case, SQL does not.
        ("email = 'Ada@x.org'", {"Email": "Ada@x.org"}, False),
        ("lower(email) = 'ada@x.org'", {"Email": "ada@x.org"}, False),
        ("lower(email) = 'Ada@x.org'", {}, False),  # matches nothing: nothing sent
        ("email like 'ada%'", {"EmailLLike": "ada"}, True),
        ("email like '%x.org'", {"EmailRLike": "x.org"}, True),
        ("email like '%ada%'", {"EmailLike": "ada"}, True),
        ("email like 'a_a%'", {}, False),
        ("email ilike 'ADA%'", {"EmailLLikeCI": "ADA"}, False),
        ("email like 'ad%x%'", {"EmailLLike": "ad"}, False),
        # NULL: an empty timestamp is NULL in SQL, 0 to the API.
        ("unsubscribed_at is not null", {"IsUnsubscribed": "true"}, True),
        ("unsubscribed_at is null", {"IsUnsubscribed": "false"}, True),
        ("is_excluded_from_campaigns", {"IsExcludedFromCampaigns": "true"}, True),
        ("not is_excluded_from_campaigns", {"IsExcludedFromCampaigns": "false"}, True),
        ("is_excluded_from_campaigns = 'true'", {"IsExcludedFromCampaigns": "true"}, True),
        ("last_activity_at = '2024-05-01 10:00:00'", {"LastActivityAt": "2024-05-01T10:00:00Z"}, True),
        ("last_activity_at = '2024-05-01 10:00:00.5'", {}, False),
        ("id = 7 and email = 'x'", {"Email": "x"}, False),
    ],
)
def test_contact_conditions(evaluator: Evaluator, where: str, params: dict[str, str], exact: bool) -> None:
    found = pushed(evaluator, f"select * from contact where {where}")
    assert (found.params, found.exact) == (params, exact)


@pytest.mark.parametrize(
    ("where", "params", "exact"),
    [
        ("campaign_id = 7", {"CampaignID": "7"}, True),
        ("campaign_id = '7'", {"CampaignID": "7"}, True),
        ("campaign_id = 7.0", {"CampaignID": "7"}, True),
        ("campaign_id = 7.5", {}, False),
        # FromTS is "later than", ToTS "before or equal": bounds in whole seconds, the empty value kept apart.
        ("arrived_at > '2024-01-01'", {"FromTS": "2024-01-01T00:00:00Z"}, True),
        ("arrived_at >= '2024-01-01'", {"FromTS": "2023-12-31T23:59:59Z"}, True),
        ("arrived_at > '2024-01-01 00:00:00.5'", {"FromTS": "2024-01-01T00:00:00Z"}, True),
        ("arrived_at <= '2024-01-01'", {"ToTS": "2024-01-01T00:00:00Z"}, False),
        ("arrived_at < '2024-01-01'", {"ToTS": "2023-12-31T23:59:59Z"}, False),
        (
            "arrived_at between '2024-01-01' and '2024-02-01'",
            {"FromTS": "2023-12-31T23:59:59Z", "ToTS": "2024-02-01T00:00:00Z"},
            True,
        ),
        ("arrived_at > '1970-01-01 00:00:00'", {"FromTS": "1970-01-01T00:00:00Z"}, True),
        ("arrived_at >= '1970-01-01 00:00:00'", {"FromTS": "1969-12-31T23:59:59Z"}, False),
        ("status = 'sent'", {}, False),
        ("custom_id = ''", {}, False),  # listed empty without ShowCustomID: never filtered by the API
        ("campaign_id = 1 or campaign_id = 2", {}, True),  # split: one read per value
    ],
)
def test_message_conditions(evaluator: Evaluator, where: str, params: dict[str, str], exact: bool) -> None:
    found = pushed(evaluator, f"select * from message where {where}")
    assert (found.params, found.exact) == (params, exact)


def test_in_on_a_one_value_filter_is_one_read_per_value(evaluator: Evaluator) -> None:
    found = pushed(evaluator, "select * from message where contact_id in (3, 4, 3)")
    assert found.splits == [("ContactID", ["3", "4"])]
    assert found.exact


def test_counter_flags(evaluator: Evaluator) -> None:
    assert pushed(evaluator, "select * from contactstatistics where blocked_count > 0").params == {
        "Blocked": "true"
    }
    assert pushed(evaluator, "select * from contactstatistics where blocked_count = 0").exact
    flag = pushed(evaluator, "select * from contactstatistics where blocked_count >= 5")
    assert (flag.params, flag.exact) == ({"Blocked": "true"}, False)
    negative = pushed(evaluator, "select * from contactstatistics where blocked_count <= 0")
    assert (negative.params, negative.exact) == ({}, False)  # Blocked=false is a subset if counts can be < 0


def test_ids_become_keys(evaluator: Evaluator) -> None:
    found = pushed(evaluator, "select * from contact where id in (3, 1, 2) and id > 1")
    assert (found.keys, found.exact) == ([2, 3], True)


def test_dimension_values(evaluator: Evaluator) -> None:
    found = pushed(evaluator, "select * from messagehistory where message_id in (5, 6)")
    assert (found.dims, found.exact) == ({"message_id": [5, 6]}, True)


def test_now_is_one_instant(evaluator: Evaluator) -> None:
    # The constant is evaluated in the query's transaction: twice the same value.
    first = pushed(evaluator, "select * from message where arrived_at < now()").params
    second = pushed(evaluator, "select * from message where arrived_at < now()").params
    assert first == second and "ToTS" in first
