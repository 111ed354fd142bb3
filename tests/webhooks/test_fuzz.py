"""Fuzzing the receiving endpoints: thousands of malformed bodies, never a 5xx, never a crash."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailjet_connector.webhooks.app import create_app
from mailjet_connector.webhooks.settings import ReceiverSettings
from mailjet_connector.webhooks.store import open_store
from tests.webhooks.webhook_payloads import ANYMAIL, INBOUND

EXAMPLES = 1000  # per endpoint: 2,000 bodies a run, more in CI with HYPOTHESIS profiles


def dumps(value: Any) -> bytes:
    # The stdlib writes integers of any size (orjson refuses them): the receiver must refuse them itself.
    return json.dumps(value).encode()


json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
field_names = st.sampled_from(sorted({k for p in ANYMAIL.values() for k in p} | set(INBOUND)))


@st.composite
def mutated(draw: st.DrawFn, base: dict) -> dict:
    """A valid payload with some fields replaced by random JSON, or removed."""
    body = dict(base)
    for name in draw(st.lists(field_names, max_size=3)):
        if draw(st.booleans()):
            body[name] = draw(json_values)
        else:
            body.pop(name, None)
    return body


event_bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(dumps),
    mutated(ANYMAIL["sent"]).map(dumps),
    st.lists(st.sampled_from(list(ANYMAIL.values())).flatmap(mutated), max_size=5).map(dumps),
    st.text(max_size=50).map(lambda t: ('{"event":"sent","time":' + t).encode("utf-8", "surrogatepass")),
)


class Poster:
    """Posts to the app in-process on one long-lived event loop (a fresh loop per example costs ~10 ms)."""

    def __init__(self) -> None:
        self.store = open_store(":memory:")
        self.app = create_app(
            ReceiverSettings(token="t", max_event_bytes=4096, max_inbound_bytes=4096), self.store
        )
        self.runner = asyncio.Runner()
        transport = httpx.ASGITransport(app=self.app)
        self.http = httpx.AsyncClient(transport=transport, base_url="http://receiver")

    def post(self, path: str, body: bytes) -> httpx.Response:
        return self.runner.run(self.http.post(path, content=body))

    def get(self, path: str) -> httpx.Response:
        return self.runner.run(self.http.get(path))

    def close(self) -> None:
        self.runner.run(self.http.aclose())
        self.runner.close()
        self.app.state.receiver.close()
        self.store.close()


@pytest.fixture(scope="module")
def client() -> Iterator[Poster]:
    poster = Poster()
    try:
        yield poster
    finally:
        poster.close()


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=event_bodies)
def test_event_endpoint_never_answers_5xx(client, body):
    response = client.post("/events/t", body)
    assert response.status_code in (200, 400, 413), response.text
    if response.status_code == 400:
        assert "\n" not in response.json()["error"]


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=200), json_values.map(dumps), mutated(INBOUND).map(dumps)))
def test_inbound_endpoint_never_answers_5xx(client, body):
    response = client.post("/inbound/t", body)
    assert response.status_code in (200, 400, 413), response.text


def test_metrics_add_up_after_fuzzing(client):
    metrics = client.get("/metrics").json()
    assert metrics["store_failures"] == 0 and metrics["commit_failures"] == 0
