"""Tests for fault injection: spec parsing, reproducibility, and each fault seen over a real socket."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import orjson
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mailjet_connector.emulator.middleware.faults import FaultMiddleware, FaultPlan, parse_faults
from mailjet_connector.emulator.middleware.limits import TOO_MANY_REQUESTS_BODY
from mailjet_connector.emulator.server import EmulatorServer

PAYLOAD = {"Count": 1, "Data": [{"ID": 1, "Email": "a@example.com", "Name": "x" * 200}], "Total": 1}


async def _ok(request: Request) -> JSONResponse:
    return JSONResponse(PAYLOAD)


def _app(spec: str) -> FaultMiddleware:
    inner = Starlette(routes=[Route("/v3/REST/contact", _ok), Route("/_emulator/clock", _ok)])
    return FaultMiddleware(inner, spec=spec, seed=7)


@pytest.fixture
def serve() -> Iterator:
    servers: list[EmulatorServer] = []

    def start(spec: str) -> str:
        server = EmulatorServer(_app(spec)).start()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()


def test_parse_accepts_every_kind_and_slow_delay() -> None:
    faults = parse_faults("500:0.02,502:0.01,503:0.01,429:0.01,reset:0.005,truncate:0.005,slow:0.01:0.5")
    assert [f.kind for f in faults] == ["500", "502", "503", "429", "reset", "truncate", "slow"]
    assert faults[-1].seconds == 0.5
    assert parse_faults("slow:0.1")[0].seconds == 2.0


@pytest.mark.parametrize(
    "spec",
    ["404:0.1", "500", "500:x", "500:1.5", "500:0.6,429:0.6", "reset:0.1:3", "slow:0.1:-1"],
    ids=[
        "unknown-kind",
        "no-probability",
        "not-a-number",
        "over-one",
        "sum-over-one",
        "delay-on-reset",
        "neg",
    ],
)
def test_parse_rejects_bad_specs_in_one_line(spec: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_faults(spec)
    assert "\n" not in str(caught.value)


def test_same_seed_gives_same_fault_sequence() -> None:
    faults = parse_faults("500:0.2,429:0.1,reset:0.1,slow:0.1:0.1")

    def sequence(seed: int) -> list[str | None]:
        plan = FaultPlan(faults, seed)
        return [f.kind if f else None for f in (plan.draw() for _ in range(200))]

    assert sequence(3) == sequence(3)
    assert sequence(3) != sequence(4)
    kinds = sequence(3)
    assert 20 < kinds.count("500") < 60 and kinds.count(None) > 60


def test_500_has_mailjet_json_with_error_identifier(serve) -> None:
    url = serve("500:1")
    answer = httpx.get(url + "/v3/REST/contact")
    body = orjson.loads(answer.content)
    assert answer.status_code == 500
    assert body["StatusCode"] == 500 and len(body["ErrorIdentifier"]) == 36


@pytest.mark.parametrize("status", [502, 503])
def test_gateway_errors_are_html(serve, status: int) -> None:
    answer = httpx.get(serve(f"{status}:1") + "/v3/REST/contact")
    assert answer.status_code == status
    assert answer.headers["content-type"] == "text/html"


def test_429_is_the_rate_limit_html(serve) -> None:
    answer = httpx.get(serve("429:1") + "/v3/REST/contact")
    assert answer.status_code == 429 and answer.content == TOO_MANY_REQUESTS_BODY
    assert "retry-after" not in answer.headers


def test_reset_drops_the_connection_without_answer(serve) -> None:
    url = serve("reset:1")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        httpx.get(url + "/v3/REST/contact", timeout=5)


def test_truncate_sends_full_length_header_but_part_of_the_body(serve) -> None:
    url = serve("truncate:1")
    with pytest.raises(httpx.RemoteProtocolError, match=r"incomplete|closed|peer"):
        httpx.get(url + "/v3/REST/contact", timeout=5)


def test_slow_delays_then_answers(serve) -> None:
    url = serve("slow:1:0.3")
    started = time.monotonic()
    answer = httpx.get(url + "/v3/REST/contact")
    assert answer.status_code == 200 and time.monotonic() - started >= 0.3


def test_control_paths_are_never_faulted(serve) -> None:
    url = serve("500:1")
    assert httpx.get(url + "/_emulator/clock").status_code == 200


def test_in_process_client_sees_an_error_on_reset() -> None:
    import asyncio

    async def call() -> None:
        transport = httpx.ASGITransport(app=_app("reset:1"))
        async with httpx.AsyncClient(transport=transport, base_url="http://e") as client:
            await client.get("/v3/REST/contact")

    with pytest.raises(ConnectionResetError):
        asyncio.run(call())
