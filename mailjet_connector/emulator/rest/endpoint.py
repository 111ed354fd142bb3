"""The `/v3/REST/...` endpoint: authentication, resource and item resolution, verbs and sub-actions.

Routes come from the catalog: one catch-all path resolves `{resource}[/{id-or-key}[/{action}[/{actionId}]]]`
and `{resource}/{action}[/{jobId}]` against the catalog entries, so no resource has hand-written routes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from mailjet_connector import catalog
from mailjet_connector.catalog import Resource, Verb
from mailjet_connector.emulator.errors import EmulatorError, MethodNotAllowedError, not_allowed, not_found
from mailjet_connector.emulator.frame import Frame, find_row
from mailjet_connector.emulator.resources.contacts import ensure_contactdata
from mailjet_connector.emulator.rest import responses, writes
from mailjet_connector.emulator.rest.actions import ActionContext, Handler, run_action
from mailjet_connector.emulator.rest.auth import authenticate
from mailjet_connector.emulator.rest.keys import find_position
from mailjet_connector.emulator.rest.listing import list_response
from mailjet_connector.emulator.rest.query import first_wins
from mailjet_connector.emulator.rest.special import ID_ALIASES, present
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.stats import computed

REST_PREFIX = "/v3/REST/"


def resolve_resource(segments: list[str]) -> tuple[Resource, list[str]]:
    """The catalog resource a path names (names with a slash such as `statistics/link-click` included).

    Returns:
        The resource and the remaining segments.

    Raises:
        EmulatorError: 400 `Unknown resource: "x"`.
    """
    if len(segments) >= 2:
        found = catalog.by_mailjet_name(f"{segments[0]}/{segments[1]}")
        if found is not None and found.api == "REST":
            return found, segments[2:]
    found = catalog.by_mailjet_name(segments[0]) if segments else None
    if found is None or found.api != "REST":
        name = segments[0] if segments else ""
        raise EmulatorError(400, f'Unknown resource: "{name}"', info="Bad Request")
    return found, segments[1:]


class RestEndpoint:
    """ASGI endpoint answering every `/v3/REST/...` request for one emulator state.

    Args:
        state: the data and clock to serve.
        rules: catalog name -> write rules (`rest.hooks.RULES`).
        actions: (catalog name, action name) -> sub-action handler (`rest.hooks.ACTIONS`).
    """

    def __init__(
        self,
        state: EmulatorState,
        rules: Mapping[str, writes.Rules],
        actions: Mapping[tuple[str, str], Handler],
    ) -> None:
        self.state = state
        self.rules = rules
        self.actions = actions

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        request = Request(scope, receive)
        try:
            response = await self.handle(request)
        except EmulatorError as error:
            response = responses.error_response(error)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        """Route one request; errors propagate as EmulatorError."""
        account = authenticate(self.state, request)
        segments = [s for s in request.scope["path"][len(REST_PREFIX) :].split("/") if s]
        resource, rest = resolve_resource(segments)
        params = first_wins(request.query_params.multi_items())
        body = await request.body() if request.method in ("POST", "PUT") else b""
        call = Call(self, account, resource, request.method, params, body)
        return call.route(rest)


class Call:
    """One REST call after authentication and resource resolution."""

    def __init__(
        self,
        endpoint: RestEndpoint,
        account: Account,
        resource: Resource,
        method: str,
        params: Mapping[str, str],
        body: bytes,
    ) -> None:
        self.endpoint = endpoint
        self.state, self.account, self.resource = endpoint.state, account, resource
        self.method, self.params, self.body = method, params, body

    def route(self, rest: list[str]) -> Response:
        """Dispatch on the segments after the resource name."""
        first_action = self.resource.action(rest[0]) if rest else None
        if first_action is not None and first_action.scope == "collection" and len(rest) <= 2:
            return self.action(None, rest[0], rest[1] if len(rest) == 2 else None)
        if not rest:
            return self.collection()
        if len(rest) == 1:
            return self.item(rest[0])
        if len(rest) <= 3:
            return self.action(rest[0], rest[1], rest[2] if len(rest) == 3 else None)
        raise not_found()

    def _require(self, verb: Verb, allowed: tuple[Verb, ...]) -> None:
        if self.method != verb.value or verb not in allowed:
            raise not_allowed(self.method, self.resource, allowed)

    def collection(self) -> Response:
        """`/{resource}`: GET lists, POST creates."""
        if self.method == "POST":
            self._require(Verb.POST, self.resource.verbs)
            return self.create()
        self._require(Verb.GET, tuple(v for v in self.resource.verbs if v in (Verb.GET, Verb.POST)))
        return list_response(self.state, self.account, self.resource, self.params)

    def item(self, key: str) -> Response:
        """`/{resource}/{id-or-key}`: GET reads, PUT patches (304 when nothing changes), DELETE removes."""
        verbs = tuple(v for v in self.resource.verbs if v is not Verb.POST)
        if self.method not in (v.value for v in verbs):
            raise not_allowed(self.method, self.resource, verbs)
        if self.resource.parent is not None and self.method == "GET":
            # messagehistory/{messageId}: a listing scoped to the parent, 200 and empty when unknown.
            scoped = {**self.params, self.resource.parent[1].lower(): key}
            return list_response(self.state, self.account, self.resource, scoped)
        if self.resource.computed:
            return self.computed_item(key)
        with self.account.lock:
            pos = self.locate(key)
            if self.method == "GET":
                return self.answer(pos)
            writer = self.writer()
            if self.method == "DELETE":
                writes.delete(writer, pos)
                return responses.empty(204)
            if not writes.update(writer, pos, self.json()):
                return responses.empty(304)
            return self.answer(pos)

    def create(self) -> Response:
        """POST: 201 with the created object in the envelope."""
        with self.account.lock:
            pos = writes.create(self.writer(), self.json())
            return self.answer(pos, status=201)

    def action(self, key: str | None, name: str, action_id: str | None) -> Response:
        """A sub-action: item-scoped when `key` is given, collection-scoped otherwise."""
        act = self.resource.action(name)
        if act is None or (key is None) != (act.scope == "collection"):
            raise EmulatorError(400, f'Unknown action: "{name}"', info="Bad Request")
        if self.method not in (v.value for v in act.verbs):
            raise MethodNotAllowedError(act.verbs)
        pos = None
        if key is not None:
            with self.account.lock:
                pos = self.locate(key)
        ctx = ActionContext(
            self.state,
            self.account,
            self.resource,
            act,
            self.method,
            pos,
            action_id,
            self.params,
            self.body,
            self.endpoint.rules,
        )
        return run_action(ctx, self.endpoint.actions)

    def locate(self, key: str) -> int:
        """Position of the addressed item; contactdata rows appear on demand for existing contacts."""
        pos = find_position(self.account, self.resource, key)
        alias = ID_ALIASES.get(self.resource.name)
        if pos is None and alias is not None:
            link = self.resource.field(alias)
            target = catalog.get(link.link) if link is not None and link.link else None
            owner = find_position(self.account, target, key) if target is not None else None
            if target is not None and owner is not None:
                owner_id = int(self.account.table(target).column("ID")[owner])
                pos = ensure_contactdata(self.writer(), owner_id)
        if pos is None:
            raise not_found()
        return pos

    def computed_item(self, key: str) -> Response:
        """One row of a computed resource, matched on its ID (or primary key when it has no ID) or a unique key."""
        if self.method != "GET":
            raise not_allowed(self.method, self.resource, (Verb.GET,))
        answer = computed.result(self.state, self.account, self.resource, self.params)
        unique_keys = self.resource.unique_keys
        if self.resource.primary_key != ("ID",) and self.resource.field("ID") is None:
            # Rows without an ID are addressed by their primary key (`campaignstatistics/{CampaignID}`).
            unique_keys = (tuple(self.resource.primary_key), *unique_keys)
        if isinstance(answer, Frame):
            index = answer.find(key, unique_keys)
            rows = answer.records([index]) if index is not None else []
        else:
            index = find_row(answer, key, unique_keys)
            rows = [answer[index]] if index is not None else []
        if not rows:
            raise not_found()
        return responses.envelope(present(self.resource, rows, self.params))

    def writer(self) -> writes.WriteContext:
        """A write context on the addressed resource at the emulator's current time."""
        table = self.account.table(self.resource)
        now = self.state.clock.now()
        return writes.WriteContext(self.state, self.account, self.resource, table, now, self.endpoint.rules)

    def json(self) -> Any:
        """The request body as JSON (an empty body is `{}`)."""
        try:
            return orjson.loads(self.body) if self.body.strip() else {}
        except orjson.JSONDecodeError:
            raise EmulatorError(400, "Invalid json input") from None

    def answer(self, pos: int, status: int = 200) -> Response:
        """The envelope holding the row at `pos`."""
        rows = self.account.table(self.resource).records([pos])
        return responses.envelope(present(self.resource, rows, self.params), status=status)
