"""Client verbs against the in-process emulator: CRUD, actions, counts, 64-bit IDs, error mapping."""

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


def run(coro):
    return asyncio.run(coro)


def test_crud_round_trip(tiny_app, client_for):
    async def scenario():
        async with client_for(tiny_app) as client:
            created = await client.create("contactslist", {"Name": "Readers"})
            assert created["Name"] == "Readers" and created["ID"] > 0
            assert (await client.get("contactslist", created["ID"]))["Name"] == "Readers"
            assert (await client.update("contactslist", created["ID"], {"Name": "Fans"}))["Name"] == "Fans"
            assert await client.update("contactslist", created["ID"], {"Name": "Fans"}) is None  # 304
            await client.delete("contactslist", created["ID"])
            assert (await client.get("contactslist", created["ID"]))["IsDeleted"] is True  # soft delete

    run(scenario())


def test_get_by_unique_key_and_count(tiny_app, client_for):
    async def scenario():
        async with client_for(tiny_app) as client:
            page = await client.page("contact", limit=3)
            assert len(page.rows) == 3 and page.total == await client.count("contact")
            email = page.rows[0]["Email"]
            assert (await client.get("contact", email))["ID"] == page.rows[0]["ID"]
            lists = await client.action("contact", "getcontactslists", page.rows[0]["ID"])
            assert isinstance(lists, list)

    run(scenario())


def test_message_ids_beyond_2_53_stay_exact(tiny_app, client_for):
    async def scenario():
        async with client_for(tiny_app) as client:
            return [row["ID"] async for row in client.iter("message")]

    ids = run(scenario())
    assert ids and max(ids) > 2**53
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == len(ids)


def test_error_statuses_map_to_classes(tiny_app, client_for):
    async def scenario():
        async with client_for(tiny_app) as client:
            with pytest.raises(NotFoundError) as missing:
                await client.get("contact", 987_654_321)
            email = (await client.page("contact", limit=1)).rows[0]["Email"]
            with pytest.raises(InvalidRequestError) as duplicate:
                await client.create("contact", {"Email": email})
        async with client_for(tiny_app, secret="wrong") as client:
            with pytest.raises(AuthenticationError) as denied:
                await client.count("contact")
        return missing.value, duplicate.value, denied.value

    missing, duplicate, denied = run(scenario())
    assert str(missing) == "404 GET /v3/REST/contact/987654321: Object not found"
    assert duplicate.is_duplicate and duplicate.mailjet_code == "MJ18" and not duplicate.retriable
    assert denied.status == 401 and "region" in str(denied)


def test_catalog_mistakes_are_config_errors(tiny_app, client_for):
    async def scenario():
        async with client_for(tiny_app) as client:
            with pytest.raises(ConfigError, match="unknown resource"):
                await client.count("contacts")
            with pytest.raises(ConfigError, match="does not allow DELETE"):
                await client.delete("contact", 1)
            with pytest.raises(ConfigError, match="cannot be sorted"):
                [r async for r in client.iter("contact", sort="Name")]

    run(scenario())


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


def test_async_client_is_a_context_manager_with_a_safe_repr(tiny_app, client_for):
    client = client_for(tiny_app)
    assert isinstance(client, AsyncClient)
    assert "emulator-secret" not in repr(client)
    run(client.aclose())


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


def test_send_and_v4_paths_go_through_request(tiny_app, client_for):
    message = {"From": {"Email": "a@example.com"}, "To": [{"Email": "b@example.com"}], "Subject": "x"}

    async def scenario():
        async with client_for(tiny_app) as client:
            with pytest.raises(InvalidRequestError) as invalid:
                await client.request("POST", "/v3.1/send", json={"Messages": [message]})
            sent = await client.request(
                "POST", "/v3.1/send", json={"SandboxMode": True, "Messages": [{**message, "TextPart": "hi"}]}
            )
            assert await client.request("DELETE", "/v4/contacts/123456789") is None
            return invalid.value, sent

    invalid, sent = run(scenario())
    assert invalid.code == "send-0003" and "TextPart" in invalid.related_to
    assert sent["Messages"][0]["Status"] == "success"


def test_iter_by_another_sortable_field_returns_every_row_once(tiny_app, client_for):
    async def scenario():
        async with client_for(tiny_app) as client:
            rows = [row async for row in client.iter("contact", sort="CreatedAt", limit=9)]
            return rows, await client.count("contact")

    rows, expected = run(scenario())
    keys = [(r["CreatedAt"], r["ID"]) for r in rows]
    assert keys == sorted(keys) and len({r["ID"] for r in rows}) == len(rows) == expected
