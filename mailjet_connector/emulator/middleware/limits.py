"""Per-API-key rate limiting with Mailjet's 429 answer: an HTML body and no Retry-After (mailjet-api.md §7).

Each API key gets a token bucket refilled at the configured rate, holding at most one second's worth of
requests (at least one). A client that spaces its calls at the advertised rate therefore never sees a 429
and can use all of it; bursts beyond one second's worth are refused. Requests without Basic credentials
pass through untouched (the app answers them 401 anyway), and `/_emulator/*` control paths are never
limited. Time comes from `time.monotonic` (real time, not the emulator clock) and is injectable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from mailjet_connector.emulator.state import EmulatorState
from mailjet_connector.wire.basic_auth import parse_basic
from mailjet_connector.wire.rates import Rate, parse_rate

CONTROL_PREFIX = "/_emulator"

TOO_MANY_REQUESTS_BODY = (
    b"<html><body><h1>429 Too Many Requests</h1>"
    b"You have sent too many requests in a given amount of time.</body></html>"
)


class TokenBucket:
    """Thread-safe token buckets, one per key.

    Args:
        rate: the refill rate; the capacity is one second's worth of requests, at least one.
        clock: monotonic seconds (injectable for tests).
    """

    def __init__(self, rate: Rate, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = max(1.0, rate.per_second)
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill time)

    def take(self, key: str) -> bool:
        """Spend one token for `key`; False when the key is over its limit."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate.per_second)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            return allowed


def basic_username(scope: dict[str, Any]) -> str | None:
    """The API key from a request's Basic Authorization header, or None."""
    for name, value in scope.get("headers", ()):
        if name.lower() != b"authorization":
            continue
        pair = parse_basic(value.decode("latin-1"))
        return (pair[0] or None) if pair else None
    return None


async def send_too_many_requests(send: Callable[[dict[str, Any]], Any]) -> None:
    """Answer 429 the way Mailjet does: HTML body, no Retry-After header."""
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"text/html"),
                (b"content-length", str(len(TOO_MANY_REQUESTS_BODY)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": TOO_MANY_REQUESTS_BODY})


def is_control_path(scope: dict[str, Any]) -> bool:
    path = scope.get("path", "")
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


class RateLimitMiddleware:
    """ASGI middleware limiting requests per API key.

    Args:
        app: the wrapped ASGI app.
        state: the emulator state (kept for symmetry with the app; limits apply to any key, known or not).
        spec: the limit, e.g. `300/min` (the grammar of `wire.rates`).
        clock: monotonic seconds, injectable for tests.

    Raises:
        ValueError: `spec` is not a rate.
    """

    def __init__(
        self,
        app: Any,
        *,
        state: EmulatorState,
        spec: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.state = state
        self.buckets = TokenBucket(parse_rate(spec), clock=clock)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or is_control_path(scope):
            await self.app(scope, receive, send)
            return
        key = basic_username(scope)
        if key is not None and not self.buckets.take(key):
            await send_too_many_requests(send)
            return
        await self.app(scope, receive, send)
