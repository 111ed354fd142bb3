"""eventcallbackurl behaviour beyond the generic writes: revival by a new Url, and the `test` action."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.lifecycle import delivery
from mailjet_connector.emulator.lifecycle.events import probe_event
from mailjet_connector.emulator.rest import responses
from mailjet_connector.emulator.rest.actions import ActionContext
from mailjet_connector.emulator.rest.writes import Rules, WriteContext


class EventCallbackRules(Rules):
    """A dead (suspended) URL is revived by setting a new Url (§6.1): Status goes back to alive."""

    def on_update(self, ctx: WriteContext, pos: int, changes: dict[str, Any]) -> None:
        if "Url" in changes and "Status" not in changes:
            changes["Status"] = "alive"


def send_test_event(ctx: ActionContext) -> Response:
    """`POST eventcallbackurl/{id}/test`: queue one test event of the URL's type for its Url (delivered
    like any event, also while the URL is dead; a Version 2 URL gets it inside an array) and answer 200
    with the callback URL object."""
    table = ctx.account.table("eventcallbackurl")
    assert ctx.pos is not None
    row = table.raw(ctx.pos)
    now = ctx.state.clock.now()
    try:
        payload = probe_event(str(row["EventType"]), now)
    except ValueError as exc:
        raise EmulatorError(400, str(exc)) from None
    version = int(row["Version"] or 1)
    delivery.enqueue_post(
        ctx.account, "test", str(row["Url"]), payload, now, version=version, callback_id=int(row["ID"])
    )
    return responses.envelope(table.records([ctx.pos]))
