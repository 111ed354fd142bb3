"""Campaign drafts (campaigndraft and the legacy newsletter): write rules and the detailcontent, test,
schedule, send and status sub-actions (mailjet-api.md §2.2, §8.17).

Both resources share this code but not their rows (a newsletter never sees a campaigndraft). They do share
one ID sequence, as on Mailjet where both are views of one draft object, so `mj.nl=<id>` names one
campaign. What a send checks and creates lives in `send.campaign`.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mailjet_connector.catalog import enums
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.resources.content import serve_content
from mailjet_connector.emulator.rest import responses
from mailjet_connector.emulator.rest.actions import ActionContext
from mailjet_connector.emulator.rest.query import parse_time
from mailjet_connector.emulator.rest.writes import Rules, WriteContext
from mailjet_connector.emulator.send.campaign import (
    DRAFT_RESOURCES,
    STATUS_DRAFT,
    STATUS_PROGRAMMED,
    STATUS_SENT,
    TESTS_KEY,
    check_sendable,
    draft_content,
    schedules,
    send_draft,
    store_draft_content,
)
from mailjet_connector.wire.timestamps import format_timestamp

SENT_DRAFT_ERROR = "This campaign draft has already been sent: it cannot be modified"


class DraftRules(Rules):
    """Drafts share one ID sequence, track ModifiedAt and are frozen once sent."""

    def fill_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        values["ID"] = max(ctx.account.table(name).next_id for name in DRAFT_RESOURCES)
        values["ModifiedAt"] = ctx.now

    def before_update(self, ctx: WriteContext, pos: int, values: dict[str, Any]) -> None:
        ensure_unsent(ctx.table.raw(pos))

    def on_update(self, ctx: WriteContext, pos: int, changes: dict[str, Any]) -> None:
        changes["ModifiedAt"] = ctx.now


def ensure_unsent(draft: dict[str, Any]) -> None:
    """Refuse changes to a sent draft.

    Raises:
        EmulatorError: 400 when the draft's Status is sent or it already has a campaign.
    """
    if int(draft["Status"]) == STATUS_SENT or draft["CampaignID"]:
        raise EmulatorError(400, SENT_DRAFT_ERROR)


def _pos(ctx: ActionContext) -> int:
    assert ctx.pos is not None  # every draft action is item-scoped; the REST endpoint located the draft
    return ctx.pos


def _draft(ctx: ActionContext) -> dict[str, Any]:
    return ctx.account.table(ctx.resource).raw(_pos(ctx))


def _set(ctx: ActionContext, changes: dict[str, Any]) -> None:
    ctx.account.table(ctx.resource).update(_pos(ctx), changes)


def detailcontent(ctx: ActionContext) -> Response:
    """GET/POST/PUT (newsletter also DELETE) `{resource}/{id}/detailcontent`: POST blanks, PUT keeps."""
    name, draft_id = ctx.resource.name, ctx.item_id()

    def save(content: dict[str, Any]) -> None:
        ensure_unsent(_draft(ctx))
        store_draft_content(ctx.account, name, draft_id, content)
        _set(ctx, {"ModifiedAt": ctx.state.clock.now()})

    with ctx.account.lock:
        return serve_content(ctx, draft_content(ctx.account, name, draft_id), save)


def send_test(ctx: ActionContext) -> Response:
    """POST `{resource}/{id}/test` `{"Recipients": [{Email, Name}]}` -> `[{"Status": "Draft"}]`.

    Recorded in `account.extra["campaign_tests"]`; no campaign or message rows are created.
    """
    recipients = _test_recipients(ctx.json())
    with ctx.account.lock:
        check_sendable(ctx.account, ctx.resource.name, _pos(ctx), need_list=False)
        draft = _draft(ctx)
        ctx.account.extra.setdefault(TESTS_KEY, []).append(
            {
                "Resource": ctx.resource.name,
                "DraftID": draft["ID"],
                "Recipients": recipients,
                "Subject": draft["Subject"],
                "Content": draft_content(ctx.account, ctx.resource.name, draft["ID"]),
                "At": ctx.state.clock.now(),
            }
        )
        return responses.envelope([{"Status": _status_name(int(draft["Status"]))}], status=201)


def _test_recipients(body: Any) -> list[dict[str, str]]:
    items = body.get("Recipients") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise EmulatorError(400, 'MJ03 A value for property "Recipients" is required')
    recipients = []
    for item in items:
        email = item.get("Email") if isinstance(item, dict) else None
        if not isinstance(email, str) or "@" not in email.strip()[1:-1]:
            raise EmulatorError(
                400, f'MJ08 Property "Recipients" is invalid: "{email}" is not an email address'
            )
        recipients.append({"Email": email.strip(), "Name": str(item.get("Name") or "")})
    return recipients


def send_now(ctx: ActionContext) -> Response:
    """POST `{resource}/{id}/send` `{}`: checks, then the campaign and its messages exist at once."""
    with ctx.account.lock:
        check_sendable(ctx.account, ctx.resource.name, _pos(ctx))
        schedules(ctx.account, ctx.resource.name).pop(ctx.item_id(), None)
        send_draft(ctx.state, ctx.account, ctx.resource.name, _pos(ctx), ctx.state.clock.now())
    return responses.envelope([{"Status": "programmed"}], status=201)


def schedule(ctx: ActionContext) -> Response:
    """`{resource}/{id}/schedule`: POST/PUT `{"Date": RFC 3339 | "NOW"}`, GET reads, DELETE cancels."""
    pending = schedules(ctx.account, ctx.resource.name)
    with ctx.account.lock:
        draft_id, draft = ctx.item_id(), _draft(ctx)
        if ctx.method == "GET":
            if draft_id not in pending:
                raise EmulatorError(404, "Object not found")
            return responses.envelope([{"Date": format_timestamp(pending[draft_id]), "Status": "programmed"}])
        if ctx.method == "DELETE":
            if draft_id not in pending or int(draft["Status"]) != STATUS_PROGRAMMED:
                raise EmulatorError(
                    400, "The campaign draft is not programmed: there is no schedule to cancel"
                )
            del pending[draft_id]
            _set(ctx, {"Status": STATUS_DRAFT})
            return responses.empty(204)
        at = _schedule_date(ctx.json(), ctx.state.clock.now())
        check_sendable(ctx.account, ctx.resource.name, _pos(ctx))
        pending[draft_id] = at
        _set(ctx, {"Status": STATUS_PROGRAMMED})
        answer = [{"Date": format_timestamp(at), "Status": "programmed"}]
        return responses.envelope(answer, status=201 if ctx.method == "POST" else 200)


def _schedule_date(body: Any, now: int) -> int:
    value = body.get("Date") if isinstance(body, dict) else None
    if value is None or value == "":
        raise EmulatorError(400, 'MJ03 A value for property "Date" is required')
    if isinstance(value, str) and value.strip().upper() == "NOW":
        return now
    at = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str):
        at = parse_time(value)
    if at is None:
        raise EmulatorError(400, 'MJ08 Property "Date" is invalid: expected an RFC 3339 date-time or "NOW"')
    if at < now:
        raise EmulatorError(400, f'The schedule date "{value}" is in the past')
    return at


def status(ctx: ActionContext) -> Response:
    """GET `{resource}/{id}/status` -> `[{"Status": "Draft" | "Programmed" | "Sent" | ...}]`."""
    with ctx.account.lock:
        return responses.envelope([{"Status": _status_name(int(_draft(ctx)["Status"]))}])


def _status_name(code: int) -> str:
    """`draft` -> `Draft`, `AX tested` -> `AXTested` (the catalog's names, in the action's spelling)."""
    words = enums.CAMPAIGNDRAFT_STATUSES.get(code, "unknown").replace(",", "").split()
    return "".join(w if w.isupper() else w.capitalize() for w in words)
