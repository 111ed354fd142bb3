"""Test-control endpoints under /_emulator: clock, raw rows, request log and the OpenAPI document.

Mounted only when control is enabled; no authentication (the emulator is a local test double). Answers are
plain JSON; errors are `{"error": "<one line>"}` with 400 or 404.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mailjet_connector import catalog
from mailjet_connector.catalog import FieldType, Resource
from mailjet_connector.emulator.control.events import event_control_routes
from mailjet_connector.emulator.control.openapi import openapi_document
from mailjet_connector.emulator.control.plan import plan_routes
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.stats.params import parse_timestamp
from mailjet_connector.emulator.table import Table
from mailjet_connector.wire.timestamps import format_timestamp


class ControlError(Exception):
    """A control request that cannot be served: status and one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _error(exc: ControlError) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_code=exc.status)


async def _json_body(request: Request) -> Any:
    try:
        return orjson.loads(await request.body() or b"{}")
    except orjson.JSONDecodeError:
        raise ControlError(400, "the body is not valid JSON") from None


def _clock_view(state: EmulatorState) -> dict[str, Any]:
    now = state.clock.now()
    return {"now": now, "iso": format_timestamp(now), "frozen": state.clock.frozen}


def _move_clock(state: EmulatorState, body: Any) -> None:
    if not isinstance(body, dict) or len(body.keys() & {"advance", "set"}) != 1:
        raise ControlError(400, 'expected {"advance": seconds} or {"set": unix_seconds_or_rfc3339}')
    try:
        if "advance" in body:
            state.clock.advance(float(body["advance"]))
        else:
            when = parse_timestamp(body["set"])
            if when < state.clock.now():
                raise ValueError("the clock only moves forward")
            state.clock.set(when)
    except (TypeError, ValueError) as exc:
        raise ControlError(400, f"cannot move the clock: {exc}") from None


def _stored_resource(name: str) -> Resource:
    try:
        resource = catalog.get(name)
    except KeyError:
        raise ControlError(404, f"unknown resource {name!r}; see `mailjet-connector resources`") from None
    if resource.computed:
        raise ControlError(400, f"{resource.name} is computed from other tables; add rows to those instead")
    return resource


def _account(state: EmulatorState, api_key: str) -> Account:
    account = state.accounts.get(api_key)
    if account is None:
        raise ControlError(404, f"no account with API key {api_key!r}")
    return account


def raw_values(resource: Resource, values: Any) -> dict[str, Any]:
    """Validate a row given as JSON and convert it to raw table values (timestamps to Unix seconds).

    Raises:
        ControlError: not an object, unknown field or a value of the wrong type.
    """
    if not isinstance(values, dict):
        raise ControlError(400, "a row must be a JSON object of field -> value")
    converted: dict[str, Any] = {}
    for name, value in values.items():
        field = resource.field(name)
        if field is None:
            raise ControlError(400, f"{resource.name} has no field {name!r}")
        try:
            converted[name] = _convert(field.type, value)
        except (TypeError, ValueError) as exc:
            raise ControlError(400, f"bad value for {resource.name}.{name}: {exc}") from None
    return converted


def _convert(ftype: FieldType, value: Any) -> Any:
    if value is None or ftype in (FieldType.KV, FieldType.JSON):
        return value
    if ftype in (FieldType.TS, FieldType.UNIX):
        return 0 if value == "" else parse_timestamp(value)
    if ftype is FieldType.INT:
        if isinstance(value, bool):
            raise TypeError("expected an integer")
        return int(value)
    if ftype is FieldType.NUM:
        return float(value)
    if ftype is FieldType.BOOL:
        if not isinstance(value, bool):
            raise TypeError("expected true or false")
        return value
    return str(value)


def _row_position(table: Table, row_id: int) -> int:
    pos = table.position(row_id)
    if pos is None:
        raise ControlError(404, f"{table.resource.name} has no row with ID {row_id}")
    return pos


def control_routes(state: EmulatorState) -> list[BaseRoute]:
    """The control routes, to be mounted under `/_emulator`.

    Args:
        state: the emulator state they act on.

    Returns:
        Starlette routes: `/clock`, `/accounts/{api_key}/rows/{resource}[/{id}]`, `/requests`,
        `/openapi.json`, and the event routes of `control.events`.
    """

    async def clock(request: Request) -> Response:
        try:
            if request.method == "POST":
                _move_clock(state, await _json_body(request))
        except ControlError as exc:
            return _error(exc)
        return JSONResponse(_clock_view(state))

    async def rows(request: Request) -> Response:
        try:
            account = _account(state, request.path_params["api_key"])
            resource = _stored_resource(request.path_params["resource"])
            body = await _json_body(request)
            batch = body if isinstance(body, list) else [body]
            converted = [raw_values(resource, values) for values in batch]
            with account.lock:
                table = account.table(resource)
                positions = [table.insert(values) for values in converted]
                records = table.records(positions)
        except (ControlError, ValueError) as exc:
            return _error(exc if isinstance(exc, ControlError) else ControlError(400, str(exc)))
        return Response(
            orjson.dumps(records if isinstance(body, list) else records[0]),
            201,
            media_type="application/json",
        )

    async def row(request: Request) -> Response:
        try:
            account = _account(state, request.path_params["api_key"])
            resource = _stored_resource(request.path_params["resource"])
            with account.lock:
                table = account.table(resource)
                pos = _row_position(table, request.path_params["row_id"])
                if request.method == "DELETE":
                    table.delete(pos)
                    return Response(status_code=204)
                changes = raw_values(resource, await _json_body(request))
                changes.pop("ID", None)  # the ID is the row's identity, never rewritten
                table.update(pos, changes)
                record = table.records([pos])[0]
        except ControlError as exc:
            return _error(exc)
        return Response(orjson.dumps(record), media_type="application/json")

    async def requests(request: Request) -> Response:
        if request.method == "DELETE":
            state.request_log.clear()
            return Response(status_code=204)
        entries = list(state.request_log)
        # Total: every request since the emulator started (the log keeps the last 10,000; benchmarks count calls).
        body = {"Count": len(entries), "Total": state.request_total, "Data": entries}
        return Response(orjson.dumps(body), media_type="application/json")

    async def openapi(request: Request) -> Response:
        return Response(orjson.dumps(openapi_document()), media_type="application/json")

    return [
        Route("/clock", clock, methods=["GET", "POST"]),
        Route("/accounts/{api_key}/rows/{resource}/{row_id:int}", row, methods=["PUT", "DELETE"]),
        Route("/accounts/{api_key}/rows/{resource}", rows, methods=["POST"]),
        Route("/requests", requests, methods=["GET", "DELETE"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        *event_control_routes(state),  # /deliveries, /deliveries/flush, /lifecycle, /inbound
        *plan_routes(state),  # /plan
    ]
