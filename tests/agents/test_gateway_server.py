"""How the gateway is served: a response head leaves in the same write as what follows it."""

from __future__ import annotations

import asyncio
import base64
import socket
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from mailjet_connector.agents.gateway import create_gateway_app
from mailjet_connector.agents.gateway_server import HeadHoldingTransport
from mailjet_connector.agents.policy import Access, Policy
from mailjet_connector.catalog import Area
from tests.agents.gateway_support import agent, serve_gateway, token_for

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"


class RecordingTransport(asyncio.WriteTransport):
    """A transport that keeps what is written to it, one entry per write (one send() on a socket)."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 1)}.get(name, default)


def test_a_head_goes_out_with_its_body_in_one_write() -> None:
    async def run() -> RecordingTransport:
        real = RecordingTransport()
        held = HeadHoldingTransport(real, asyncio.get_running_loop())
        held.write(HEAD)
        assert real.writes == []
        held.write(b"ok")
        held.write(b"")  # h11's end of message: nothing to send
        assert real.writes == [HEAD + b"ok"]
        held.write(b"more")  # not a head: at once
        assert real.writes[-1] == b"more"
        assert held.get_extra_info("peername") == ("127.0.0.1", 1)  # the rest is passed through
        return real

    asyncio.run(run())


def test_a_head_left_alone_goes_out_at_the_next_loop_turn_or_at_close() -> None:
    async def run() -> None:
        real = RecordingTransport()
        held = HeadHoldingTransport(real, asyncio.get_running_loop())
        held.write(HEAD)
        await asyncio.sleep(0)
        assert real.writes == [HEAD]
        held.write(HEAD)
        held.close()
        assert real.writes == [HEAD, HEAD] and real.closed
        await asyncio.sleep(0)
        assert real.writes == [HEAD, HEAD]  # the loop's flush found nothing left

    asyncio.run(run())


@pytest.fixture
def live_gateway_url(tmp_path: Path) -> Iterator[str]:
    """A gateway served as `agents gateway` serves it; its upstream is never reached by these tests."""
    policy = Policy({"analytics": agent("analytics", {Area.CONTACTS: Access.READ})}, tmp_path / "audit.jsonl")
    with serve_gateway(create_gateway_app(policy, "http://127.0.0.1:9", "k", "s")) as url:
        yield url


def test_a_served_gateway_answers_in_one_segment(live_gateway_url: str) -> None:
    """A denied call read with a raw socket: the head and the whole body come in the first recv."""
    host, port = live_gateway_url.removeprefix("http://").split(":")
    token = base64.b64encode(f"analytics:{token_for('analytics')}".encode()).decode()
    request = f"GET /v3/REST/apikey HTTP/1.1\r\nhost: gateway\r\nauthorization: Basic {token}\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        for _ in range(3):  # the same on a kept-alive connection
            sock.sendall(request.encode())
            first = sock.recv(65536)
            head, _, body = first.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 403 ")
            assert orjson.loads(body)["StatusCode"] == 403
            assert b"content-length: %d" % len(body) in head.lower()
