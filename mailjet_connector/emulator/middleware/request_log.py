"""The request log: method, path, API key and status of every request, bounded, read by `/_emulator/requests`."""

from __future__ import annotations

from typing import Any

from mailjet_connector.emulator.middleware.limits import basic_username
from mailjet_connector.emulator.state import EmulatorState

REQUEST_LOG_SIZE = 10_000


class RequestLogMiddleware:
    """Records method, path, API key and status of every request in `state.request_log` (bounded).

    The secret never enters the log: only the Basic-auth user name (the API key) is kept.
    """

    def __init__(self, app: Any, *, state: EmulatorState, size: int = REQUEST_LOG_SIZE) -> None:
        self.app = app
        self.state = state
        self.size = size

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        entry: dict[str, Any] = {
            "method": scope["method"],
            "path": scope["path"],
            "query": scope.get("query_string", b"").decode("latin-1"),
            "api_key": basic_username(scope),
            "status": None,
            "at": self.state.clock.now(),
        }

        async def record(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            await send(message)

        log = self.state.request_log
        self.state.request_total += 1
        log.append(entry)
        if len(log) > self.size + self.size // 10:
            del log[: len(log) - self.size]  # trim in batches so appends stay O(1) amortised
        await self.app(scope, receive, record)
