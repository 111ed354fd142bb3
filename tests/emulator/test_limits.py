"""Tests for the per-API-key rate limiter."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from mailjet_connector.emulator.middleware.limits import (
    TOO_MANY_REQUESTS_BODY,
    RateLimitMiddleware,
    TokenBucket,
)
from mailjet_connector.emulator.state import Clock, EmulatorState
from mailjet_connector.wire.rates import Rate, parse_rate


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:secret".encode()).decode()}


def _statuses(
    spec: str, clock: FakeClock, calls: list[tuple[str, str | None, float]]
) -> list[httpx.Response]:
    """Run (path, api key or None, seconds to advance before) calls through the limited app."""

    async def ok(request):
        return PlainTextResponse("ok")

    inner = Starlette(routes=[Route("/v3/REST/contact", ok), Route("/_emulator/clock", ok)])
    app = RateLimitMiddleware(inner, state=EmulatorState(clock=Clock()), spec=spec, clock=clock)

    async def run() -> list[httpx.Response]:
        answers = []
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://e") as client:
            for path, key, wait in calls:
                clock.now += wait
                answers.append(await client.get(path, headers=_auth(key) if key else {}))
        return answers

    return asyncio.run(run())


@pytest.mark.parametrize(
    ("spec", "requests", "seconds"),
    [
        ("300/min", 300, 60),
        ("5/s", 5, 1),
        ("1000/10s", 1000, 10),
        ("20000/hour", 20000, 3600),
        ("2.5/s", 2.5, 1),
    ],
    ids=["per-minute", "per-second", "per-10s", "per-hour", "decimal"],
)
def test_parse_rate_accepts_documented_forms(spec: str, requests: float, seconds: int) -> None:
    assert parse_rate(spec) == Rate(requests, seconds)


@pytest.mark.parametrize("spec", ["", "300", "0/min", "5/0s", "abc/min", "5/fortnight"])
def test_parse_rate_rejects_bad_specs_with_syntax_hint(spec: str) -> None:
    with pytest.raises(ValueError, match=r"e\.g\. 300/min"):
        parse_rate(spec)


def test_excess_requests_get_mailjet_429_html_without_retry_after() -> None:
    answers = _statuses("5/s", FakeClock(), [("/v3/REST/contact", "k", 0.0)] * 6)
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    refused = answers[-1]
    assert refused.headers["content-type"] == "text/html"
    assert refused.content == TOO_MANY_REQUESTS_BODY
    assert "retry-after" not in refused.headers


def test_limits_are_per_api_key_and_refill_with_time() -> None:
    calls = [("/v3/REST/contact", "a", 0.0)] * 3 + [
        ("/v3/REST/contact", "b", 0.0),
        ("/v3/REST/contact", "a", 0.5),
    ]
    answers = _statuses("2/s", FakeClock(), calls)
    assert [a.status_code for a in answers] == [200, 200, 429, 200, 200]


def test_control_paths_and_anonymous_requests_are_never_limited() -> None:
    calls = [("/_emulator/clock", "a", 0.0)] * 5 + [("/v3/REST/contact", None, 0.0)] * 5
    answers = _statuses("1/min", FakeClock(), calls)
    assert all(a.status_code == 200 for a in answers)


def test_paced_client_uses_the_whole_rate_without_429() -> None:
    clock = FakeClock()
    bucket = TokenBucket(parse_rate("300/min"), clock=clock)
    # A client spacing its calls at exactly the advertised rate for ten simulated minutes.
    outcomes = []
    for _ in range(3000):
        outcomes.append(bucket.take("k"))
        clock.now += 60 / 300
    assert all(outcomes)


@given(
    gaps=st.lists(st.floats(min_value=0, max_value=2, allow_nan=False), min_size=1, max_size=300),
    rate=st.integers(min_value=1, max_value=50),
)
def test_bucket_never_allows_more_than_rate_times_time_plus_burst(gaps: list[float], rate: int) -> None:
    clock = FakeClock()
    start = clock.now
    bucket = TokenBucket(Rate(rate, 1), clock=clock)
    allowed = 0
    for gap in gaps:
        clock.now += gap
        allowed += bucket.take("k")
    assert allowed <= rate * (clock.now - start) + max(1, rate) + 1e-6
