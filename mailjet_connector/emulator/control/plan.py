"""`/_emulator/plan`: the accounts' sending plans (see `send.plan`), off (unlimited) by default.

- `GET /plan[?api_key=]`: `{api_key: {"plan", "daily_limit", "hourly_limit", "sent_today", "sent_this_hour"}}`.
- `POST /plan {"api_key"?, "plan": "free" | "test" | "unlimited", "daily_limit"?, "hourly_limit"?}`: every
  account when no api_key is given. Errors are `{"error": "<one line>"}` with 400 or 404.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mailjet_connector.emulator.send import plan
from mailjet_connector.emulator.state import Account, EmulatorState


def _view(state: EmulatorState, account: Account) -> dict[str, Any]:
    use = plan.usage(account)
    now = state.clock.now()
    day = use.day[1] if use.day[0] == now - now % plan.DAY else 0
    hour = use.hour[1] if use.hour[0] == now - now % plan.HOUR else 0
    return {**use.plan.view(), "sent_today": day, "sent_this_hour": hour}


def plan_routes(state: EmulatorState) -> list[BaseRoute]:
    """The `/plan` route bound to one state."""

    async def endpoint(request: Request) -> Response:
        try:
            body = orjson.loads(await request.body() or b"{}") if request.method == "POST" else {}
            if not isinstance(body, dict):
                raise ValueError('expected {"plan": "free" | "test" | "unlimited", "api_key"?: ...}')
            api_key = body.pop("api_key", None) or request.query_params.get("api_key")
            accounts = list(state.accounts.values()) if api_key is None else [state.accounts.get(api_key)]
            if None in accounts:
                return JSONResponse({"error": f"no account with API key {api_key!r}"}, status_code=404)
            if request.method == "POST":
                name = body.pop("plan", None)
                for account in accounts:
                    assert account is not None
                    plan.set_plan(account, str(name), **body)
        except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        views = {a.api_key: _view(state, a) for a in accounts if a is not None}
        return Response(orjson.dumps(views), media_type="application/json")

    return [Route("/plan", endpoint, methods=["GET", "POST"])]
