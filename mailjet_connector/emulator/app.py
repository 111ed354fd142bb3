"""The emulator's ASGI app: catalog-driven REST routes, Send API, control routes and the middleware stack.

This is where the parts meet: every route factory and middleware is imported here and wired in
`create_app`, and the per-resource behaviour table (`rest.hooks`) is handed to the routes that need it.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from mailjet_connector.emulator.control.routes import control_routes
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.jobs.data import data_routes
from mailjet_connector.emulator.lifecycle.pump import DeliveryWorker, EventPumpMiddleware, worker_lifespan
from mailjet_connector.emulator.middleware.faults import FaultMiddleware
from mailjet_connector.emulator.middleware.limits import RateLimitMiddleware
from mailjet_connector.emulator.middleware.request_log import RequestLogMiddleware
from mailjet_connector.emulator.resources.templates import template_routes
from mailjet_connector.emulator.rest import hooks, responses
from mailjet_connector.emulator.rest.endpoint import RestEndpoint
from mailjet_connector.emulator.rest.gdpr import gdpr_routes
from mailjet_connector.emulator.send import http
from mailjet_connector.emulator.send.routes import send_routes
from mailjet_connector.emulator.state import EmulatorState

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


def _efp_error(request: Request) -> Response:
    # A /v3 path outside REST, DATA and send: Mailjet's dispatcher error (§1.5, VCR).
    rest = request.path_params.get("path", "")
    message = f'Could not determine HTTP module for request "{rest}"'
    return responses.error_response(EmulatorError(500, message, info="EFPWebError"))


def _nginx_404(request: Request, exc: Exception | None = None) -> Response:
    return responses.nginx_not_found()


def unemulated_service(state: EmulatorState) -> Any:
    """The `/v1` Content API and the other `/v4` services (SMS, ...) are not emulated, but their gateway
    checks credentials first: bad or Bearer-only credentials get the newer services' 401 body (the official
    clients' own tests expect a 401 there), good ones the front proxy's 404."""

    async def endpoint(request: Request) -> Response:
        if http.authenticate(state, request) is None:
            return http.v31_unauthorized()
        return responses.nginx_not_found()

    return endpoint


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
        *template_routes(state, hooks.RULES),
        *gdpr_routes(state, hooks.RULES),
        *data_routes(state),
        Mount("/v3/REST", app=RestEndpoint(state, hooks.RULES, hooks.ACTIONS)),
        Route("/v3/{path:path}", _efp_error, methods=ALL_METHODS),
        Route("/v3.1/{path:path}", _nginx_404, methods=ALL_METHODS),
        Route("/v1/{path:path}", unemulated_service(state), methods=ALL_METHODS),
        Route("/v4/{path:path}", unemulated_service(state), methods=ALL_METHODS),
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
