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
from mailjet_connector.webhooks.events import MAX_DEPTH
from mailjet_connector.webhooks.metrics import NOT_2XX
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


def nested(depth: int) -> bytes:
    """JSON text nesting arrays and objects `depth` levels deep (the stdlib cannot write that deep)."""
    opening = "".join("[" if level % 2 else '{"k":' for level in range(depth))
    closing = "".join("]" if level % 2 else "}" for level in reversed(range(depth)))
    return f"{opening}0{closing}".encode()


def with_field(payload: dict[str, Any], name: str, raw: bytes) -> bytes:
    """`payload` as JSON with one more field holding the raw JSON text `raw`."""
    return dumps(payload)[:-1] + b', "' + name.encode() + b'": ' + raw + b"}"


# JSON nested past what can be stored (orjson writes 254 levels): in an unknown field, or as the body.
deep_values = st.integers(MAX_DEPTH - 2, 1100).map(nested)
deep_event_bodies = st.one_of(
    deep_values.map(lambda deep: with_field(ANYMAIL["sent"], "Custom", deep)), deep_values
)

event_bodies = st.one_of(
    deep_values.map(lambda deep: dumps({**ANYMAIL["sent"], "CustomField": deep})),
    deep_values.map(dumps),
)

event_bodies = st.one_of(
    deep_event_bodies,
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
        self.not_2xx = 0

    def post(self, path: str, body: bytes) -> httpx.Response:
        response = self.runner.run(self.http.post(path, content=body))
        self.not_2xx += not response.is_success
        return response

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
@given(
    body=st.one_of(
        st.binary(max_size=200),
        json_values.map(dumps),
        mutated(INBOUND).map(dumps),
        deep_values.map(lambda deep: with_field(INBOUND, "Headers", b'{"X-Deep": ' + deep + b"}")),
    )
)
def test_inbound_endpoint_never_answers_5xx(client, body):
    response = client.post("/inbound/t", body)
    assert response.status_code in (200, 400, 413), response.text


def test_metrics_add_up_after_fuzzing(client):
    metrics = client.get("/metrics").json()
    assert metrics["store_failures"] == 0 and metrics["commit_failures"] == 0
    # Every answer that was not 2xx is counted under one cause (#22 item 2).
    assert sum(metrics[cause] for cause in NOT_2XX) == client.not_2xx > 0


@pytest.mark.parametrize("depth", [254, 255, 300, 600])
@pytest.mark.parametrize("where", ["event field", "inbound headers"])
def test_deep_json_is_a_400_not_a_500(client, depth, where):
    # Regression (#22 item 2): JSON nested 254 levels or deeper was parsed, then failed to serialise: 500.
    before = client.get("/metrics").json()["rejected_payload"]
    if where == "event field":
        response = client.post("/events/t", with_field(ANYMAIL["open"], "Extra", nested(depth)))
    else:
        headers = b'{"X": ' + nested(depth) + b"}"
        response = client.post(
            "/inbound/t", with_field({k: v for k, v in INBOUND.items() if k != "Headers"}, "Headers", headers)
        )
    assert response.status_code == 400 and "nested deeper" in response.json()["error"]
    assert client.get("/metrics").json()["rejected_payload"] == before + 1


def test_answers_starlette_gives_itself_are_counted_too(tmp_path):
    class BrokenStore:  # a store whose location cannot be read: /health hits a bug, not a store failure
        location = property(lambda self: 1 / 0)

        def count(self, kind: str) -> int:
            return 0

    app = create_app(ReceiverSettings(token="t"), BrokenStore())  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    async def run() -> tuple[list[int], dict[str, Any]]:
        async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as http:
            statuses = [
                (await http.get("/nowhere")).status_code,
                (await http.get("/events/t")).status_code,
                (await http.get("/health")).status_code,
            ]
            return statuses, (await http.get("/metrics")).json()

    statuses, metrics = asyncio.run(run())
    app.state.receiver.close()
    assert statuses == [404, 405, 500]
    assert metrics["rejected_route"] == 2 and metrics["server_errors"] == 1
