"""Sub-actions (`/{resource}/{id}/{action}`, `/{resource}/{action}[/{jobId}]`): a registry of handlers.

Each feature registers its handlers with `@action("contact", "managecontactslists")` in its own module;
the app imports those modules. A catalog action without a handler answers 501 (see docs/emulator.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.responses import Response

from mailjet_connector.catalog import Action, Resource
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.writes import WriteContext


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
        return WriteContext(self.state, self.account, table.resource, table, self.state.clock.now())

    def item_id(self) -> int:
        """The addressed item's ID."""
        assert self.pos is not None
        return int(self.account.table(self.resource).column("ID")[self.pos])


Handler = Callable[[ActionContext], Response]
ACTIONS: dict[tuple[str, str], Handler] = {}


def action(resource: str, name: str) -> Callable[[Handler], Handler]:
    """Register the handler of (catalog resource name, action name); names match case-insensitively."""

    def register(fn: Handler) -> Handler:
        ACTIONS[(resource, name.lower())] = fn
        return fn

    return register


def run_action(ctx: ActionContext) -> Response:
    """Call the registered handler.

    Raises:
        EmulatorError: 501 when the catalog lists the action but no handler is registered yet.
    """
    handler = ACTIONS.get((ctx.resource.name, ctx.action.name.lower()))
    if handler is None:
        raise EmulatorError(
            501,
            f'Action "{ctx.action.name}" of resource "{ctx.resource.mailjet_name}" is not emulated',
            info="Not Implemented",
        )
    return handler(ctx)
