"""The campaign workflow on the emulator: create, content, test, schedule, cancel, send, status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from mailjet_connector import campaigns
from mailjet_connector.client import Client
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from mailjet_connector.errors import InvalidRequestError
from mailjet_connector.lists import ListNotFoundError
from mailjet_connector.ratelimit import Pacer

SENDER = "news@example.com"  # an active sender of the tiny preset


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", seed=0) as running:
        yield running


@pytest.fixture
def client(server: EmulatorServer) -> Iterator[Client]:
    with Client(server.api_key, server.api_secret, base_url=server.url, pacer=Pacer(1e6)) as made:
        yield made


def new_draft(client: Client, **kwargs) -> int:
    draft = campaigns.create_draft(
        client, list_ref="Newsletter", subject="November news", from_email=SENDER, from_name="News", **kwargs
    )
    return int(draft["ID"])


def test_create_resolves_the_list_by_name_or_id(client: Client) -> None:
    by_name = client.get("campaigndraft", new_draft(client, title="T"))
    assert (by_name["ContactsListID"], by_name["Title"], by_name["Locale"]) == (1, "T", "en_US")
    assert by_name["SenderEmail"] == SENDER and by_name["Sender"] == "News"
    draft = campaigns.create_draft(client, list_ref="2", subject="S", from_email=SENDER)
    assert draft["ContactsListID"] == 2


def test_unknown_list_name_is_a_clear_error(client: Client) -> None:
    with pytest.raises(ListNotFoundError, match="no contacts list named 'Nope'"):
        campaigns.create_draft(client, list_ref="Nope", subject="S", from_email=SENDER)
    with pytest.raises(ListNotFoundError, match="no contacts list with ID 99"):
        campaigns.create_draft(client, list_ref="99", subject="S", from_email=SENDER)


def test_content_post_replaces_every_part(client: Client) -> None:
    draft_id = new_draft(client)
    campaigns.set_content(client, draft_id, html="<p>One</p>", text="One")
    stored = campaigns.set_content(client, draft_id, html="<p>Two</p>")
    assert stored["Html-part"] == "<p>Two</p>"
    assert not stored.get("Text-part")  # POST blanked the text part: a full replace
    with pytest.raises(campaigns.CampaignError, match="no content"):
        campaigns.set_content(client, draft_id)


def test_test_send_leaves_the_draft_a_draft(server: EmulatorServer, client: Client) -> None:
    draft_id = new_draft(client)
    campaigns.set_content(client, draft_id, html="<p>Hi</p>")
    assert campaigns.send_test(client, draft_id, ["me@example.com"]) == "Draft"
    tests = server.state.accounts[server.api_key].extra["campaign_tests"]
    assert tests[-1]["Recipients"] == [{"Email": "me@example.com", "Name": ""}]
    assert campaigns.draft_status(client, draft_id).status == "Draft"


def test_schedule_then_cancel_then_send(client: Client) -> None:
    draft_id = new_draft(client)
    campaigns.set_content(client, draft_id, html="<p>Hi</p>", text="Hi")
    when = campaigns.parse_when("2099-01-02T03:04:05+01:00")
    assert when == "2099-01-02T02:04:05Z"
    assert campaigns.schedule(client, draft_id, when)["Status"] == "programmed"
    status = campaigns.draft_status(client, draft_id)
    assert (status.status, status.scheduled_at) == ("Programmed", "2099-01-02T02:04:05Z")
    campaigns.cancel(client, draft_id)
    assert campaigns.draft_status(client, draft_id).status == "Draft"
    campaigns.send_now(client, draft_id)
    sent = campaigns.draft_status(client, draft_id)
    assert sent.status == "Sent" and sent.campaign_id > 0


def test_sending_without_content_is_refused_with_mailjets_reason(client: Client) -> None:
    with pytest.raises(InvalidRequestError, match="no content"):
        campaigns.send_now(client, new_draft(client))


def test_audience_counts_active_subscriptions(server: EmulatorServer, client: Client) -> None:
    who = campaigns.audience(client, 1)
    recipients = server.state.accounts[server.api_key].tables["listrecipient"]
    rows = recipients.records(recipients.live())
    active = [r for r in rows if r["ListID"] == 1 and r["IsActive"] and not r["IsUnsubscribed"]]
    assert (who.name, who.active) == ("Newsletter", len(active))
    assert who.subscriber_count >= who.active


@pytest.mark.parametrize(
    ("value", "expected"),
    [("now", "NOW"), ("NOW", "NOW"), ("2099-05-01T09:00:00", "2099-05-01T09:00:00Z")],
)
def test_parse_when(value: str, expected: str) -> None:
    assert campaigns.parse_when(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "2001-01-01T00:00:00Z"])
def test_parse_when_refuses_bad_or_past_dates(value: str) -> None:
    with pytest.raises(campaigns.CampaignError):
        campaigns.parse_when(value, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
