"""Per-agent call budgets (`calls_per_minute`): a sliding 60-second window per agent, clock injectable."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0


class CallBudget:
    """Counts each agent's calls in the last minute and refuses the ones over its limit.

    Args:
        clock: monotonic seconds (injectable: tests move time instead of sleeping).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, agent: str, per_minute: int | None) -> bool:
        """Whether `agent` may make one more call now; an allowed call is counted, a refused one is not.

        Args:
            agent: the agent's name.
            per_minute: its limit; None = unlimited (nothing is counted).
        """
        if per_minute is None:
            return True
        now = self.clock()
        with self._lock:
            calls = self._calls.setdefault(agent, deque())
            while calls and calls[0] <= now - WINDOW_SECONDS:
                calls.popleft()
            if len(calls) >= per_minute:
                return False
            calls.append(now)
            return True
