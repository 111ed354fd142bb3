"""Request pacing: a token bucket per API key, fixed under a configured limit or adaptive (AIMD) without one."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from mailjet_connector.errors import ConfigError
from mailjet_connector.wire import rates

# Pace a little under a configured limit: the server's window and our clock never line up exactly.
SAFETY = 0.97
OPTIMISTIC_RATE = 50.0  # requests/s to start with when the limit is unknown
MAX_RATE = 2000.0
MIN_RATE = 0.2
DECREASE = 0.7  # multiplicative decrease on a 429
FAST_GROWTH = 0.10  # relative growth per second while well under the last throttling rate
PROBE_GROWTH = 0.01  # relative growth per second near or above it
COOLDOWN = 1.0  # seconds during which further 429s (from calls already in flight) count as the same event


def parse_rate(spec: str | float | None) -> float | None:
    """Requests per second from a spelling such as "300/min", "2.5/s" or "1000/10s" (`wire.rates`).

    Args:
        spec: the spelling, a number of requests per second, or None (no configured limit).

    Returns:
        Requests per second, or None.

    Raises:
        ConfigError: unreadable spelling or a non-positive rate.
    """
    if spec is None or spec == "":
        return None
    if isinstance(spec, int | float):
        rate = float(spec)
    else:
        try:
            rate = rates.parse_rate(spec).per_second
        except rates.RateError as exc:
            raise ConfigError(str(exc)) from None
    if rate <= 0:
        raise ConfigError(f"rate limit must be positive, got {spec!r}")
    return rate


class Pacer:
    """A token bucket (GCRA form) whose rate adapts to 429 answers.

    With a configured `limit`, the rate never exceeds `limit * SAFETY`. Without one it starts at
    `OPTIMISTIC_RATE`, cuts the rate by `DECREASE` on a 429 and grows it back slowly, fast while well under
    the rate that was throttled last and by 1 %/s near it, so a long run spends few calls on 429s.
    Thread-safe; every method is quick and never sleeps, so asyncio tasks share it too.

    Args:
        limit: configured requests per second, or None to adapt.
        burst: how many requests may start back to back after an idle period.
        clock: monotonic seconds (injectable for tests).
    """

    def __init__(
        self, limit: float | None = None, *, burst: float = 1.0, clock: Callable[[], float] = time.monotonic
    ):
        self.limit = limit
        self.burst = max(1.0, burst)
        self._clock = clock
        self._max = limit * SAFETY if limit else MAX_RATE
        self.rate = self._max if limit else OPTIMISTIC_RATE
        self.ceiling: float | None = None
        self._tat = clock()  # theoretical arrival time of the next request
        self._last_adjust = self._tat
        self._cooldown_until = float("-inf")
        self._lock = threading.Lock()
        self.throttled = 0
        self.sent = 0

    def reserve(self) -> float:
        """Take the next slot. Returns the seconds the caller must wait before sending (0 = now)."""
        with self._lock:
            now = self._clock()
            interval = 1.0 / self.rate
            tat = max(self._tat, now)
            start = tat - (self.burst - 1.0) * interval
            self._tat = tat + interval
            self.sent += 1
            return max(0.0, start - now)

    def on_success(self) -> None:
        """A request went through: let the rate grow a little."""
        with self._lock:
            now = self._clock()
            elapsed = min(1.0, max(0.0, now - self._last_adjust))
            self._last_adjust = now
            near = self.ceiling is not None and self.rate >= 0.9 * self.ceiling
            if near:
                rate = self.rate * (1.0 + PROBE_GROWTH) ** elapsed
            else:
                rate = self.rate * (1.0 + FAST_GROWTH) ** elapsed
                if self.ceiling is not None:
                    rate = min(rate, 0.9 * self.ceiling)  # from here on, probe slowly
            self.rate = min(self._max, rate)

    def on_throttled(self) -> None:
        """A 429 came back: remember the rate that was too fast and slow down (once per burst of 429s)."""
        with self._lock:
            now = self._clock()
            self.throttled += 1
            if now < self._cooldown_until:
                return
            self._cooldown_until = now + COOLDOWN
            self.ceiling = self.rate
            self.rate = max(MIN_RATE, self.rate * DECREASE)
            self._last_adjust = now

    def __repr__(self) -> str:
        return f"Pacer(limit={self.limit!r}, rate={self.rate:.2f}/s)"


_SHARED: dict[tuple[str, float | None], Pacer] = {}
_SHARED_LOCK = threading.Lock()


def shared_pacer(api_key: str, limit: float | None) -> Pacer:
    """The process-wide pacer of one API key, so every client, thread and task using it shares one budget.

    Args:
        api_key: the public API key (stored only as a hash).
        limit: configured requests per second, or None.
    """
    digest = hashlib.sha256(api_key.encode()).hexdigest()
    with _SHARED_LOCK:
        pacer = _SHARED.get((digest, limit))
        if pacer is None:
            pacer = _SHARED[(digest, limit)] = Pacer(limit)
        return pacer
