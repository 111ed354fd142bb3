"""The emulator as a real HTTP server: free ports, clean start and stop, several at once."""

from __future__ import annotations

import threading

import httpx
import pytest

from mailjet_connector.emulator.server import EmulatorServer, ServerStartError, bind_socket, start_emulator


def contacts_total(server: EmulatorServer) -> int:
    response = httpx.get(
        f"{server.url}/v3/REST/contact",
        params={"countOnly": 1},
        auth=(server.api_key, server.api_secret),
    )
    assert response.status_code == 200
    return response.json()["Total"]


def emulator_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("mailjet-emulator-")]


def test_server_starts_on_a_free_port_serves_and_stops() -> None:
    with start_emulator() as server:
        assert server.running
        assert server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert contacts_total(server) > 0
    assert not server.running
    assert emulator_threads() == []
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url, timeout=2)


def test_two_servers_run_at_once_with_separate_state() -> None:
    with start_emulator(seed=1) as first, start_emulator(seed=1) as second:
        assert first.port != second.port
        before = contacts_total(second)
        created = httpx.post(
            f"{first.url}/v3/REST/contact",
            json={"Email": "only-on-first@example.org"},
            auth=(first.api_key, first.api_secret),
        )
        assert created.status_code == 201
        assert contacts_total(first) == before + 1
        assert contacts_total(second) == before
    assert emulator_threads() == []


def test_server_reports_a_port_in_use() -> None:
    taken = bind_socket("127.0.0.1", 0)
    try:
        with pytest.raises(ServerStartError, match="cannot listen"):
            start_emulator(port=taken.getsockname()[1])
    finally:
        taken.close()


def test_stop_is_idempotent_and_restart_works(emulator: EmulatorServer) -> None:
    emulator.stop()
    emulator.stop()
    emulator.port = 0
    emulator.start()
    assert contacts_total(emulator) > 0


def test_repr_and_url_never_show_the_secret(emulator: EmulatorServer) -> None:
    assert emulator.api_secret
    assert emulator.api_secret not in repr(emulator)
    assert emulator.api_secret not in emulator.url


def test_accepted_connections_get_tcp_nodelay() -> None:
    # Regression: a listening socket made with proto 0 made asyncio skip TCP_NODELAY on accepted
    # connections, so each request on a kept-alive connection stalled ~40 ms on Nagle + delayed ACK.
    import asyncio
    import socket

    from mailjet_connector.emulator.server import bind_socket

    async def accepted_nodelay() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        listener = bind_socket("127.0.0.1", 0)
        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname())
        try:
            return await asyncio.wait_for(seen, 5)
        finally:
            writer.close()
            server.close()
            await server.wait_closed()

    assert asyncio.run(accepted_nodelay()) != 0


def test_an_idle_pooled_connection_stays_open_and_shutdown_does_not_wait_for_it() -> None:
    # Regression: a 1 s keep-alive raced clients that reuse a pooled connection after a pause (the official
    # mailjet-rest client failed with "Connection reset by peer" on a loaded machine).
    import base64
    import http.client
    import time

    with start_emulator() as server:
        token = base64.b64encode(f"{server.api_key}:{server.api_secret}".encode()).decode()
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        for _ in range(2):
            conn.request("GET", "/v3/REST/contact?countOnly=1", headers={"Authorization": f"Basic {token}"})
            response = conn.getresponse()
            assert response.status == 200
            response.read()
            time.sleep(1.5)  # longer than the old keep-alive: the same socket must still serve
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 1.5
        assert conn.sock is not None and conn.sock.recv(1) == b""  # closed by the shutdown
        conn.close()
