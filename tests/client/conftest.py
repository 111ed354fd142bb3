"""Client fixtures: the emulator in-process (ASGI) with clients that never really sleep.

`sync_client_for` gives the production `Client` (sync: what every command uses); `client_for` the
`AsyncClient`, for what only it has (async iteration, async transports that mutate the data mid-walk).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mailjet_connector.client import AsyncClient, Client
from mailjet_connector.emulator.app import create_app
from mailjet_connector.emulator.seed import DEFAULT_API_KEY, DEFAULT_API_SECRET, build_state
from mailjet_connector.ratelimit import Pacer
from mailjet_connector.retry import RetryPolicy

BASE_URL = "http://emulator.test"


class Naps:
    """An injectable sleep that only records what it was asked to wait."""

    def __init__(self) -> None:
        self.total = 0.0
        self.calls = 0

    async def __call__(self, seconds: float) -> None:
        self.calls += 1
        self.total += seconds


def make_client(app: Any, *, secret: str = DEFAULT_API_SECRET, **kwargs: Any) -> AsyncClient:
    """An AsyncClient on the in-process emulator app, unpaced unless told otherwise, with a recording sleep."""
    kwargs.setdefault("pacer", Pacer(1e6))
    kwargs.setdefault("sleep", Naps())
    kwargs.setdefault("retry", RetryPolicy(max_retries=20, budget=1e9))
    transport = kwargs.pop("transport", None) or httpx.ASGITransport(app)
    return AsyncClient(DEFAULT_API_KEY, secret, base_url=BASE_URL, transport=transport, **kwargs)


@pytest.fixture
def tiny_app() -> Any:
    """The emulator app over the tiny preset, control routes on."""
    return create_app(build_state(seed=3, scale="tiny"), control=True)


@pytest.fixture(scope="session")
def client_for() -> Callable[..., AsyncClient]:
    return make_client


class SyncASGITransport(httpx.BaseTransport):
    """A sync transport into an ASGI app, one request at a time (the app is single-threaded, as served)."""

    def __init__(self, app: Any) -> None:
        self._asgi = httpx.ASGITransport(app)
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def exchange() -> httpx.Response:
            response = await self._asgi.handle_async_request(request)
            return httpx.Response(
                response.status_code, headers=response.headers, content=await response.aread()
            )

        with self._lock:
            return asyncio.run(exchange())


def make_sync_client(app: Any, *, secret: str = DEFAULT_API_SECRET, **kwargs: Any) -> Client:
    """The production `Client` on the in-process emulator app, unpaced, never really sleeping."""
    kwargs.setdefault("pacer", Pacer(1e6))
    kwargs.setdefault("sleep", lambda _seconds: None)
    kwargs.setdefault("retry", RetryPolicy(max_retries=20, budget=1e9))
    transport = kwargs.pop("transport", None) or SyncASGITransport(app)
    return Client(DEFAULT_API_KEY, secret, base_url=BASE_URL, transport=transport, **kwargs)


@pytest.fixture(scope="session")
def sync_client_for() -> Callable[..., Client]:
    return make_sync_client
