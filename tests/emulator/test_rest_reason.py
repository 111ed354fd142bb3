"""Mailjet's reason phrases reach the status line when uvicorn runs with ReasonH11Protocol."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from mailjet_connector.emulator.app import create_app
from mailjet_connector.emulator.reason import ReasonH11Protocol, reason_value
from mailjet_connector.emulator.server import bind_socket
from tests.emulator.conftest import MAIN, build_state


@pytest.fixture
def base_url() -> Iterator[str]:
    sock = bind_socket("127.0.0.1", 0)
    config = uvicorn.Config(
        create_app(build_state()), http=ReasonH11Protocol, log_level="error", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)


def test_status_lines_carry_mailjet_reasons(base_url: str) -> None:
    with httpx.Client(base_url=base_url, auth=MAIN) as client:
        missing = client.get("/v3/REST/contact/999")
        assert (missing.status_code, missing.reason_phrase) == (404, "Object not found")
        assert "x-emulator-reason" not in missing.headers
        refused = client.delete(
            "/v3/REST/contact/1"
        )  # #18 item 2; node-mailjet prints "401 Operation not allowed"
        assert (refused.status_code, refused.reason_phrase) == (401, "Operation not allowed")
        duplicate = client.post("/v3/REST/contact", json={"Email": "alice@example.com"})
        assert (
            duplicate.reason_phrase
            == 'MJ18 A Contact resource with value "alice@example.com" for Email already exists.'
        )
        unchanged = client.put("/v3/REST/contact/1", json={"Name": "Alice"})
        assert (unchanged.status_code, unchanged.reason_phrase) == (304, "Content not changed")
        deleted = client.delete("/v3/REST/contactslist/1")
        assert (deleted.status_code, deleted.reason_phrase) == (204, "No content")
        assert client.get("/v3/REST/contact").reason_phrase == "OK"


def test_reason_values_are_one_printable_line() -> None:
    assert reason_value("bad\r\nheader\té ") == "bad??header??"
    assert reason_value("   ") == "-"
    assert len(reason_value("x" * 500)) == 200
