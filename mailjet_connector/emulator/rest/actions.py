"""Sub-actions (`/{resource}/{id}/{action}`, `/{resource}/{action}[/{jobId}]`): their context and dispatch.

The handlers are listed in one table, `rest.hooks.ACTIONS`, keyed by (catalog name, lower-cased action
name). A catalog action without a handler answers 501 (see docs/emulator.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.responses import Response

from mailjet_connector.catalog import Action, Resource
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.rest.writes import Rules, WriteContext
from mailjet_connector.emulator.state import Account, EmulatorState


@dataclass(frozen=True, slots=True)
class ActionContext:
    """One sub-action request.

    Args:
        state / account: the emulator and the caller's account.
        resource / action: the catalog entries addressed.
        method: the HTTP verb.
        pos: the item's position for item-scoped actions (already checked to exist), else None.
        action_id: the trailing segment (`managemanycontacts/{jobId}`), or None.
        params: query parameters, lower-cased names, first occurrence only.
        body: the raw request body.
        rules: the write rules of every resource (`rest.hooks.RULES`), for the writes the action makes.
    """

    state: EmulatorState
    account: Account
    resource: Resource
    action: Action
    method: str
    pos: int | None
    action_id: str | None
    params: Mapping[str, str]
    body: bytes
    rules: Mapping[str, Rules]

    def json(self) -> Any:
        """The body as JSON.

        Raises:
            EmulatorError: 400 when the body is not valid JSON.
        """
        try:
            return orjson.loads(self.body or b"{}")
        except orjson.JSONDecodeError:
            raise EmulatorError(400, "Invalid json input") from None

    def writer(self, resource: Resource | str) -> WriteContext:
        """A write context on one of the caller's tables, at the emulator's current time."""
        table = self.account.table(resource)
        return WriteContext(
            self.state, self.account, table.resource, table, self.state.clock.now(), self.rules
        )

    def item_id(self) -> int:
        """The addressed item's ID."""
        assert self.pos is not None
        return int(self.account.table(self.resource).column("ID")[self.pos])


Handler = Callable[[ActionContext], Response]


def run_action(ctx: ActionContext, handlers: Mapping[tuple[str, str], Handler]) -> Response:
    """Call the handler of the context's action.

    Args:
        ctx: the request.
        handlers: (catalog name, lower-cased action name) -> handler (`rest.hooks.ACTIONS`).

    Raises:
        EmulatorError: 501 when the catalog lists the action but no handler is registered yet.
    """
    handler = handlers.get((ctx.resource.name, ctx.action.name.lower()))
    if handler is None:
        raise EmulatorError(
            501,
            f'Action "{ctx.action.name}" of resource "{ctx.resource.mailjet_name}" is not emulated',
            info="Not Implemented",
        )
    return handler(ctx)
