"""What live queries ask the API, proven by the emulator's request log (`/_emulator/requests`)."""

from __future__ import annotations

from typing import Any

import pytest

from mailjet_connector.client import Client
from mailjet_connector.livesql import LiveLimitError, LiveSqlError, explain_live, run_live
from tests.livesql.conftest import forget_requests, query_params, requests_made


def _run(server: Any, client: Client, sql: str, **kw: Any) -> tuple[Any, list[dict[str, Any]]]:
    forget_requests(server)
    result = run_live(client, sql, **kw)
    return result, requests_made(server)


def test_email_lookup_is_one_call_with_the_email_filter(server: Any, client: Client) -> None:
    email = client.page("contact", limit=1).rows[0]["Email"]
    result, calls = _run(server, client, f"select id, email from contact where email = '{email}'")
    assert len(calls) == 1
    assert calls[0]["path"] == "/v3/REST/contact"
    assert query_params(calls[0])["Email"] == email
    assert [row[1] for row in result.rows] == [email]


def test_count_by_campaign_uses_the_filter_and_count_only(server: Any, client: Client) -> None:
    campaign = client.page("message", limit=1).rows[0]["CampaignID"]
    expected = sum(1 for m in client.iter("message") if m["CampaignID"] == campaign)
    result, calls = _run(server, client, f"select count(*) from message where campaign_id = {campaign}")
    assert len(calls) == 1
    params = query_params(calls[0])
    assert params["CampaignID"] == str(campaign)
    assert params["countOnly"] == "1"
    assert result.rows == [(expected,)]


def test_count_with_a_case_insensitive_filter_reads_rows_instead(server: Any, client: Client) -> None:
    # contact?Email= ignores case, SQL `=` does not: the count cannot come from countOnly.
    email = next(c["Email"] for c in client.iter("contact") if c["Email"] != c["Email"].lower())
    result, calls = _run(server, client, f"select count(*) from contact where email = '{email.lower()}'")
    assert result.rows == [(0,)]
    assert len(calls) == 1
    assert "countOnly" not in query_params(calls[0])
    assert query_params(calls[0])["Email"] == email.lower()


def test_order_by_and_limit_go_to_the_api(server: Any, client: Client) -> None:
    result, calls = _run(server, client, "select id from contact order by created_at desc, id limit 3")
    assert len(calls) == 1
    params = query_params(calls[0])
    assert (params["Sort"], params["Limit"], params["Offset"]) == ("CreatedAt DESC", "3", "0")
    assert len(result.rows) == 3


def test_offset_goes_to_the_api_and_not_twice(server: Any, client: Client) -> None:
    everything = [c["ID"] for c in client.iter("contact")]
    result, calls = _run(server, client, "select id from contact order by id limit 5 offset 10")
    assert [query_params(c)["Offset"] for c in calls] == ["10"]
    assert [row[0] for row in result.rows] == everything[10:15]


def test_ascending_sort_on_a_nullable_time_is_not_pushed(server: Any, client: Client) -> None:
    # The API sorts an empty ArrivedAt first, DuckDB puts NULL last: the limit is applied locally.
    _, calls = _run(server, client, "select id from message order by arrived_at limit 2")
    assert all("Sort" not in query_params(c) or query_params(c)["Sort"] == "ID" for c in calls)
    assert all(query_params(c)["Limit"] == "1000" for c in calls)


def test_ids_are_read_by_key(server: Any, client: Client) -> None:
    ids = [c["ID"] for c in client.page("contact", limit=2).rows]
    result, calls = _run(
        server, client, f"select id from contact where id in ({ids[0]}, {ids[1]}, 999999999)"
    )
    assert sorted(c["path"] for c in calls) == sorted(f"/v3/REST/contact/{i}" for i in [*ids, 999999999])
    assert sorted(row[0] for row in result.rows) == sorted(ids)


def test_join_reads_the_other_table_for_the_values_found(server: Any, client: Client) -> None:
    subscriptions = client.page("listrecipient", limit=2).rows
    ids = ", ".join(str(s["ID"]) for s in subscriptions)
    sql = f"select lr.id, c.email from listrecipient lr join contact c on c.id = lr.contact_id where lr.id in ({ids})"
    result, calls = _run(server, client, sql)
    contacts = {s["ContactID"] for s in subscriptions}
    assert sorted(c["path"] for c in calls) == sorted(
        [
            *(f"/v3/REST/listrecipient/{s['ID']}" for s in subscriptions),
            *(f"/v3/REST/contact/{i}" for i in contacts),
        ]
    )
    assert len(result.rows) == len(subscriptions)


def test_a_subquery_value_narrows_the_outer_read(server: Any, client: Client) -> None:
    sql = "select event_type from messagehistory where message_id = (select min(id) from message)"
    _, calls = _run(server, client, sql)
    history = [c for c in calls if c["path"] == "/v3/REST/messagehistory"]
    first = min(m["ID"] for m in client.iter("message"))
    assert [query_params(c)["Message"] for c in history] == [str(first)]


def test_event_tables_are_read_for_all_time(server: Any, client: Client) -> None:
    result, calls = _run(server, client, "select count(*) from openinformation")
    assert len(calls) == 1
    params = query_params(calls[0])
    assert params["countOnly"] == "1" and params["EventFromTs"] == "0"
    assert result.rows == [(client.count("openinformation", {"EventFromTs": 0}),)]


def test_an_upper_time_bound_alone_still_reads_from_the_start(server: Any, client: Client) -> None:
    # Without a lower bound the API would answer today only: EventFromTs=0 goes with the user's EventToTs.
    _, calls = _run(server, client, "select id from openinformation where opened_at <= '2100-01-01'")
    assert [(query_params(c)["EventFromTs"], query_params(c)["EventToTs"]) for c in calls] == [
        ("0", "2100-01-01T00:00:00Z")
    ]


def test_a_query_over_the_call_limit_is_refused_with_its_estimate(server: Any, client: Client) -> None:
    messages = client.count("message")
    forget_requests(server)
    with pytest.raises(LiveLimitError) as caught:
        run_live(client, "select count(*) from messagehistory", max_calls=5)
    assert caught.value.estimate >= messages
    assert caught.value.made <= 1
    assert str(caught.value).startswith(f"this query needs about {caught.value.estimate} API calls")
    assert len(requests_made(server)) <= 1


def test_explain_names_the_calls_and_reads_no_row(server: Any, client: Client) -> None:
    campaign = client.page("message", limit=1).rows[0]["CampaignID"]
    forget_requests(server)
    plan = explain_live(client, f"select id from message where campaign_id = {campaign} and status = 'sent'")
    calls = requests_made(server)
    assert all(query_params(c).get("countOnly") == "1" for c in calls)
    assert plan.probes == len(calls) == 1 and plan.estimate == 1
    assert any(f"GET /v3/REST/message?CampaignID={campaign}" in line for line in plan.lines)
    assert any("local only" in line and "status" in line for line in plan.lines)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("select * from nosuchtable", "no live table 'nosuchtable'"),
        ("select nosuchcolumn from contact", "nosuchcolumn"),
        ("select * from statcounters", "statcounters is read with counter_source"),
        ("select 1; select 2", "expected one SQL statement"),
        ("copy contact to 'x.csv'", "live queries take one SELECT"),
        ("select * from read_csv('/etc/passwd')", "file system operations are disabled"),
        ("select * from mailjet_data.contact", "live tables have no schema"),
    ],
)
def test_bad_queries_fail_before_any_call(server: Any, client: Client, sql: str, message: str) -> None:
    forget_requests(server)
    with pytest.raises(LiveSqlError, match=message):
        run_live(client, sql)
    assert requests_made(server) == []


def test_read_queries_only_get(server: Any, client: Client) -> None:
    forget_requests(server)
    run_live(client, "select c.email from listrecipient lr join contact c on c.id = lr.contact_id limit 3")
    run_live(client, "select * from contactdata limit 2")
    assert {c["method"] for c in requests_made(server)} == {"GET"}
