"""Campaign drafts: detailcontent, test, schedule, send, status; the campaign and messages a send creates."""

from __future__ import annotations

import pytest
from mailjet_rest import Client

from mailjet_connector.emulator.send.campaign import run_due
from mailjet_connector.emulator.state import EmulatorState
from mailjet_connector.wire.timestamps import format_timestamp
from tests.emulator.conftest import MAIN, NOW, build_state

LIST_WITH_ALICE = 1  # alice active, bob unsubscribed
EMPTY_LIST = 3


@pytest.fixture
def state() -> EmulatorState:
    """conftest's state plus senders and a list without subscribers."""
    state = build_state()
    main = state.accounts[MAIN[0]]
    senders = main.table("sender")
    senders.insert({"Email": "news@example.com", "Name": "News", "Status": "Active"})
    senders.insert({"Email": "*@brand.example", "Status": "Active"})
    senders.insert({"Email": "pending@example.com", "Status": "Inactive"})
    main.table("contactslist").insert({"Name": "Empty", "Address": "stuvwxyza", "CreatedAt": NOW})
    return state


def rows(state: EmulatorState, resource: str) -> list[dict]:
    return list(state.accounts[MAIN[0]].table(resource).iter_raw())


def make_draft(client, resource: str = "campaigndraft", content: bool = True, **fields) -> int:
    body = {
        "Locale": "en_US",
        "Sender": "News",
        "SenderEmail": "news@example.com",
        "Subject": "Hello",
        "ContactsListID": LIST_WITH_ALICE,
        "Title": "November",
        **fields,
    }
    response = client.post(f"/v3/REST/{resource}", json=body)
    assert response.status_code == 201, response.text
    draft_id = response.json()["Data"][0]["ID"]
    if content:
        answer = client.post(
            f"/v3/REST/{resource}/{draft_id}/detailcontent",
            json={"Html-part": "<p>Hi</p>", "Text-part": "Hi"},
        )
        assert answer.status_code == 201
    return draft_id


def content_of(client, draft_id: int, resource: str = "campaigndraft") -> dict:
    response = client.get(f"/v3/REST/{resource}/{draft_id}/detailcontent")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=UTF-8"
    return response.json()["Data"][0]


def error_of(response) -> str:
    assert response.status_code == 400, response.text
    return response.json()["ErrorMessage"]


def test_detailcontent_post_blanks_and_put_keeps(client):
    draft_id = make_draft(client, content=False)
    assert content_of(client, draft_id) == {
        "Html-part": None,
        "Text-part": None,
        "MJMLContent": None,
        "Headers": None,
    }
    client.post(
        f"/v3/REST/campaigndraft/{draft_id}/detailcontent", json={"Html-part": "<b>A</b>", "Text-part": "A"}
    )
    put = client.put(f"/v3/REST/campaigndraft/{draft_id}/detailcontent", json={"Text-part": "B"})
    assert put.status_code == 200
    assert put.json()["Data"][0]["Html-part"] == "<b>A</b>"
    assert content_of(client, draft_id)["Text-part"] == "B"
    client.post(f"/v3/REST/campaigndraft/{draft_id}/detailcontent", json={"Text-part": "C"})
    assert content_of(client, draft_id) == {
        "Html-part": None,
        "Text-part": "C",
        "MJMLContent": None,
        "Headers": None,
    }


def test_detailcontent_refuses_unknown_parts(client):
    draft_id = make_draft(client, content=False)
    response = client.post(f"/v3/REST/campaigndraft/{draft_id}/detailcontent", json={"Body": "x"})
    assert "Body" in error_of(response)


def test_newsletter_detailcontent_delete_empties_it(client):
    draft_id = make_draft(client, "newsletter")
    assert client.delete(f"/v3/REST/newsletter/{draft_id}/detailcontent").status_code == 204
    assert content_of(client, draft_id, "newsletter")["Html-part"] is None


def test_newsletter_and_campaigndraft_do_not_see_each_other(client):
    draft_id = make_draft(client, "campaigndraft")
    letter_id = make_draft(client, "newsletter")
    assert letter_id != draft_id  # one ID sequence, so `mj.nl=<id>` names one campaign
    assert client.get(f"/v3/REST/newsletter/{draft_id}").status_code == 404
    assert client.get(f"/v3/REST/campaigndraft/{letter_id}").status_code == 404


def test_test_send_records_and_creates_no_rows(client, state):
    draft_id = make_draft(client)
    messages_before = len(rows(state, "message"))
    response = client.post(
        f"/v3/REST/campaigndraft/{draft_id}/test",
        json={"Recipients": [{"Email": "qa@example.com", "Name": "QA"}]},
    )
    assert response.status_code == 201
    assert response.json()["Data"] == [{"Status": "Draft"}]
    assert len(rows(state, "message")) == messages_before and rows(state, "campaign") == []
    tests = state.accounts[MAIN[0]].extra["campaign_tests"]
    assert tests[-1]["DraftID"] == draft_id and tests[-1]["Recipients"] == [
        {"Email": "qa@example.com", "Name": "QA"}
    ]


def test_test_send_needs_recipients(client):
    draft_id = make_draft(client)
    assert "Recipients" in error_of(client.post(f"/v3/REST/campaigndraft/{draft_id}/test", json={}))


def test_send_creates_campaign_and_messages_for_active_subscribers(client, state):
    draft_id = make_draft(client)
    response = client.post(f"/v3/REST/campaigndraft/{draft_id}/send", json={})
    assert response.status_code == 201
    assert response.json()["Data"] == [{"Status": "programmed"}]
    (campaign,) = rows(state, "campaign")
    assert campaign["CustomValue"] == f"mj.nl={draft_id}"
    assert (campaign["CampaignType"], campaign["NewsLetterID"], campaign["ListID"]) == (
        2,
        draft_id,
        LIST_WITH_ALICE,
    )
    assert (campaign["FromEmail"], campaign["Subject"], campaign["SendStartAt"]) == (
        "news@example.com",
        "Hello",
        NOW,
    )
    sent = [m for m in rows(state, "message") if m["CampaignID"] == campaign["ID"]]
    assert [m["ContactAlt"] for m in sent] == ["alice@example.com"]  # bob unsubscribed from list 1
    assert campaign["FirstMessageID"] == sent[0]["ID"]
    assert sent[0]["ID"] in state.accounts[MAIN[0]].extra["sent_messages"]
    draft = client.get(f"/v3/REST/campaigndraft/{draft_id}").json()["Data"][0]
    assert (draft["Status"], draft["CampaignID"]) == (2, campaign["ID"])
    assert client.get(f"/v3/REST/campaigndraft/{draft_id}/status").json()["Data"] == [{"Status": "Sent"}]
    assert client.get(f"/v3/REST/campaign/mj.nl={draft_id}").json()["Data"][0]["ID"] == campaign["ID"]


def test_sent_draft_cannot_change_or_send_again(client):
    draft_id = make_draft(client)
    client.post(f"/v3/REST/campaigndraft/{draft_id}/send", json={})
    assert "already been sent" in error_of(
        client.put(f"/v3/REST/campaigndraft/{draft_id}", json={"Subject": "x"})
    )
    detail = client.put(f"/v3/REST/campaigndraft/{draft_id}/detailcontent", json={"Text-part": "x"})
    assert "already been sent" in error_of(detail)
    assert "Status" in error_of(client.post(f"/v3/REST/campaigndraft/{draft_id}/send", json={}))


@pytest.mark.parametrize(
    ("fields", "content", "expected"),
    [
        ({"ContactsListID": EMPTY_LIST}, True, "no active subscribers"),
        ({"ContactsListID": 0}, True, "does not exist"),
        ({"SenderEmail": "pending@example.com"}, True, "not an active sender"),
        ({"SenderEmail": "anyone@brand.example"}, False, "no content"),
    ],
)
def test_send_checks(client, fields, content, expected):
    draft_id = make_draft(client, content=content, **fields)
    assert expected in error_of(client.post(f"/v3/REST/campaigndraft/{draft_id}/send", json={}))


def test_send_refuses_ab_test_drafts(client, state):
    state.accounts[MAIN[0]].table("axtesting").insert({})
    draft_id = make_draft(client, AXTestingID=1)
    assert "A/B test" in error_of(client.post(f"/v3/REST/campaigndraft/{draft_id}/send", json={}))


def test_send_checks_blank_subject(client):
    draft_id = make_draft(client)
    client.put(f"/v3/REST/campaigndraft/{draft_id}", json={"Subject": ""})
    assert '"Subject" is empty' in error_of(client.post(f"/v3/REST/campaigndraft/{draft_id}/send", json={}))


def test_domain_sender_is_accepted(client, state):
    draft_id = make_draft(client, SenderEmail="promo@brand.example")
    assert client.post(f"/v3/REST/campaigndraft/{draft_id}/send", json={}).status_code == 201


def test_schedule_in_the_past_is_refused(client):
    draft_id = make_draft(client)
    response = client.post(
        f"/v3/REST/campaigndraft/{draft_id}/schedule", json={"Date": "2020-01-01T00:00:00Z"}
    )
    assert "in the past" in error_of(response)
    assert client.get(f"/v3/REST/campaigndraft/{draft_id}/status").json()["Data"] == [{"Status": "Draft"}]


def test_schedule_then_cancel(client, state):
    draft_id = make_draft(client)
    url = f"/v3/REST/campaigndraft/{draft_id}/schedule"
    response = client.post(url, json={"Date": "2023-11-15T09:00:00+01:00"})
    assert response.status_code == 201
    assert response.json()["Data"] == [{"Date": "2023-11-15T08:00:00Z", "Status": "programmed"}]
    assert client.get(url).json()["Data"] == [{"Date": "2023-11-15T08:00:00Z", "Status": "programmed"}]
    assert client.get(f"/v3/REST/campaigndraft/{draft_id}").json()["Data"][0]["Status"] == 1
    assert client.delete(url).status_code == 204
    assert client.get(f"/v3/REST/campaigndraft/{draft_id}/status").json()["Data"] == [{"Status": "Draft"}]
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 400
    state.clock.advance(86_400)
    run_due(state)
    assert rows(state, "campaign") == []


def test_due_schedule_is_sent_at_its_date(client, state):
    draft_id = make_draft(client)
    at = NOW + 3600
    client.put(f"/v3/REST/campaigndraft/{draft_id}/schedule", json={"Date": at})
    state.clock.advance(600)
    assert run_due(state) == 0
    state.clock.advance(7200)  # past the date: the next draft action sends it, dated at the schedule
    assert client.get(f"/v3/REST/campaigndraft/{draft_id}/status").json()["Data"] == [{"Status": "Sent"}]
    (campaign,) = rows(state, "campaign")
    assert campaign["SendStartAt"] == at
    (message,) = [m for m in rows(state, "message") if m["CampaignID"] == campaign["ID"]]
    assert message["ArrivedAt"] == at


def test_schedule_now_is_sent_by_the_next_action(client, state):
    draft_id = make_draft(client, "newsletter")
    response = client.post(f"/v3/REST/newsletter/{draft_id}/schedule", json={"Date": "NOW"})
    assert response.json()["Data"][0]["Status"] == "programmed"
    assert client.get(f"/v3/REST/newsletter/{draft_id}/status").json()["Data"] == [{"Status": "Sent"}]
    assert rows(state, "campaign")[0]["CustomValue"] == f"mj.nl={draft_id}"


def test_schedule_checks_like_send(client):
    draft_id = make_draft(client, ContactsListID=EMPTY_LIST)
    response = client.post(f"/v3/REST/campaigndraft/{draft_id}/schedule", json={"Date": "NOW"})
    assert "no active subscribers" in error_of(response)


def test_official_client_campaign_flow(emulator):
    """create -> detailcontent -> test -> send -> campaign + messages, with mailjet-rest on a live server."""
    account = emulator.state.accounts[emulator.api_key]
    sender = next(r["Email"] for r in account.table("sender").iter_raw() if r["Status"] == "Active")
    list_id = max(account.table("contactslist").iter_raw(), key=lambda r: r["SubscriberCount"])["ID"]
    mj = Client(auth=(emulator.api_key, emulator.api_secret), api_url=emulator.url + "/", timeout=30)
    with mj:
        body = {
            "Locale": "en_US",
            "Sender": "Team",
            "SenderEmail": sender,
            "Subject": "Big news",
            "ContactsListID": list_id,
        }
        created = mj.campaigndraft.create(data=body)
        assert created.status_code == 201
        draft_id = created.json()["Data"][0]["ID"]
        content = {"Html-part": "<h1>News</h1>", "Text-part": "News"}
        assert mj.campaigndraft_detailcontent.create(id=draft_id, data=content).status_code == 201
        assert mj.campaigndraft_detailcontent.get(id=draft_id).json()["Data"][0]["Text-part"] == "News"
        test = mj.campaigndraft_test.create(id=draft_id, data={"Recipients": [{"Email": "qa@example.com"}]})
        assert test.json()["Data"] == [{"Status": "Draft"}]
        assert mj.campaigndraft_send.create(id=draft_id, data={}).json()["Data"] == [{"Status": "programmed"}]
        assert mj.campaigndraft_status.get(id=draft_id).json()["Data"] == [{"Status": "Sent"}]
        campaign = mj.campaign.get(id=f"mj.nl={draft_id}").json()["Data"][0]
        messages = mj.message.get(filters={"Campaign": campaign["ID"], "Limit": 0}).json()
    assert campaign["CampaignType"] == 2 and campaign["ListID"] == list_id
    assert messages["Count"] > 0


def test_official_client_schedule_and_cancel(emulator):
    """schedule -> read -> cancel -> schedule again -> sent once the emulator clock passes the date."""
    state = emulator.state
    account = state.accounts[emulator.api_key]
    sender = next(r["Email"] for r in account.table("sender").iter_raw() if r["Status"] == "Active")
    list_id = max(account.table("contactslist").iter_raw(), key=lambda r: r["SubscriberCount"])["ID"]
    at = format_timestamp(state.clock.now() + 3600)
    with Client(auth=(emulator.api_key, emulator.api_secret), api_url=emulator.url + "/", timeout=30) as mj:
        body = {"Locale": "en_US", "Sender": "Team", "SenderEmail": sender, "Subject": "Soon"}
        draft_id = mj.campaigndraft.create(data={**body, "ContactsListID": list_id}).json()["Data"][0]["ID"]
        mj.campaigndraft_detailcontent.create(id=draft_id, data={"Text-part": "Soon"})
        scheduled = mj.campaigndraft_schedule.create(id=draft_id, data={"Date": at})
        assert scheduled.json()["Data"] == [{"Date": at, "Status": "programmed"}]
        assert mj.campaigndraft_schedule.get(id=draft_id).json()["Data"][0]["Date"] == at
        assert mj.campaigndraft_schedule.delete(id=draft_id).status_code == 204
        assert mj.campaigndraft_status.get(id=draft_id).json()["Data"] == [{"Status": "Draft"}]
        mj.campaigndraft_schedule.update(id=draft_id, data={"Date": at})
        state.clock.advance(7200)
        assert mj.campaigndraft_status.get(id=draft_id).json()["Data"] == [{"Status": "Sent"}]
        campaign = mj.campaign.get(id=f"mj.nl={draft_id}").json()["Data"][0]
    assert campaign["SendStartAt"] == at
