"""Mailjet's own HTTP reason phrases (`404 Object not found`, `304 Content not changed`) over uvicorn's h11.

ASGI has no field for the reason phrase, so the app puts it in a private response header and this
uvicorn protocol moves it into the status line (and drops the header) just before h11 writes it. Other
servers and in-process transports simply show the header; clients never depend on either.
Use with `uvicorn.Config(app, http=ReasonH11Protocol)`.
"""

from __future__ import annotations

import re
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

REASON_HEADER = "x-emulator-reason"
_REASON_BYTES = REASON_HEADER.encode()
_UNSAFE = re.compile(r"[^\x20-\x7e]")  # printable ASCII is valid both as a header value and a reason


def reason_value(text: str) -> str:
    """A reason phrase safe for a status line and a header: printable ASCII, trimmed, at most 200 characters."""
    return _UNSAFE.sub("?", text)[:200].strip() or "-"


class _ReasonConnection:
    """An h11 connection whose outgoing Response takes its reason from the private header."""

    def __init__(self, conn: h11.Connection) -> None:
        self._conn = conn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def send(self, event: Any) -> bytes | None:
        if isinstance(event, h11.Response):
            reason = None
            headers = []
            for name, value in event.headers:
                if name.lower() == _REASON_BYTES:
                    reason = value
                else:
                    headers.append((name, value))
            if reason is not None:
                event = h11.Response(status_code=event.status_code, headers=headers, reason=reason)
        return self._conn.send(event)


class ReasonH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, writing the app's reason phrase into the status line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn = _ReasonConnection(self.conn)  # type: ignore[assignment]
