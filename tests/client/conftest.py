"""Client fixtures: the emulator in-process (ASGI) with clients that never really sleep."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mailjet_connector.client import AsyncClient
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
