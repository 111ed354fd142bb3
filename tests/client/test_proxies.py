"""The clients honour HTTP_PROXY / HTTPS_PROXY / NO_PROXY although they wrap their own transport (issue 17.11).

A real emulator server and a recording proxy (tests/proxy.py): what reaches the proxy is what the client sent.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from mailjet_connector.client import AsyncClient, Client
from mailjet_connector.emulator import start_emulator
from mailjet_connector.errors import TransportError
from mailjet_connector.retry import RetryPolicy
from tests.proxy import RecordingProxy

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


@pytest.fixture
def proxy() -> Iterator[RecordingProxy]:
    with RecordingProxy() as running:
        yield running


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    with start_emulator(scale="tiny", seed=2) as running:
        yield running


@pytest.fixture(scope="module")
def tls_server() -> Iterator[Any]:
    with start_emulator(scale="tiny", seed=2, tls=True) as running:
        yield running


def test_http_proxy_forwards_every_call(clean_env: Any, proxy: RecordingProxy, server: Any) -> None:
    clean_env.setenv("HTTP_PROXY", proxy.url)
    with Client(server.api_key, server.api_secret, base_url=server.url) as client:
        assert client.count("contactslist") > 0
    assert [method for method, _ in proxy.seen] == ["GET"]
    assert proxy.seen[0][1].startswith(f"{server.url}/v3/REST/contactslist")


def test_https_proxy_tunnels_with_connect(clean_env: Any, proxy: RecordingProxy, tls_server: Any) -> None:
    clean_env.setenv("HTTPS_PROXY", proxy.url)
    clean_env.setenv("SSL_CERT_FILE", tls_server.ca_path)
    with Client(tls_server.api_key, tls_server.api_secret, base_url=tls_server.url) as client:
        assert client.count("contactslist") > 0
    assert proxy.seen == [("CONNECT", f"127.0.0.1:{tls_server.port}")]


def test_https_proxy_resolves_the_api_host_itself(clean_env: Any, proxy: RecordingProxy) -> None:
    """Behind a proxy the machine may have no DNS at all: api.mailjet.com is the proxy's to resolve."""
    clean_env.setenv("HTTPS_PROXY", proxy.url)
    resolved: list[str] = []
    real = socket.getaddrinfo
    clean_env.setattr(
        socket, "getaddrinfo", lambda host, *a, **k: resolved.append(host) or real(host, *a, **k)
    )
    client = Client("key", "secret", retry=RetryPolicy(max_retries=0))
    with client, pytest.raises(TransportError):
        client.count("contactslist")
    assert proxy.seen == [("CONNECT", "api.mailjet.com:443")]
    assert "api.mailjet.com" not in resolved


def test_no_proxy_goes_direct(clean_env: Any, proxy: RecordingProxy, server: Any) -> None:
    clean_env.setenv("HTTP_PROXY", proxy.url)
    clean_env.setenv("NO_PROXY", "localhost,127.0.0.1")
    with Client(server.api_key, server.api_secret, base_url=server.url) as client:
        assert client.count("contactslist") > 0
    assert proxy.seen == []


def test_async_client_uses_the_proxy_too(clean_env: Any, proxy: RecordingProxy, server: Any) -> None:
    clean_env.setenv("HTTP_PROXY", proxy.url)

    async def count() -> int:
        async with AsyncClient(server.api_key, server.api_secret, base_url=server.url) as client:
            return await client.count("contactslist")

    assert asyncio.run(count()) > 0
    assert [method for method, _ in proxy.seen] == ["GET"]
