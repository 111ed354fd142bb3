"""The webhook receiver: a Starlette app that stores Mailjet events and Parse mails durably before 200.

Routes (token variants only when a token is configured):
- `POST /events`, `POST /events/{token}`: one event object (Version 1) or an array (Version 2, grouped).
- `POST /inbound`, `POST /inbound/{token}`: one Parse API mail.
- `GET /health`: 200 when the store answers, 503 otherwise. `GET /metrics`: counters as JSON, or the
  Prometheus text format with `?format=prometheus` (or `Accept: text/plain`).

Answers: 200 `{"stored": n, "duplicates": m}` once the batch's transaction is durable; 401 for missing or
wrong credentials; 413 for a body over the limit; 400 `{"error": "<one line>"}` for malformed JSON, wrong
types, unknown event types (one bad event rejects its whole array: nothing half-stored); 503 when the store
fails (Mailjet retries). Invalid input never yields a 5xx. Every answer that is not 2xx is counted in
`/metrics` under its cause (`metrics.NOT_2XX`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from mailjet_connector.errors import WebhookAuthError
from mailjet_connector.webhooks import dedupe
from mailjet_connector.webhooks.auth import REALM, ReceiverAuth
from mailjet_connector.webhooks.backend import Batch, Kind, Row, Store
from mailjet_connector.webhooks.commit import GroupCommitter
from mailjet_connector.webhooks.events import PayloadError, Record, parse_events, parse_inbound_body
from mailjet_connector.webhooks.metrics import Metrics, prometheus
from mailjet_connector.webhooks.settings import ReceiverSettings


class BodyTooLargeError(Exception):
    """The request body exceeds the endpoint's limit."""


@dataclass(frozen=True)
class Endpoint:
    """What one receiving route parses and how it keys and counts records."""

    kind: Kind
    parse: Callable[[bytes], list[Record]]
    key: Callable[[dict[str, Any]], str]
    limit: int
    counter: str  # "events" or "inbound"


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json", headers=headers)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:  # chunked or lying Content-Length: stop reading at the limit
            raise BodyTooLargeError
        chunks.append(chunk)
    return b"".join(chunks)


class Receiver:
    """The receiver's parts, shared by its routes (reachable as `app.state.receiver`).

    Args:
        settings: limits and credentials.
        store: where records go.
        clock: returns the current Unix time (the `received_at` column).
    """

    def __init__(
        self, settings: ReceiverSettings, store: Store, clock: Callable[[], float] = time.time
    ) -> None:
        self.auth: ReceiverAuth = settings.auth()
        self.store = store
        self.clock = clock
        self.metrics = Metrics()
        self.committer = GroupCommitter(store)
        self.endpoints = {
            "events": Endpoint("event", parse_events, dedupe.event_key, settings.max_event_bytes, "events"),
            "inbound": Endpoint(
                "inbound", parse_inbound_body, dedupe.inbound_key, settings.max_inbound_bytes, "inbound"
            ),
        }

    def close(self) -> None:
        """Finish queued writes and stop the writer thread (the store stays open: the caller owns it)."""
        self.committer.stop()

    async def receive(self, request: Request, name: str) -> Response:
        endpoint = self.endpoints[name]
        self.metrics.add("requests")
        token = request.path_params.get("token")
        if token is not None and self.auth.token is None:
            self.metrics.add("rejected_auth")
            return _json({"error": "not found"}, 404)
        try:
            self.auth.check(request.headers.get("authorization"), token)
        except WebhookAuthError as exc:
            self.metrics.add("rejected_auth")
            headers = {"WWW-Authenticate": REALM} if self.auth.basic else None
            return _json({"error": str(exc)}, 401, headers)
        try:
            records = endpoint.parse(await _read_body(request, endpoint.limit))
        except BodyTooLargeError:
            self.metrics.add("rejected_size")
            return _json({"error": f"body larger than {endpoint.limit} bytes"}, 413)
        except PayloadError as exc:
            self.metrics.add("rejected_payload")
            return _json({"error": str(exc)}, 400)
        except ClientDisconnect:
            self.metrics.add("rejected_disconnect")
            return Response(status_code=400)
        self.metrics.add(f"{endpoint.counter}_received", len(records))
        return await self._store(endpoint, records)

    async def _store(self, endpoint: Endpoint, records: list[Record]) -> Response:
        rows = [Row(endpoint.key(r.raw), r.values, orjson.dumps(r.raw).decode()) for r in records]
        self.committer.start()  # idempotent: also serves apps run without lifespan (ASGI test transports)
        try:
            result = await self.committer.submit(Batch(endpoint.kind, rows, self.clock()))
        except Exception as exc:  # Mailjet must retry: answer 503
            self.metrics.add("store_failures")
            return _json({"error": f"store unavailable: {type(exc).__name__}"}, 503)
        self.metrics.add(f"{endpoint.counter}_stored", result.stored)
        self.metrics.add(f"{endpoint.counter}_duplicate", result.duplicates)
        return _json({"stored": result.stored, "duplicates": result.duplicates})

    async def health(self, request: Request) -> Response:
        try:
            counts = {"events": self.store.count("event"), "inbound": self.store.count("inbound")}
        except Exception as exc:  # a health check reports, it does not crash
            self.metrics.add("health_failures")
            return _json({"status": "failing", "error": type(exc).__name__}, 503)
        return _json({"status": "ok", "store": self.store.location, **counts})

    async def metrics_view(self, request: Request) -> Response:
        view = self.metrics.snapshot(self.committer.stats)
        wants_text = request.query_params.get(
            "format"
        ) == "prometheus" or "text/plain" in request.headers.get("accept", "")
        if wants_text:
            return PlainTextResponse(prometheus(view), media_type="text/plain; version=0.0.4")
        return _json(view)


def create_app(
    settings: ReceiverSettings, store: Store, *, clock: Callable[[], float] = time.time
) -> Starlette:
    """The receiver app.

    Args:
        settings: credentials, token and body limits.
        store: an open store (the caller closes it after the app stops).
        clock: Unix time source for `received_at` (injectable for tests).

    Returns:
        The Starlette app; `app.state.receiver` holds the `Receiver` (metrics, committer, `close()`).

    Raises:
        ConfigError: no authentication configured and anonymous access not allowed.
    """
    receiver = Receiver(settings, store, clock)

    async def events(request: Request) -> Response:
        return await receiver.receive(request, "events")

    async def inbound(request: Request) -> Response:
        return await receiver.receive(request, "inbound")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        receiver.committer.start()
        try:
            yield
        finally:
            receiver.close()

    routes = [
        Route("/events", events, methods=["POST"]),
        Route("/events/{token}", events, methods=["POST"]),
        Route("/inbound", inbound, methods=["POST"]),
        Route("/inbound/{token}", inbound, methods=["POST"]),
        Route("/health", receiver.health, methods=["GET"]),
        Route("/metrics", receiver.metrics_view, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers=_counted_errors(receiver.metrics))
    app.state.receiver = receiver
    return app


def _counted_errors(metrics: Metrics) -> dict[Any, Callable[[Request, Exception], Any]]:
    """Answers Starlette gives itself (no route, wrong method, a bug), counted like the others, in JSON."""

    async def route(request: Request, exc: Exception) -> Response:
        metrics.add("rejected_route")
        status = getattr(exc, "status_code", 404)
        return _json({"error": "method not allowed" if status == 405 else "not found"}, status)

    async def bug(request: Request, exc: Exception) -> Response:
        metrics.add("server_errors")
        return _json({"error": "internal error"}, 500)

    return {404: route, 405: route, Exception: bug}
