"""The `contacts` agent tool: provisioning by email (subscribe, unsubscribe, exclude, include, forget)."""

from __future__ import annotations

from typing import Literal

from mailjet_connector.agents.policy import Request
from mailjet_connector.agents.tools import Result, ToolContext, ToolError
from mailjet_connector.catalog import Area, Verb
from mailjet_connector.contacts import provision
from mailjet_connector.errors import NotFoundError

__all__ = ["TOOLS", "contacts"]

MAX_EMAILS = 100  # per call: provisioning is one API call per email
ContactAction = Literal["subscribe", "unsubscribe", "exclude", "include", "forget"]
ACTIONS = ("subscribe", "unsubscribe", "exclude", "include", "forget")


def _requests(action: str, list_id: int | None) -> list[Request]:
    """What each action may call, for the policy (all must be allowed before the first call)."""
    lists = (list_id,) if list_id is not None else ()
    manage = Request("contact", Verb.POST, action="managecontactslists", list_ids=lists)
    return {
        # An unknown contact is created before it is subscribed.
        "subscribe": [manage, Request("contact", Verb.POST)],
        "unsubscribe": [manage],
        "exclude": [Request("contact", Verb.PUT)],
        "include": [Request("contact", Verb.PUT)],
        # The contact ID is looked up by email, then `DELETE /v4/contacts/{id}`.
        "forget": [Request("contact", Verb.GET), Request(None, Verb.DELETE, area=Area.CONTACTS)],
    }.get(action, [])


def _forget_preview(ctx: ToolContext, emails: list[str]) -> Result:
    found, unknown = [], []
    for email in emails:
        try:
            found.append({"email": email, "contact_id": ctx.client.get("contact", email)["ID"]})
        except NotFoundError:
            unknown.append(email)
    return {"would_forget": found, "unknown": unknown, "count": len(found), "irreversible": True}


def contacts(
    ctx: ToolContext,
    action: ContactAction,
    emails: list[str],
    list_id: int | None = None,
    force: bool = True,
    confirm: str | None = None,
) -> Result:
    """Provision contacts by email: subscribe / unsubscribe to a contacts list (`list_id`), exclude from or
    include in marketing campaigns, or forget (GDPR delete: irreversible; two calls, the first lists the
    contacts found and returns a `confirm` token, the second with `confirm` deletes).

    Args:
        action: subscribe | unsubscribe | exclude | include | forget.
        emails: the contacts' addresses (up to 100).
        list_id: the contacts list (subscribe, unsubscribe).
        force: subscribe even contacts who unsubscribed before (subscribe; default true).
        confirm: the token from the first forget call.
    """
    wanted = list(dict.fromkeys(e.strip() for e in emails if e.strip()))

    def body() -> Result:
        if action not in ACTIONS:
            raise ToolError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
        if not 1 <= len(wanted) <= MAX_EMAILS:
            raise ToolError(f"give 1 to {MAX_EMAILS} email addresses")
        if action in ("subscribe", "unsubscribe") and list_id is None:
            raise ToolError(f"{action} needs list_id")
        if action == "forget":
            preview = ctx.confirm("contacts", {"action": action, "emails": wanted}, confirm,
                                  lambda: _forget_preview(ctx, wanted))  # fmt: skip
            if preview is not None:
                return preview
        outcomes = {
            "subscribe": lambda: provision.subscribe(ctx.client, wanted, list_id or 0, force=force),
            "unsubscribe": lambda: provision.unsubscribe(ctx.client, wanted, list_id or 0),
            "exclude": lambda: provision.exclude(ctx.client, wanted),
            "include": lambda: provision.include(ctx.client, wanted),
            "forget": lambda: provision.forget(ctx.client, wanted),
        }[action]()
        ok = sum(1 for o in outcomes if o.ok)
        return {
            "action": action,
            "count": len(outcomes),
            "ok": ok,
            "failed": len(outcomes) - ok,
            "results": [{"email": o.email, "ok": o.ok, "detail": o.detail} for o in outcomes],
        }

    return ctx.run(f"contacts {action}", _requests(action, list_id), body)


TOOLS = {"contacts": contacts}
