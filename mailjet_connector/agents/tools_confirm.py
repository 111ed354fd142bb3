"""Two-step confirmation for destructive agent tools: a first call previews and gets a token, a second runs.

A token is bound to the agent, the operation and its exact arguments, is good once, and expires after
`ttl` seconds, so a token obtained for one deletion cannot confirm another.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

import orjson

from mailjet_connector.errors import ConfirmationError

DEFAULT_TTL_SECONDS = 300.0


def _fingerprint(agent: str, operation: str, args: dict[str, Any]) -> str:
    body = orjson.dumps([agent, operation, args], option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(body).hexdigest()


class Confirmations:
    """Issues and redeems single-use confirmation tokens.

    Args:
        ttl: seconds a token stays valid.
        clock: monotonic seconds (injectable: tests move time instead of sleeping).
    """

    def __init__(self, ttl: float = DEFAULT_TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._pending: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def issue(self, agent: str, operation: str, args: dict[str, Any]) -> str:
        """A new token confirming exactly this call.

        Args:
            agent: the agent's name.
            operation: the tool name.
            args: the call's arguments (without the token), JSON-serialisable.

        Returns:
            The token to pass back as `confirm`.
        """
        token = secrets.token_urlsafe(12)
        with self._lock:
            now = self.clock()
            self._pending = {k: v for k, v in self._pending.items() if v[1] > now}
            self._pending[token] = (_fingerprint(agent, operation, args), now + self.ttl)
        return token

    def redeem(self, token: str, agent: str, operation: str, args: dict[str, Any]) -> None:
        """Consume `token` for this call.

        Raises:
            ConfirmationError: unknown, expired or used token, or one issued for other arguments.
        """
        with self._lock:
            found = self._pending.pop(token, None)
        if found is None:
            raise ConfirmationError(
                "unknown or already used confirmation token: call again without `confirm`"
            )
        fingerprint, expires = found
        if self.clock() >= expires:
            raise ConfirmationError("confirmation token expired: call again without `confirm` for a new one")
        if fingerprint != _fingerprint(agent, operation, args):
            raise ConfirmationError("this confirmation token was issued for another call (other arguments)")
