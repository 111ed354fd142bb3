"""REST listings through the app: envelope, paging, sort, generic and special filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from mailjet_connector.catalog import FieldType, Filter, Op
from mailjet_connector.emulator.rest.query import apply_filter
from mailjet_connector.emulator.state import MESSAGE_ID_BASE, Account, EmulatorState
from mailjet_connector.emulator.stats import registry as stats
from tests.emulator.conftest import NOW, TestClient


def ids(client: TestClient, path: str) -> list[int]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return [row["ID"] for row in response.json()["Data"]]


def test_envelope_total_equals_count_by_default(client: TestClient) -> None:
    response = client.get("/v3/REST/contact?Limit=2")
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert (body["Count"], body["Total"], len(body["Data"])) == (2, 2, 2)
    assert list(body) == ["Count", "Data", "Total"]


def test_countrecords_gives_the_global_total(client: TestClient) -> None:
    body = client.get("/v3/REST/contact?countrecords=1&limit=1").json()
    assert (body["Count"], len(body["Data"]), body["Total"]) == (1, 1, 3)


def test_count_only_has_no_data(client: TestClient) -> None:
    assert client.get("/v3/REST/contact?CountOnly=1").json() == {"Count": 3, "Data": [], "Total": 3}
    assert client.get("/v3/REST/message?countOnly=true&Campaign=10").json()["Total"] == 3


def test_default_limit_is_ten(client: TestClient, state: EmulatorState) -> None:
    table = state.accounts["mainkey"].table("contact")
    for i in range(20):
        table.insert({"Email": f"bulk{i}@example.net"})
    assert len(ids(client, "/v3/REST/contact")) == 10
    assert len(ids(client, "/v3/REST/contact?Limit=0&Offset=15")) == 23  # Limit=0: up to 1000, Offset ignored
    assert ids(client, "/v3/REST/contact?Limit=5&Offset=20") == [21, 22, 23]
    assert len(ids(client, "/v3/REST/contact?Limit=5000")) == 23  # clamped to 1000


def test_offset_past_the_end_is_an_empty_page(client: TestClient) -> None:
    assert client.get("/v3/REST/contact?Offset=99").json() == {"Count": 0, "Data": [], "Total": 0}


def test_sort_both_directions_with_id_tie_break(client: TestClient) -> None:
    assert ids(client, "/v3/REST/contact?Sort=DeliveredCount") == [3, 2, 1]
    assert ids(client, "/v3/REST/contact?Sort=Email+DESC") == [3, 2, 1]
    assert ids(client, "/v3/REST/contact?sort=email%20desc&limit=1") == [3]
    assert ids(client, "/v3/REST/contactslist?Sort=IsDeleted") == [1, 2]


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("Sort=Name", 'Sort on property "Name" is not allowed'),
        ("Sort=ID+DESC", 'Sort on "ID" is ascending only'),
        ("Limit=abc", 'Invalid value "abc" for parameter "Limit"'),
        ("IsExcludedFromCampaigns=maybe", '"IsExcludedFromCampaigns": expected true or false'),
        ("LastActivityAt=soon", "expected Unix seconds or an RFC 3339 date-time"),
    ],
)
def test_bad_parameters_answer_400(client: TestClient, query: str, fragment: str) -> None:
    response = client.get(f"/v3/REST/contact?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["StatusCode"] == 400 and fragment in body["ErrorMessage"]


def test_parameter_names_are_case_insensitive_and_first_wins(client: TestClient) -> None:
    assert ids(client, "/v3/REST/contact?LIMIT=1&limit=3") == [1]
    assert ids(client, "/v3/REST/contact?email=BOB@example.com&Email=alice@example.com") == [2]


def test_unknown_parameters_are_ignored(client: TestClient) -> None:
    assert ids(client, "/v3/REST/contact?InvalidParameter=0") == [1, 2, 3]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Email=ALICE@example.com", [1]),  # EQ, case-insensitive on Email
        ("EmailLike=example", [1, 2, 3]),
        ("EmailLike=EXAMPLE", []),
        ("EmailLikeCI=EXAMPLE", [1, 2, 3]),
        ("EmailLLike=bo", [2]),
        ("EmailLLikeCI=BO", [2]),
        ("EmailRLike=.org", [3]),
        ("EmailRLikeCI=.ORG", [3]),
        ("IsExcludedFromCampaigns=false", [1, 2, 3]),
        ("LastActivityAt=0", [1, 2, 3]),
    ],
)
def test_contact_text_filters(client: TestClient, query: str, expected: list[int]) -> None:
    assert ids(client, f"/v3/REST/contact?{query}") == expected


def test_time_comparisons_on_message(client: TestClient) -> None:
    base = MESSAGE_ID_BASE
    # ArrivedAt = NOW - 5h, -4h, -3h, -2h, -1h; FromTS is exclusive, ToTS inclusive.
    assert ids(client, f"/v3/REST/message?FromTS={NOW - 3 * 3600}") == [base + 3, base + 4]
    assert ids(client, f"/v3/REST/message?ToTS={NOW - 4 * 3600}") == [base, base + 1]
    rfc = "2023-11-14T19:13:20Z"  # NOW - 3h
    assert ids(client, f"/v3/REST/message?FromTS={rfc}&ToTS={NOW - 3600}") == [base + 3, base + 4]


def test_in_positive_and_ge_lt_ops(client: TestClient, state: EmulatorState) -> None:
    account = state.accounts["mainkey"]
    drafts = account.table("campaigndraft")
    for status in (0, 1, 2, -1):
        drafts.insert({"Status": status, "Locale": "en_US", "Subject": "s"})
    assert ids(client, "/v3/REST/campaigndraft?Status=0,2") == [1, 3]
    history = account.table("contacthistorydata")
    for i in range(4):
        history.insert({"ContactID": 1, "CreatedAt": NOW - 100 * i, "Name": "n"})
    assert ids(client, f"/v3/REST/contacthistorydata?MinCreatedAt={NOW - 200}") == [1, 2, 3]
    assert ids(client, f"/v3/REST/contacthistorydata?MaxCreatedAt={NOW - 200}") == [4]
    assert ids(client, "/v3/REST/campaigndraft?IsCampaign=false") == [1, 2, 3, 4]


def test_positive_op_keeps_rows_with_a_count(state: EmulatorState) -> None:
    # Every catalog POSITIVE filter sits on a computed resource; the op itself is generic over columns.
    table = state.accounts["mainkey"].table("contact")
    table.update(2, {"DeliveredCount": 0})
    sent = Filter("Sent", FieldType.BOOL, "DeliveredCount", Op.POSITIVE)
    assert apply_filter(table, table.live(), sent, True).tolist() == [0, 1]
    assert apply_filter(table, table.live(), sent, False).tolist() == [2]


def test_contact_list_and_unsubscribed_filters(client: TestClient) -> None:
    assert ids(client, "/v3/REST/contact?ContactsList=1") == [1, 2]
    assert ids(client, "/v3/REST/contact?ContactsList=1&IsUnsubscribed=true") == [2]
    assert ids(client, "/v3/REST/contact?ContactsList=1&IsUnsubscribed=false") == [1]
    assert ids(client, "/v3/REST/contact?IsUnsubscribed=true") == []
    assert ids(client, "/v3/REST/contact?Campaign=11") == [1, 2]


def test_list_and_recipient_special_filters(client: TestClient, state: EmulatorState) -> None:
    assert ids(client, "/v3/REST/contactslist?ExcludeID=1") == [2]
    assert ids(client, "/v3/REST/listrecipient?ContactEmail=BOB@example.com") == [2, 3]
    assert ids(client, "/v3/REST/listrecipient?ContactEmail=nobody@example.com") == []
    state.accounts["mainkey"].table("contactslist").update(0, {"IsDeleted": True})  # list 1
    assert ids(client, "/v3/REST/listrecipient?IgnoreDeleted=true") == [3]
    assert ids(client, "/v3/REST/listrecipient?IgnoreDeleted=false") == [1, 2, 3]


def test_message_show_flags_gate_fields(client: TestClient) -> None:
    hidden = client.get("/v3/REST/message?Limit=1").json()["Data"][0]
    assert (hidden["ContactAlt"], hidden["Subject"], hidden["CustomID"]) == ("", "", "")
    shown = client.get("/v3/REST/message?Limit=1&ShowContactAlt=true&ShowSubject=1&ShowCustomID=true").json()
    row = shown["Data"][0]
    assert (row["ContactAlt"], row["Subject"], row["CustomID"]) == (
        "alice@example.com",
        "Subject 0",
        "custom-0",
    )


def test_message_status_codes(client: TestClient) -> None:
    base = MESSAGE_ID_BASE
    assert ids(client, "/v3/REST/message?MessageStatus=2") == [base, base + 4]
    assert ids(client, "/v3/REST/message?MessageStatus=3,9") == [base + 1, base + 3]
    assert len(ids(client, "/v3/REST/message?MessageStatus=0")) == 5


def test_big_message_ids_round_trip_exactly(client: TestClient) -> None:
    response = client.get("/v3/REST/message?Limit=1")
    assert f'"ID":{MESSAGE_ID_BASE}' in response.text  # no float rounding on the wire
    one = client.get(f"/v3/REST/message/{MESSAGE_ID_BASE + 4}").json()
    assert one["Data"][0]["ID"] == MESSAGE_ID_BASE + 4 > 2**53


def test_campaign_window_binds_send_start(client: TestClient, state: EmulatorState) -> None:
    campaigns = state.accounts["mainkey"].table("campaign")
    campaigns.insert({"SendStartAt": NOW - 100, "CreatedAt": NOW - 10_000, "CustomValue": "a"})
    campaigns.insert({"SendStartAt": NOW - 10, "CreatedAt": NOW - 10_000, "CustomValue": "mj.nl=5"})
    assert ids(client, f"/v3/REST/campaign?FromTS={NOW - 50}") == [2]
    assert ids(client, f"/v3/REST/campaign?ToTS={NOW - 50}") == [1]
    assert ids(client, "/v3/REST/campaign/mj.nl=5") == [2]


def test_today_default_resources_show_only_the_current_day(client: TestClient, state: EmulatorState) -> None:
    opens = state.accounts["mainkey"].table("openinformation")
    midnight = NOW - NOW % 86_400
    for opened in (midnight - 60, midnight + 5, NOW):
        opens.insert({"OpenedAt": opened, "MessageID": MESSAGE_ID_BASE})
    assert ids(client, "/v3/REST/openinformation") == [2, 3]
    assert ids(client, f"/v3/REST/openinformation?EventFromTs={midnight - 3600}") == [1, 2, 3]


def test_computed_resource_without_function_is_empty(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(stats.COMPUTED, "apikeytotals", raising=False)  # as before its issue registers one
    assert client.get("/v3/REST/apikeytotals").json() == {"Count": 0, "Data": [], "Total": 0}


def test_computed_rows_get_generic_paging_and_sort(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def rows(state: EmulatorState, account: Account, params: Mapping[str, str]) -> list[dict[str, Any]]:
        return [{"ClickedCount": n % 3, "Country": f"C{n}", "OpenedCount": n} for n in range(7)]

    monkeypatch.setitem(
        stats.COMPUTED, "geostatistics", rows
    )  # a registry entry, as the stats issue adds them
    body = client.get("/v3/REST/geostatistics?Limit=2&Offset=1&countrecords=1").json()
    assert (body["Count"], body["Total"], [r["Country"] for r in body["Data"]]) == (2, 7, ["C1", "C2"])
    assert client.get("/v3/REST/geostatistics?CountOnly=1").json()["Total"] == 7
    assert client.get("/v3/REST/geostatistics/c3").json()["Data"][0]["OpenedCount"] == 3
    assert client.get("/v3/REST/geostatistics/nowhere").status_code == 404


def test_contactdata_contact_filters(client: TestClient) -> None:
    for contact in (1, 2, 3):
        client.get(f"/v3/REST/contactdata/{contact}")  # rows appear on demand
    assert ids(client, "/v3/REST/contactdata?ContactsList=2") == [2]
    assert ids(client, "/v3/REST/contactdata?ContactEmail=CAROL@example.org") == [3]
    assert ids(client, "/v3/REST/contactdata?Campaign=10") == [1, 2, 3]


def test_contact_attribute_filters_on_linked_rows(client: TestClient, state: EmulatorState) -> None:
    contacts = state.accounts["mainkey"].table("contact")
    contacts.update(1, {"IsExcludedFromCampaigns": True, "UnsubscribedAt": NOW})  # bob
    assert ids(client, "/v3/REST/listrecipient?IsExcludedFromCampaigns=true") == [2, 3]
    assert ids(client, "/v3/REST/listrecipient?IsExcludedFromCampaigns=0") == [1]
    for contact in (1, 2):
        client.get(f"/v3/REST/contactdata/{contact}")
    assert ids(client, "/v3/REST/contactdata?IsUnsubscribed=true") == [2]


def test_campaign_filter_set_binds_the_campaign_send_start(client: TestClient, state: EmulatorState) -> None:
    account = state.accounts["mainkey"]
    campaigns = account.table("campaign")
    campaigns.insert({"SendStartAt": NOW - 40 * 86_400, "CustomValue": "old"})
    campaigns.insert({"SendStartAt": NOW - 60, "CustomValue": "new"})
    opens = account.table("openinformation")
    for campaign in (1, 2, 2):
        opens.insert({"CampaignID": campaign, "OpenedAt": NOW, "MessageID": MESSAGE_ID_BASE})
    assert ids(client, f"/v3/REST/openinformation?FromTS={NOW - 86_400}") == [2, 3]
    assert ids(client, f"/v3/REST/openinformation?ToTS={NOW - 86_400}") == [1]
    assert ids(client, "/v3/REST/openinformation?Period=day") == [2, 3]
    assert ids(client, "/v3/REST/campaign?Period=Year") == [1, 2]
    assert ids(client, "/v3/REST/campaign?Period=Week") == [2]
    assert client.get("/v3/REST/campaign?Period=Decade").status_code == 400


def test_period_starts() -> None:
    from mailjet_connector.emulator.rest.campaign_filters import period_start

    # NOW is Tuesday 2023-11-14T22:13:20Z.
    assert period_start(NOW, "Day") == 1_699_920_000
    assert period_start(NOW, "week") == 1_699_920_000 - 86_400
    assert period_start(NOW, "Month") == 1_698_796_800
    assert period_start(NOW, "YEAR") == 1_672_531_200


def test_campaign_attributes_and_message_status_on_event_rows(
    client: TestClient, state: EmulatorState
) -> None:
    account = state.accounts["mainkey"]
    campaigns = account.table("campaign")
    for _ in range(11):  # campaigns 1..11; the fixture's messages use 10 and 11
        campaigns.insert({"SendStartAt": NOW - 60, "IsStarred": False})
    campaigns.update(9, {"IsStarred": True, "FromEmail": "News@Example.com"})  # campaign 10
    clicks = account.table("clickstatistics")
    for offset in (
        0,
        1,
        3,
        4,
    ):  # messages in campaigns 10, 10, 11, 11 with statuses sent, opened, softbounced, sent
        clicks.insert({"MessageID": MESSAGE_ID_BASE + offset, "ClickedAt": NOW})
    assert ids(client, "/v3/REST/clickstatistics?IsStarred=true") == [1, 2]
    assert ids(client, "/v3/REST/clickstatistics?CampaignID=11") == [3, 4]
    assert ids(client, "/v3/REST/clickstatistics?From=news@example.com") == [1, 2]
    assert ids(client, "/v3/REST/clickstatistics?MessageStatus=2") == [1, 4]
    assert ids(client, "/v3/REST/clickstatistics?MessageStatus=9,3") == [2, 3]


def test_sort_by_id_holds_for_rows_made_out_of_id_order(client: TestClient) -> None:
    # Regression (found by two-way sync at 100k contacts): a contactdata row takes its contact's ID, so one
    # made later for an older contact sits after higher IDs; the listing returned storage order for Sort=ID,
    # and the sync engine's ID-ordered walk marked the rows it met "out of range" as deleted.
    contacts = ids(client, "/v3/REST/contact?Sort=ID")
    for contact in reversed(contacts):  # newest contact first: storage order is the reverse of ID order
        answer = client.put(f"/v3/REST/contactdata/{contact}", json={"Data": [{"Name": "age", "Value": 7}]})
        assert answer.status_code == 200, answer.text
    listed = ids(client, "/v3/REST/contactdata?Sort=ID")
    assert listed == sorted(listed) and set(contacts) <= set(listed)
    assert ids(client, "/v3/REST/contactdata?Sort=ID&Limit=1&Offset=1") == [sorted(listed)[1]]
