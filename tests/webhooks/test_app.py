"""The receiver app over HTTP (in-process): auth, limits, one-line 4xx reasons, dedupe, metrics, health."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import orjson
import pytest

from mailjet_connector.webhooks.app import create_app
from mailjet_connector.webhooks.settings import ReceiverSettings
from mailjet_connector.webhooks.store import Store, iter_events, iter_inbound
from tests.webhooks.webhook_payloads import ANYMAIL, INBOUND, event

with warnings.catch_warnings():
    warnings.simplefilter(
        "ignore", DeprecationWarning
    )  # starlette's testclient touches a deprecated anyio alias
    from starlette.testclient import TestClient

AUTH = ("hook", "s3cret")


def make_client(store: Store, **settings) -> TestClient:
    options = {"username": AUTH[0], "password": AUTH[1], "max_event_bytes": 64 * 1024, **settings}
    app = create_app(ReceiverSettings(**options), store, clock=lambda: 1_700_000_000.0)
    return TestClient(app)


@pytest.fixture
def client(sqlite_store: Store) -> Iterator[TestClient]:
    with make_client(sqlite_store) as running:
        yield running


def post(client: TestClient, body, path: str = "/events", auth=AUTH):
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return client.post(path, content=content, auth=auth, headers={"Content-Type": "application/json"})


def test_single_and_grouped_bodies_are_stored(client, sqlite_store):
    assert post(client, ANYMAIL["sent"]).json() == {"stored": 1, "duplicates": 0}
    grouped = [p for name, p in ANYMAIL.items() if name != "sent"]
    assert post(client, grouped).json() == {"stored": len(grouped), "duplicates": 0}
    stored = list(iter_events(sqlite_store))
    assert [r["event"] for r in stored] == [p["event"] for p in ANYMAIL.values()]
    assert all(r["received_at"] == 1_700_000_000.0 for r in stored)


def test_redeliveries_are_stored_once(client, sqlite_store):
    batch = [event("open", n) for n in range(5)]
    post(client, batch)
    assert post(client, batch).json() == {"stored": 0, "duplicates": 5}
    assert post(client, batch[2]).json() == {"stored": 0, "duplicates": 1}
    assert sqlite_store.count("event") == 5
    metrics = client.get("/metrics").json()
    assert (metrics["events_received"], metrics["events_stored"], metrics["events_duplicate"]) == (11, 5, 6)


@pytest.mark.parametrize(
    "auth", [None, ("hook", "wrong"), ("other", "s3cret")], ids=["missing", "password", "user"]
)
def test_wrong_or_missing_credentials_get_401_and_store_nothing(client, sqlite_store, auth):
    response = post(client, ANYMAIL["sent"], auth=auth)
    assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Basic")
    assert sqlite_store.count("event") == 0
    assert "s3cret" not in response.text
    assert client.get("/metrics").json()["rejected_auth"] == 1


def test_path_token_routes(sqlite_store):
    with make_client(sqlite_store, username=None, password=None, token="t0k") as client:
        assert post(client, ANYMAIL["open"], "/events/t0k", auth=None).status_code == 200
        assert post(client, ANYMAIL["open"], "/events/nope", auth=None).status_code == 401
        assert post(client, ANYMAIL["open"], "/events", auth=None).status_code == 401
        assert post(client, INBOUND, "/inbound/t0k", auth=None).status_code == 200
    assert sqlite_store.count("event") == 1 and sqlite_store.count("inbound") == 1


def test_token_paths_do_not_exist_without_a_token(client):
    assert post(client, ANYMAIL["open"], "/events/anything").status_code == 404


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b"{nope", "malformed JSON"), (b"[1,2]", "event [0]"), (b'"x"', "expected an event object"),
     (orjson.dumps({**ANYMAIL["sent"], "event": "deferred"}), "unknown event type"),
     (orjson.dumps({**ANYMAIL["sent"], "time": "yesterday"}), '"time" must be an integer'),
     (b"", "empty body")],
)  # fmt: skip
def test_bad_bodies_get_400_with_a_one_line_reason(client, sqlite_store, body, reason):
    response = post(client, body)
    assert response.status_code == 400
    assert reason in response.json()["error"] and "\n" not in response.json()["error"]
    assert sqlite_store.count("event") == 0


def test_oversized_bodies_get_413(client, sqlite_store):
    big = [event("open", n, agent="x" * 1000) for n in range(100)]
    response = post(client, big)
    assert response.status_code == 413 and "larger than" in response.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is enforced while reading
        yield orjson.dumps(big)

    chunked = client.post("/events", content=chunks(), auth=AUTH)
    assert chunked.status_code == 413
    assert sqlite_store.count("event") == 0


def test_inbound_mails_are_stored_and_deduplicated(client, sqlite_store):
    assert post(client, INBOUND, "/inbound").json() == {"stored": 1, "duplicates": 0}
    assert post(client, INBOUND, "/inbound").json() == {"stored": 0, "duplicates": 1}
    assert post(client, [INBOUND], "/inbound").status_code == 400
    (row,) = list(iter_inbound(sqlite_store))
    assert orjson.loads(row["raw"])["Attachment1"] == INBOUND["Attachment1"]


def test_store_failure_answers_503_so_mailjet_retries(client, sqlite_store):
    sqlite_store.close()
    response = post(client, ANYMAIL["sent"])
    assert response.status_code == 503
    assert client.get("/health").status_code == 503
    assert client.get("/metrics").json()["store_failures"] == 1


def test_health_and_prometheus_metrics(client):
    post(client, ANYMAIL["sent"])
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["events"] == 1
    text = client.get("/metrics", params={"format": "prometheus"}).text
    assert "mailjet_webhook_events_stored_total 1" in text
    assert "# TYPE mailjet_webhook_rejected_payload_total counter" in text


def test_get_on_a_receiving_route_is_405(client):
    assert client.get("/events", auth=AUTH).status_code == 405
