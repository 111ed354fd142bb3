"""Issue #3 acceptance, scaled to run in seconds: paging under faults, under mutations, and under rate limits."""

from __future__ import annotations

import asyncio
import time

import httpx
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailjet_connector.emulator.app import create_app
from mailjet_connector.emulator.middleware.limits import TokenBucket
from mailjet_connector.emulator.seed import DEFAULT_API_KEY, build_state
from mailjet_connector.ratelimit import Pacer
from mailjet_connector.wire.rates import Rate

FAULTS = "500:0.05,429:0.02,reset:0.005,truncate:0.005"


def _contact_ids(state) -> set[int]:
    table = state.accounts[DEFAULT_API_KEY].table("contact")
    return {int(table.raw(pos)["ID"]) for pos in table.live()}


@pytest.mark.slow
def test_iter_100k_contacts_under_faults_is_exact(client_for):
    state = build_state(seed=5, scale="tiny", overrides={"contact": 100_000})
    expected = _contact_ids(state)
    app = create_app(state, faults=FAULTS)

    async def walk():
        async with client_for(app) as client:
            return [row["ID"] async for row in client.iter("contact")], client

    ids, client = asyncio.run(walk())
    assert len(ids) == len(set(ids)), "duplicates"
    assert set(ids) == expected, "losses"
    assert client.retry.max_retries > 0


class MutatingTransport(httpx.AsyncBaseTransport):
    """Before each contact listing request, inserts or deletes a contact through the control API."""

    def __init__(self, inner: httpx.AsyncBaseTransport, script: list[tuple[str, int]], live: list[int]):
        self.inner = inner
        self.script = script
        self.live = live
        self.deleted: set[int] = set()
        self.inserted: set[int] = set()
        self.serial = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/REST/contact" and self.script:
            await self._mutate(*self.script.pop(0))
        return await self.inner.handle_async_request(request)

    async def _mutate(self, kind: str, pick: int) -> None:
        rows = f"http://emulator.test/_emulator/accounts/{DEFAULT_API_KEY}/rows/contact"
        if kind == "delete" and self.live:
            victim = self.live.pop(pick % len(self.live))
            await self._send("DELETE", f"{rows}/{victim}")
            self.deleted.add(victim)
        elif kind == "insert":
            self.serial += 1
            answer = await self._send("POST", rows, {"Email": f"new{self.serial}.{pick}@example.org"})
            self.inserted.add(answer["ID"])
            self.live.append(answer["ID"])

    async def _send(self, method: str, url: str, body: object = None) -> dict:
        content = orjson.dumps(body) if body is not None else b""
        response = await self.inner.handle_async_request(httpx.Request(method, url, content=content))
        await response.aread()
        assert response.status_code < 300, response.content
        return orjson.loads(response.content) if response.content else {}


@settings(max_examples=25, deadline=None)
@given(
    count=st.integers(0, 120),
    limit=st.integers(2, 15),
    concurrency=st.integers(1, 4),
    script=st.lists(st.tuples(st.sampled_from(["insert", "delete"]), st.integers(0, 10_000)), max_size=40),
)
def test_paging_under_concurrent_inserts_and_deletes_is_exact(client_for, count, limit, concurrency, script):
    state = build_state(seed=7, scale="tiny", overrides={"contact": count})
    initial = _contact_ids(state)
    mutator = MutatingTransport(httpx.ASGITransport(create_app(state, control=True)), script, sorted(initial))

    async def walk():
        async with client_for(None, transport=mutator, concurrency=concurrency) as client:
            return [row["ID"] async for row in client.iter("contact", limit=limit)]

    ids = asyncio.run(walk())
    throughout = initial - mutator.deleted
    assert len(ids) == len(set(ids)), "a row was returned twice"
    assert throughout <= set(ids), "a row present for the whole walk was skipped"
    assert set(ids) <= initial | mutator.inserted


def _paced_walk(app, pacer: Pacer, seconds: float, concurrency: int = 4) -> tuple[int, int, float]:
    """Pages contacts (10 per page) repeatedly for about `seconds`; returns (requests, 429s, elapsed)."""

    async def walk():
        transport = httpx.ASGITransport(app)
        from mailjet_connector.client import AsyncClient

        async with AsyncClient(
            DEFAULT_API_KEY,
            "emulator-secret",
            base_url="http://emulator.test",
            transport=transport,
            pacer=pacer,
            concurrency=concurrency,
        ) as client:
            start = time.monotonic()
            while time.monotonic() - start < seconds:
                async for _ in client.iter_pages("contact", limit=10):
                    if time.monotonic() - start >= seconds:
                        break
            return time.monotonic() - start

    elapsed = asyncio.run(walk())
    return pacer.sent, pacer.throttled, elapsed


def test_told_the_limit_the_client_gets_no_429():
    per_second = 50
    state = build_state(seed=1, scale="tiny", overrides={"contact": 3_000})
    app = create_app(state, rate_limit=f"{per_second * 60}/min")
    sent, throttled, _elapsed = _paced_walk(app, Pacer(per_second), seconds=3.0)
    assert sent > per_second  # the walk went past the first second's burst
    assert throttled == 0


def test_told_the_limit_the_pacer_uses_the_budget():
    # Simulated time on the emulator's own token bucket (a rate asserted on the wall clock would depend on
    # the machine's load): the configured pacer spends at least 95% of the budget and is never refused.
    now = [0.0]
    server = TokenBucket(Rate(50, 1.0), clock=lambda: now[0])
    pacer = Pacer(50, clock=lambda: now[0])
    allowed = 0
    while now[0] < 60.0:
        now[0] += pacer.reserve() + 0.002  # the pacer's wait, then a 2 ms round trip
        assert server.take(DEFAULT_API_KEY)
        allowed += 1
    assert allowed / now[0] >= 0.95 * 50


def test_adaptive_pacer_against_the_emulator_bucket_spends_under_2_percent_on_429s():
    # A 120 s run simulated on the emulator's own token bucket: fake time, one request at a time.
    now = [0.0]
    server = TokenBucket(Rate(40, 1.0), clock=lambda: now[0])
    pacer = Pacer(None, clock=lambda: now[0])
    late_total = late_429 = 0
    while now[0] < 120.0:
        now[0] += pacer.reserve() + 0.002  # the pacer's wait, then a 2 ms round trip
        allowed = server.take(DEFAULT_API_KEY)
        pacer.on_success() if allowed else pacer.on_throttled()
        if now[0] > 20.0:
            late_total += 1
            late_429 += not allowed
    assert late_429 / late_total < 0.02
    assert late_total / 100.0 >= 0.75 * 40  # and it still uses most of the budget


def test_adaptive_pacer_against_a_rate_limited_emulator():
    state = build_state(seed=1, scale="tiny", overrides={"contact": 3_000})
    app = create_app(state, rate_limit="1800/min")  # 30/s, under the optimistic start
    pacer = Pacer(None)
    sent, throttled, _elapsed = _paced_walk(app, pacer, seconds=4.0)
    assert throttled < 0.1 * sent
    assert pacer.rate < 40
