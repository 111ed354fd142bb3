"""Account plan limits (#18 item 11): the free plan's 200 emails a day, test mode's 10 an hour; off by default."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.emulator.conftest import TestClient
from tests.emulator.send_fixtures import API_KEY, NOW, control_client, make_state, message

V3 = {"FromEmail": "shop@example.com", "Subject": "s", "Text-part": "t"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The whole app over the Send API tests' state (`client.state`), control routes included."""
    state = make_state()
    for test_client in control_client(state):
        test_client.state = state  # type: ignore[attr-defined]
        yield test_client


def batch(count: int, *, sandbox: bool = False) -> dict:
    messages = [message(To=[{"Email": f"p{i}@example.org"}]) for i in range(count)]
    return {"Messages": messages, "SandboxMode": sandbox}


def test_no_cap_by_default(client: TestClient) -> None:
    for _ in range(6):  # 300 emails, more than the free plan's day
        assert client.post("/v3.1/send", json=batch(50)).status_code == 200
    assert client.get("/_emulator/plan").json()[API_KEY]["plan"] == "unlimited"


def test_free_plan_refuses_past_200_a_day_and_resumes_the_next_day(client: TestClient) -> None:
    state = client.state
    assert client.post("/_emulator/plan", json={"plan": "free"}).status_code == 200
    for _ in range(4):
        assert client.post("/v3.1/send", json=batch(50)).status_code == 200
    assert client.post("/v3.1/send", json=batch(1, sandbox=True)).status_code == 200  # sandbox counts nothing
    refused = client.post("/v3.1/send", json=batch(1))
    assert refused.status_code == 429
    body = refused.json()
    assert set(body) == {"ErrorIdentifier", "StatusCode", "ErrorMessage"} and body["StatusCode"] == 429
    assert "200 emails a day" in body["ErrorMessage"] and "2023-11-15T00:00:00Z" in body["ErrorMessage"]
    assert client.get("/_emulator/plan").json()[API_KEY]["sent_today"] == 200
    v3 = client.post("/v3/send", json={**V3, "Recipients": [{"Email": "a@example.org"}]})
    assert v3.status_code == 429 and v3.json()["StatusCode"] == 429 and "ErrorInfo" in v3.json()
    state.clock.set(NOW - NOW % 86_400 + 86_400)  # next UTC day
    assert client.post("/v3.1/send", json=batch(1)).status_code == 200


def test_test_mode_allows_10_an_hour(client: TestClient) -> None:
    state = client.state
    client.post("/_emulator/plan", json={"plan": "test"}).raise_for_status()
    assert client.post("/v3.1/send", json=batch(8)).status_code == 200
    assert client.post("/v3.1/send", json=batch(3)).status_code == 429  # refused whole: nothing sent
    assert client.post("/v3/send", json={**V3, "To": "a@example.org, b@example.org"}).status_code == 200
    assert client.post("/v3.1/send", json=batch(1)).status_code == 429
    state.clock.advance(3600)
    assert client.post("/v3.1/send", json=batch(10)).status_code == 200


@pytest.mark.parametrize(
    "body", [{"plan": "gold"}, {"plan": "free", "daily_limit": 0}, {"plan": "free", "weekly_limit": 5}]
)
def test_bad_plan_settings_are_one_line_errors(client: TestClient, body: dict) -> None:
    response = client.post("/_emulator/plan", json=body)
    assert response.status_code == 400 and "\n" not in response.json()["error"]


def test_custom_caps(client: TestClient) -> None:
    client.post("/_emulator/plan", json={"plan": "free", "daily_limit": 2}).raise_for_status()
    assert client.post("/v3.1/send", json=batch(2)).status_code == 200
    assert client.post("/v3.1/send", json=batch(1)).status_code == 429
