"""Tests for the /_emulator control endpoints."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from mailjet_connector.emulator.control.routes import control_routes
from mailjet_connector.emulator.seed import build_state
from mailjet_connector.emulator.state import Account, Clock, EmulatorState

NOW = 1_700_000_000


@pytest.fixture
def state() -> EmulatorState:
    emulator = EmulatorState(clock=Clock(NOW, frozen=True))
    emulator.add_account(Account(api_key="k", api_secret="s", key_id=1, name="main"))
    emulator.request_log.append({"method": "GET", "path": "/v3/REST/contact", "status": 200})
    return emulator


def call(state: EmulatorState, method: str, path: str, body: Any = None) -> httpx.Response:
    app = Starlette(routes=[Mount("/_emulator", routes=control_routes(state))])

    async def run() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://e") as client:
            return await client.request(method, "/_emulator" + path, json=body)

    return asyncio.run(run())


def test_clock_reads_advances_and_sets(state: EmulatorState) -> None:
    assert call(state, "GET", "/clock").json() == {"now": NOW, "iso": "2023-11-14T22:13:20Z", "frozen": True}
    assert call(state, "POST", "/clock", {"advance": 3600}).json()["now"] == NOW + 3600
    assert call(state, "POST", "/clock", {"set": "2024-01-01T00:00:00Z"}).json()["now"] == 1_704_067_200
    assert call(state, "POST", "/clock", {"set": 1_704_067_300}).json()["now"] == 1_704_067_300


@pytest.mark.parametrize(
    "body", [{}, {"advance": -5}, {"set": "yesterday"}, {"advance": 1, "set": 2}, {"set": NOW - 10}]
)
def test_clock_rejects_bad_moves(state: EmulatorState, body: dict[str, Any]) -> None:
    answer = call(state, "POST", "/clock", body)
    assert answer.status_code == 400 and answer.json()["error"]


def test_rows_insert_update_delete(state: EmulatorState) -> None:
    created = call(state, "POST", "/accounts/k/rows/contact", {"Email": "a@example.com", "CreatedAt": NOW})
    assert created.status_code == 201
    row = created.json()
    assert row["Email"] == "a@example.com" and row["CreatedAt"] == "2023-11-14T22:13:20Z" and row["ID"] == 1
    updated = call(
        state, "PUT", f"/accounts/k/rows/contact/{row['ID']}", {"LastActivityAt": "2024-01-01T00:00:00Z"}
    )
    assert updated.json()["LastActivityAt"] == "2024-01-01T00:00:00Z"
    table = state.accounts["k"].table("contact")
    assert table.raw(0)["LastActivityAt"] == 1_704_067_200
    assert call(state, "DELETE", f"/accounts/k/rows/contact/{row['ID']}").status_code == 204
    assert len(table) == 0
    assert call(state, "DELETE", f"/accounts/k/rows/contact/{row['ID']}").status_code == 404


def test_rows_bulk_insert_assigns_ids(state: EmulatorState) -> None:
    rows = [{"Email": f"u{i}@example.com"} for i in range(3)]
    created = call(state, "POST", "/accounts/k/rows/contact", rows)
    assert [r["ID"] for r in created.json()] == [1, 2, 3]


@pytest.mark.parametrize(
    ("path", "body", "status", "needle"),
    [
        ("/accounts/k/rows/nosuch", {}, 404, "unknown resource"),
        ("/accounts/zz/rows/contact", {}, 404, "no account"),
        ("/accounts/k/rows/contact", {"Nope": 1}, 400, "no field"),
        ("/accounts/k/rows/contact", {"CreatedAt": "soon"}, 400, "bad value"),
        ("/accounts/k/rows/contact", [1], 400, "JSON object"),
    ],
    ids=["unknown-resource", "unknown-account", "unknown-field", "bad-timestamp", "not-object"],
)
def test_rows_errors_are_clear(state: EmulatorState, path: str, body: Any, status: int, needle: str) -> None:
    answer = call(state, "POST", path, body)
    assert answer.status_code == status and needle in answer.json()["error"]


def test_request_log_is_readable_and_clearable(state: EmulatorState) -> None:
    before = call(state, "GET", "/requests").json()
    assert before["Data"][0]["path"] == "/v3/REST/contact"
    assert call(state, "DELETE", "/requests").status_code == 204
    after = call(state, "GET", "/requests").json()
    assert (after["Count"], after["Data"]) == (0, [])
    assert after["Total"] == before["Total"]  # clearing the log does not reset the count of requests served


def test_request_total_counts_past_the_log_size() -> None:
    from mailjet_connector.emulator.middleware.request_log import RequestLogMiddleware

    emulator = build_state(seed=1, scale="tiny")

    async def ok(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def serve(count: int) -> None:
        app = RequestLogMiddleware(ok, state=emulator, size=10)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://e") as client:
            for _ in range(count):
                await client.get("/v3/REST/contact")

    asyncio.run(serve(30))
    assert emulator.request_total == 30 and len(emulator.request_log) <= 11


def test_openapi_document_is_served(state: EmulatorState) -> None:
    document = call(state, "GET", "/openapi.json").json()
    assert document["openapi"].startswith("3.") and "/v3/REST/contact" in document["paths"]
