"""Registering the receiver with Mailjet (the emulator): idempotent, backup URLs, revival, parse routes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mailjet_connector.client import Client
from mailjet_connector.webhooks import register

URL = "https://hook:s3cret@events.example.org/events"
BACKUP = "https://hook:s3cret@backup.example.org/events"


@pytest.fixture
def client(emulator) -> Iterator[Client]:
    with Client(emulator.api_key, emulator.api_secret, base_url=emulator.url) as opened:
        for row in list(opened.iter("eventcallbackurl")):  # start from no callbacks at all
            opened.delete("eventcallbackurl", row["ID"])
        yield opened


def rows(client: Client) -> dict[tuple[str, bool], dict]:
    return {(r["EventType"], r["IsBackup"]): r for r in client.iter("eventcallbackurl")}


def test_register_creates_one_callback_per_type_and_is_idempotent(client):
    first = register.register_events(client, URL, grouped=True)
    assert {c.action for c in first} == {"created"} and len(first) == 7
    again = register.register_events(client, URL, grouped=True)
    assert {c.action for c in again} == {"unchanged"}
    assert {(r["Url"], r["Version"]) for r in rows(client).values()} == {(URL, 2)}


def test_register_fixes_what_differs(client):
    register.register_events(client, URL, ("sent", "open"))
    changes = register.register_events(client, URL + "2", ("sent", "open", "click"), grouped=True)
    assert [c.action for c in changes] == ["updated", "updated", "created"]
    assert rows(client)[("sent", False)]["Url"] == URL + "2"


def test_backup_urls_are_registered_next_to_primaries(client):
    register.register_events(client, URL, ("bounce",), backup_url=BACKUP)
    found = rows(client)
    assert found[("bounce", True)]["Url"] == BACKUP and found[("bounce", False)]["Url"] == URL


def test_a_dead_callback_is_revived(client, emulator):
    register.register_events(client, URL, ("open",))
    row = rows(client)[("open", False)]
    client.update("eventcallbackurl", row["ID"], {"Status": "dead"})
    (change,) = register.register_events(client, URL, ("open",))
    assert change.action == "updated" and rows(client)[("open", False)]["Status"] == "alive"


def test_changes_and_listings_never_show_the_password(client):
    changes = register.register_events(client, URL, ("sent",))
    listed = register.list_hooks(client)
    for change in [*changes, *listed]:
        assert "s3cret" not in change.url and "s3cret" not in repr(change)
    assert changes[0].url == "https://hook:***@events.example.org/events"


def test_parse_route_registration_is_idempotent(client):
    for row in list(client.iter("parseroute")):
        client.delete("parseroute", row["ID"])
    created = register.register_inbound(client, "https://h.example.org/inbound")
    assert created.action == "created" and created.event_type.endswith("@parse-in1.mailjet.com")
    assert register.register_inbound(client, "https://h.example.org/inbound").action == "unchanged"
    moved = register.register_inbound(client, "https://h.example.org/inbound2")
    assert moved.action == "updated" and moved.event_type == created.event_type


def test_remove_deletes_only_what_matches(client):
    register.register_events(client, URL, ("sent", "open"))
    register.register_events(client, URL + "other", ("click",))
    removed = register.remove(client, url=URL)
    assert sorted(c.event_type for c in removed) == ["open", "sent"]
    assert list(rows(client)) == [("click", False)]
    assert register.remove(client, url=URL) == []


def test_remove_inbound_routes(client):
    register.register_inbound(client, "https://h.example.org/inbound")
    removed = register.remove(client, (), inbound=True, inbound_url="https://h.example.org/inbound")
    assert [c.kind for c in removed] == ["parse"] and list(client.iter("parseroute")) == []


@pytest.mark.parametrize(("spec", "expected"), [("all", 7), (None, 7), ("sent, OPEN", 2), (["click"], 1)])
def test_event_type_selection(spec, expected):
    assert len(register.parse_event_types(spec)) == expected


def test_unknown_event_types_are_refused():
    with pytest.raises(ValueError, match="deferred"):
        register.parse_event_types("sent,deferred")
