"""The emulator's ASGI app: catalog-driven REST routes, Send API, control routes and the middleware stack."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from mailjet_connector.emulator import (
    bulk,  # noqa: F401  (registers managemanycontacts and importlist)
    callbacks,  # noqa: F401  (registers eventcallbackurl rules and its test action)
    campaigns,  # noqa: F401  (registers the draft sub-actions and write rules)
    contact_actions,  # noqa: F401  (registers its sub-actions)
    csvimport,  # noqa: F401  (registers the csvimport write rules)
    parse,  # noqa: F401  (registers the parseroute write rules)
    responses,
    sender_actions,  # noqa: F401  (registers sender validate, dns check and the sender write rules)
    templates,  # noqa: F401  (registers template detailcontent)
)
from mailjet_connector.emulator.control import control_routes
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.event_pump import DeliveryWorker, EventPumpMiddleware, worker_lifespan
from mailjet_connector.emulator.faults import FaultMiddleware
from mailjet_connector.emulator.limits import RateLimitMiddleware, basic_username
from mailjet_connector.emulator.rest import RestEndpoint
from mailjet_connector.emulator.send import send_routes
from mailjet_connector.emulator.state import EmulatorState

REQUEST_LOG_SIZE = 10_000
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


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
        log.append(entry)
        if len(log) > self.size + self.size // 10:
            del log[: len(log) - self.size]  # trim in batches so appends stay O(1) amortised
        await self.app(scope, receive, record)


def _efp_error(request: Request) -> Response:
    # A /v3 path outside REST, DATA and send: Mailjet's dispatcher error (§1.5, VCR).
    rest = request.path_params.get("path", "")
    message = f'Could not determine HTTP module for request "{rest}"'
    return responses.error_response(EmulatorError(500, message, info="EFPWebError"))


def _nginx_404(request: Request, exc: Exception | None = None) -> Response:
    return responses.nginx_not_found()


def _emulator_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EmulatorError)
    return responses.error_response(exc)


def _internal_error(request: Request, exc: Exception) -> Response:
    # A bug in the emulator: answer like Mailjet's 500 (the exception is still raised to the server log).
    return responses.error_response(EmulatorError(500, "Internal error"))


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return responses.nginx_not_found()
    return Response(exc.detail, status_code=exc.status_code, media_type="text/plain")


def _optional_routes(module: str, factory: str, state: EmulatorState) -> list[BaseRoute]:
    # Parts written by other issues; wired when their module exists, so this app works while they land.
    if importlib.util.find_spec(f"mailjet_connector.emulator.{module}") is None:
        return []
    return list(getattr(importlib.import_module(f"mailjet_connector.emulator.{module}"), factory)(state))


def create_app(
    state: EmulatorState,
    *,
    control: bool = False,
    rate_limit: str | None = None,
    faults: str | None = None,
) -> Starlette:
    """Build the emulator app over a state.

    Args:
        state: the data and clock to serve.
        control: mount the test-control routes under `/_emulator`.
        rate_limit: per-API-key limit such as `300/min` (429 with an HTML body beyond it), or None.
        faults: fault-injection spec (see `faults.parse_faults`), or None.

    Returns:
        The Starlette app. Middleware, outermost first: faults, request log, rate limit, event pump
        (message lifecycle and webhook delivery).
    """
    routes: list[BaseRoute] = [*send_routes(state)]
    if control:
        routes.append(Mount("/_emulator", routes=control_routes(state)))
    routes += [
        *_optional_routes("templates", "template_routes", state),
        *_optional_routes("gdpr", "gdpr_routes", state),
        *_optional_routes("csvdata", "data_routes", state),
        Mount("/v3/REST", app=RestEndpoint(state)),
        Route("/v3/{path:path}", _efp_error, methods=ALL_METHODS),
        Route("/v3.1/{path:path}", _nginx_404, methods=ALL_METHODS),
    ]
    middleware: list[Middleware] = []
    if faults:
        middleware.append(Middleware(FaultMiddleware, spec=faults, seed=state.seed))
    middleware.append(Middleware(RequestLogMiddleware, state=state))
    if rate_limit:
        middleware.append(Middleware(RateLimitMiddleware, state=state, spec=rate_limit))
    worker = DeliveryWorker(state)  # posts webhook deliveries; stopped on app shutdown
    middleware.append(Middleware(EventPumpMiddleware, state=state, worker=worker))
    handlers: dict[Any, Any] = {
        EmulatorError: _emulator_error,
        HTTPException: _http_error,
        Exception: _internal_error,
    }
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers=handlers,
        lifespan=lambda app: worker_lifespan(worker),
    )
