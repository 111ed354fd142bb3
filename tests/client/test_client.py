"""Client verbs against the in-process emulator: CRUD, actions, counts, 64-bit IDs, error mapping.

The production `Client` (sync) is driven here; `AsyncClient` shares its request building and decoding
(`protocol.py`) and keeps a parity test, plus the acceptance tests that need async transports.
"""

from __future__ import annotations

import asyncio

import pytest

from mailjet_connector.client import AsyncClient, Client
from mailjet_connector.errors import (
    AuthenticationError,
    ConfigError,
    InvalidRequestError,
    NotFoundError,
)
from mailjet_connector.protocol import resolve_base_url


def test_crud_round_trip(tiny_app, sync_client_for):
    with sync_client_for(tiny_app) as client:
        created = client.create("contactslist", {"Name": "Readers"})
        assert created["Name"] == "Readers" and created["ID"] > 0
        assert client.get("contactslist", created["ID"])["Name"] == "Readers"
        assert client.update("contactslist", created["ID"], {"Name": "Fans"})["Name"] == "Fans"
        assert client.update("contactslist", created["ID"], {"Name": "Fans"}) is None  # 304
        client.delete("contactslist", created["ID"])
        assert client.get("contactslist", created["ID"])["IsDeleted"] is True  # soft delete


def test_async_client_gives_the_same_answers(tiny_app, client_for, sync_client_for):
    async def scenario():
        async with client_for(tiny_app) as client:
            created = await client.create("contactslist", {"Name": "Async readers"})
            page = await client.page("contact", limit=3)
            ids = [row["ID"] async for row in client.iter("contact", limit=4)]
            return created, page, ids, await client.count("contact")

    created, page, ids, count = asyncio.run(scenario())
    with sync_client_for(tiny_app) as client:
        assert client.get("contactslist", created["ID"]) == created
        assert client.page("contact", limit=3).rows == page.rows
        assert [row["ID"] for row in client.iter("contact", limit=4)] == ids and client.count(
            "contact"
        ) == count


def test_get_by_unique_key_and_count(tiny_app, sync_client_for):
    with sync_client_for(tiny_app) as client:
        page = client.page("contact", limit=3)
        assert len(page.rows) == 3 and page.total == client.count("contact")
        email = page.rows[0]["Email"]
        assert client.get("contact", email)["ID"] == page.rows[0]["ID"]
        assert isinstance(client.action("contact", "getcontactslists", page.rows[0]["ID"]), list)


def test_message_ids_beyond_2_53_stay_exact(tiny_app, sync_client_for):
    with sync_client_for(tiny_app, concurrency=3) as client:
        ids = [row["ID"] for row in client.iter("message")]
    assert ids and max(ids) > 2**53
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == len(ids)


def test_error_statuses_map_to_classes(tiny_app, sync_client_for):
    with sync_client_for(tiny_app) as client:
        with pytest.raises(NotFoundError) as missing:
            client.get("contact", 987_654_321)
        email = client.page("contact", limit=1).rows[0]["Email"]
        with pytest.raises(InvalidRequestError) as duplicate:
            client.create("contact", {"Email": email})
    with sync_client_for(tiny_app, secret="wrong") as client, pytest.raises(AuthenticationError) as denied:
        client.count("contact")
    assert str(missing.value) == "404 GET /v3/REST/contact/987654321: Object not found"
    assert duplicate.value.is_duplicate and duplicate.value.mailjet_code == "MJ18"
    assert not duplicate.value.retriable
    assert denied.value.status == 401 and "region" in str(denied.value)


def test_catalog_mistakes_are_config_errors(tiny_app, sync_client_for):
    with sync_client_for(tiny_app) as client:
        with pytest.raises(ConfigError, match="unknown resource"):
            client.count("contacts")
        with pytest.raises(ConfigError, match="does not allow DELETE"):
            client.delete("contact", 1)
        with pytest.raises(ConfigError, match="cannot be sorted"):
            list(client.iter("contact", sort="Name"))


def test_base_url_and_region():
    assert resolve_base_url(None, None) == "https://api.mailjet.com"
    assert resolve_base_url(None, "us") == "https://api.us.mailjet.com"
    assert resolve_base_url("http://127.0.0.1:8025/", "us") == "http://127.0.0.1:8025"
    with pytest.raises(ConfigError):
        resolve_base_url("ftp://x", None)
    with pytest.raises(ConfigError, match="missing credentials"):
        Client(None, None)


def test_sync_client_pages_a_real_server(emulator):
    with Client(emulator.api_key, emulator.api_secret, base_url=emulator.url, concurrency=3) as client:
        expected = client.count("contact")
        rows = list(client.iter("contact", limit=7))
        assert [r["ID"] for r in rows] == sorted({r["ID"] for r in rows})
        assert len(rows) == expected
        assert client.get("contact", rows[0]["ID"])["Email"] == rows[0]["Email"]


def test_clients_are_context_managers_with_a_safe_repr(tiny_app, client_for, sync_client_for):
    client = client_for(tiny_app)
    assert isinstance(client, AsyncClient) and "emulator-secret" not in repr(client)
    asyncio.run(client.aclose())
    with sync_client_for(tiny_app) as sync:
        assert isinstance(sync, Client) and "emulator-secret" not in repr(sync)


def test_sync_client_survives_real_socket_faults():
    from mailjet_connector.emulator.server import start_emulator
    from mailjet_connector.ratelimit import Pacer
    from mailjet_connector.retry import RetryPolicy

    faults = "500:0.05,429:0.02,reset:0.02,truncate:0.02"
    with start_emulator(scale="tiny", overrides={"contact": 5_000}, faults=faults, control=False) as server:
        table = server.state.accounts[server.api_key].table("contact")
        expected = {int(table.raw(p)["ID"]) for p in table.live()}
        with Client(
            server.api_key,
            server.api_secret,
            base_url=server.url,
            pacer=Pacer(1e6),
            retry=RetryPolicy(max_retries=20),
            sleep=lambda _seconds: None,
        ) as client:
            ids = [row["ID"] for row in client.iter("contact", limit=100)]
    assert len(ids) == len(set(ids)) and set(ids) == expected


def test_send_and_v4_paths_go_through_request(tiny_app, sync_client_for):
    message = {"From": {"Email": "a@example.com"}, "To": [{"Email": "b@example.com"}], "Subject": "x"}
    with sync_client_for(tiny_app) as client:
        with pytest.raises(InvalidRequestError) as invalid:
            client.request("POST", "/v3.1/send", json={"Messages": [message]})
        sent = client.request(
            "POST", "/v3.1/send", json={"SandboxMode": True, "Messages": [{**message, "TextPart": "hi"}]}
        )
        assert client.request("DELETE", "/v4/contacts/123456789") is None
    assert invalid.value.code == "send-0003" and "TextPart" in invalid.value.related_to
    assert sent["Messages"][0]["Status"] == "success"


def test_iter_by_another_sortable_field_returns_every_row_once(tiny_app, sync_client_for):
    with sync_client_for(tiny_app, concurrency=3) as client:
        rows = list(client.iter("contact", sort="CreatedAt", limit=9))
        expected = client.count("contact")
    keys = [(r["CreatedAt"], r["ID"]) for r in rows]
    assert keys == sorted(keys) and len({r["ID"] for r in rows}) == len(rows) == expected
