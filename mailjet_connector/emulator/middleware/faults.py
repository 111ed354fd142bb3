"""Random fault injection: 5xx and 429 answers, connection resets, truncated bodies and slow answers.

The spec is a comma-separated list of `KIND:PROBABILITY[:SECONDS]`, e.g.
`500:0.02,429:0.01,reset:0.005,truncate:0.005,slow:0.01:2.0`. Each request draws one number from a
`random.Random(seed)`, so the same seed and the same request order give the same faults. Control paths
(`/_emulator/*`) are never faulted and draw nothing.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from mailjet_connector.emulator.middleware.limits import is_control_path, send_too_many_requests

KINDS = ("500", "502", "503", "429", "reset", "truncate", "slow")
DEFAULT_SLOW_SECONDS = 2.0
_SYNTAX = "expected KIND:PROBABILITY[:SECONDS],... with KIND in " + "|".join(KINDS)

_GATEWAY_PAGES = {
    502: b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
    b"<hr><center>nginx</center></body></html>",
    503: b"<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
    b"<h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>",
}


@dataclass(frozen=True)
class Fault:
    """One kind of fault with its probability (and delay, for `slow`)."""

    kind: str
    probability: float
    seconds: float = 0.0


def parse_faults(spec: str) -> tuple[Fault, ...]:
    """Parse a fault spec.

    Raises:
        ValueError: bad syntax, unknown kind, probability outside [0, 1] or summing above 1.
    """
    faults: list[Fault] = []
    for item in (part.strip() for part in (spec or "").split(",")):
        if not item:
            continue
        pieces = item.split(":")
        kind = pieces[0].strip().lower()
        if kind not in KINDS or len(pieces) not in (2, 3) or (len(pieces) == 3 and kind != "slow"):
            raise ValueError(f"invalid fault spec item {item!r}: {_SYNTAX}")
        try:
            probability = float(pieces[1])
            seconds = (
                float(pieces[2]) if len(pieces) == 3 else DEFAULT_SLOW_SECONDS if kind == "slow" else 0.0
            )
        except ValueError:
            raise ValueError(f"invalid fault spec item {item!r}: {_SYNTAX}") from None
        if not 0.0 <= probability <= 1.0 or seconds < 0:
            raise ValueError(f"invalid fault spec item {item!r}: probability must be in [0, 1], seconds >= 0")
        faults.append(Fault(kind, probability, seconds))
    if sum(f.probability for f in faults) > 1.0 + 1e-9:
        raise ValueError(f"invalid fault spec {spec!r}: probabilities add up to more than 1")
    return tuple(faults)


class FaultPlan:
    """The seeded sequence of faults: `draw()` gives the fault for the next request, or None.

    Args:
        faults: parsed faults.
        seed: seed of the random sequence.
    """

    def __init__(self, faults: tuple[Fault, ...], seed: int) -> None:
        self.faults = faults
        self.rng = random.Random(seed)

    def draw(self) -> Fault | None:
        roll = self.rng.random()
        for fault in self.faults:
            if roll < fault.probability:
                return fault
            roll -= fault.probability
        return None

    def error_identifier(self) -> str:
        """A reproducible UUID for a 500 body."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


def _connection_transport(receive: Any) -> Any:
    """The socket transport behind uvicorn's `receive`, or None (in-process ASGI clients have none)."""
    transport = getattr(getattr(receive, "__self__", None), "transport", None)
    return transport if callable(getattr(transport, "abort", None)) else None


async def _drop_connection(receive: Any, *, graceful: bool, what: str) -> None:
    """Close the client's connection; with no socket (in-process clients) raise so the caller errors."""
    transport = _connection_transport(receive)
    if transport is None:
        raise ConnectionResetError(f"emulator fault: {what}")
    if graceful:
        transport.close()  # flush what was written (truncate), then FIN
    else:
        transport.abort()  # drop at once: the client sees a reset, not a response
    # Let the server notice the lost connection so it does not try to answer on its own.
    for _ in range(3):
        await asyncio.sleep(0)


async def _send(send: Callable[..., Any], status: int, content_type: bytes, body: bytes) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class FaultMiddleware:
    """ASGI middleware injecting the faults of `spec` (outermost, in front of everything else).

    Args:
        app: the wrapped ASGI app.
        spec: the fault spec (see the module docstring).
        seed: seed of the random sequence (the emulator passes its data seed).

    Raises:
        ValueError: invalid spec.
    """

    def __init__(self, app: Any, *, spec: str, seed: int) -> None:
        self.app = app
        self.plan = FaultPlan(parse_faults(spec), seed)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or is_control_path(scope):
            await self.app(scope, receive, send)
            return
        fault = self.plan.draw()
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.kind == "slow":
            await asyncio.sleep(fault.seconds)
            await self.app(scope, receive, send)
        elif fault.kind == "429":
            await send_too_many_requests(send)
        elif fault.kind == "500":
            body = {
                "ErrorIdentifier": self.plan.error_identifier(),
                "ErrorInfo": "",
                "ErrorMessage": "Internal error",
                "StatusCode": 500,
            }
            await _send(send, 500, b"application/json", orjson.dumps(body))
        elif fault.kind in ("502", "503"):
            await _send(send, int(fault.kind), b"text/html", _GATEWAY_PAGES[int(fault.kind)])
        elif fault.kind == "reset":
            await _drop_connection(receive, graceful=False, what="connection reset")
        else:
            await self._truncate(scope, receive, send)

    async def _truncate(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Run the app, then send its headers (full Content-Length) and only half of its body."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(max(len(body), 2)).encode()))
        await send({"type": "http.response.start", "status": start.get("status", 200), "headers": headers})
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        await _drop_connection(receive, graceful=True, what="truncated response")
