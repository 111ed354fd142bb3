"""Control routes of the event machinery (mounted under /_emulator with the other control routes).

- `GET /deliveries[?api_key=&status=&kind=]`: every delivery job (events, parse, test) with its attempts;
  `DELETE /deliveries` forgets finished jobs.
- `POST /deliveries/flush`: advance the lifecycle and attempt every due delivery now, synchronously.
- `GET /lifecycle[?api_key=]`, `POST /lifecycle {"api_key"?, "open_rate": 0.5, ...}`: lifecycle settings
  (all accounts when no api_key is given).
- `POST /inbound {"to", "from", ...}`: inject an inbound mail for a parse route (see `parse.inbound_payload`).
Errors are `{"error": "<one line>"}` with 400 or 404, like the other control routes.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mailjet_connector.emulator.lifecycle import delivery, messages, parse
from mailjet_connector.emulator.state import Account, EmulatorState


def _json(payload: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


async def _body(request: Request) -> Any:
    return orjson.loads(await request.body() or b"{}")


def _accounts(state: EmulatorState, api_key: str | None) -> list[Account]:
    if api_key is None:
        return list(state.accounts.values())
    account = state.accounts.get(api_key)
    if account is None:
        raise LookupError(f"no account with API key {api_key!r}")
    return [account]


def event_control_routes(state: EmulatorState) -> list[BaseRoute]:
    """The routes listed in the module docstring, bound to one state."""

    async def deliveries(request: Request) -> Response:
        params = request.query_params
        try:
            accounts = _accounts(state, params.get("api_key"))
        except LookupError as exc:
            return _error(404, str(exc))
        if request.method == "DELETE":
            for account in accounts:
                box = delivery.outbox(account)
                with box.guard:
                    box.log[:] = [job for job in box.log if job.status == "pending"]
            return Response(status_code=204)
        rows = [
            {"APIKey": account.api_key, **view}
            for account in accounts
            for view in delivery.deliveries_view(account, params.get("status"), params.get("kind"))
        ]
        dropped = sum(delivery.outbox(a).dropped for a in accounts)
        return _json({"Count": len(rows), "Data": rows, "Dropped": dropped})

    async def flush(request: Request) -> Response:
        # Tables change on the event loop's side only; posting may wait on the receivers, so it runs in a
        # thread (the receiver may be served by this very process).
        steps = messages.advance_all(state)
        counts = await run_in_threadpool(delivery.deliver_due, state)
        return _json({"steps": steps, **counts})

    async def settings(request: Request) -> Response:
        try:
            body = await _body(request) if request.method == "POST" else {}
            if not isinstance(body, dict):
                raise ValueError("expected a JSON object of setting -> value")
            api_key = body.pop("api_key", None) or request.query_params.get("api_key")
            accounts = _accounts(state, api_key)
            for account in accounts:
                if body:
                    messages.configure(account, body)
        except LookupError as exc:
            return _error(404, str(exc))
        except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
            return _error(400, str(exc))
        views = {
            a.api_key: {**messages.queue(a).settings.view(), "PendingSteps": messages.pending_steps(a)}
            for a in accounts
        }
        return _json(views)

    async def inbound(request: Request) -> Response:
        try:
            account, route, job = parse.inject(state, await _body(request))
        except LookupError as exc:
            return _error(404, str(exc))
        except (ValueError, orjson.JSONDecodeError) as exc:
            return _error(400, str(exc))
        body = {
            "DeliveryID": job.id,
            "RouteID": route["ID"],
            "APIKey": account.api_key,
            "Payload": job.payloads[0],
        }
        return _json(body, 202)

    return [
        Route("/deliveries", deliveries, methods=["GET", "DELETE"]),
        Route("/deliveries/flush", flush, methods=["POST"]),
        Route("/lifecycle", settings, methods=["GET", "POST"]),
        Route("/inbound", inbound, methods=["POST"]),
    ]
