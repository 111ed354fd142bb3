"""Template content: `template/{id}/detailcontent` GET/POST/PUT (mailjet-api.md §2.4, §8.17).

The content is stored through `send.lookup.store_template_content`, where the Send API reads it for
TemplateID sends. This service answers in the newer style, also for an unknown template (a 404 with
`ErrorIdentifier`); the app mounts `template_routes` ahead of the generic REST endpoint for that, and the
registered action serves the same handler when the REST endpoint dispatches it (other spellings).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mailjet_connector import catalog
from mailjet_connector.emulator.errors import EmulatorError, MethodNotAllowedError
from mailjet_connector.emulator.resources.content import serve_content
from mailjet_connector.emulator.rest.actions import ActionContext
from mailjet_connector.emulator.rest.auth import authenticate
from mailjet_connector.emulator.rest.keys import find_position
from mailjet_connector.emulator.rest.query import first_wins
from mailjet_connector.emulator.rest.writes import Rules
from mailjet_connector.emulator.send.lookup import store_template_content, template_content
from mailjet_connector.emulator.state import EmulatorState

UNKNOWN_TEMPLATE = "The resource with the specified ID you are trying to reach does not exist."
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


def detailcontent(ctx: ActionContext) -> Response:
    """GET/POST/PUT `template/{id}/detailcontent`: POST blanks the parts not sent, PUT keeps them."""
    template_id = ctx.item_id()

    def save(content: dict[str, Any]) -> None:
        store_template_content(ctx.account, template_id, content)
        assert ctx.pos is not None
        ctx.account.table("template").update(ctx.pos, {"LastUpdatedAt": ctx.state.clock.now()})

    with ctx.account.lock:
        return serve_content(ctx, template_content(ctx.account, template_id), save)


def template_routes(state: EmulatorState, rules: Mapping[str, Rules]) -> list[BaseRoute]:
    """The route for `/v3/REST/template/{id}/detailcontent` with the new-style 404 for unknown templates.

    Args:
        state: the emulator state.
        rules: the write rules of every resource (`rest.hooks.RULES`).

    Returns:
        One route; mount it before the generic `/v3/REST` endpoint.
    """

    async def endpoint(request: Request) -> Response:
        account = authenticate(state, request)
        resource = catalog.get("template")
        act = resource.action("detailcontent")
        assert act is not None
        if request.method not in (v.value for v in act.verbs):
            raise MethodNotAllowedError(act.verbs)
        with account.lock:
            pos = find_position(account, resource, request.path_params["key"])
        if pos is None:
            raise EmulatorError(404, UNKNOWN_TEMPLATE, style="modern")
        body = await request.body() if request.method in ("POST", "PUT") else b""
        params = first_wins(request.query_params.multi_items())
        ctx = ActionContext(state, account, resource, act, request.method, pos, None, params, body, rules)
        return detailcontent(ctx)

    return [Route("/v3/REST/template/{key}/detailcontent", endpoint, methods=ALL_METHODS)]
