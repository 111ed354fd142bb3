"""Agent tools that send: transactional `send` (SandboxMode unless asked live and allowed) and the
`campaign` workflow over campaign drafts (create, content, test, schedule, send, cancel, status)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from mailjet_connector import campaigns
from mailjet_connector.agents.calls import Call
from mailjet_connector.agents.policy import Request, SendInfo
from mailjet_connector.agents.tools import Result, ToolContext, ToolError
from mailjet_connector.catalog import Verb
from mailjet_connector.send.message import Content, MessageSpec, Recipient, build_payload

__all__ = ["TOOLS", "campaign", "send"]

MAX_MESSAGES = 50  # Mailjet's limit per v3.1 call
DRAFT = campaigns.DRAFT
CampaignStep = Literal["create", "content", "test", "schedule", "send", "cancel", "status"]


def _payload(
    messages: list[dict[str, Any]] | None,
    to: list[str] | None,
    spec: dict[str, Any],
) -> dict[str, Any]:
    if messages is not None:
        if to:
            raise ToolError("give either `messages` (v3.1 Messages) or `to`, not both")
        return {"Messages": messages}
    if not to:
        raise ToolError("no recipients: give `to` (email addresses) or `messages`")
    try:
        content = Content(template_id=spec["template_id"], html=spec["html"], text=spec["text"])
    except ValueError as exc:
        raise ToolError(str(exc)) from None
    message = MessageSpec(
        spec["from_email"], content, from_name=spec["from_name"], subject=spec["subject"],
        variables=spec["variables"],
    )  # fmt: skip
    return build_payload(message, [Recipient(email) for email in to])


def _summary(answer: Any, sandbox: bool, recipients: int) -> Result:
    results = []
    for message in answer.get("Messages", []) if isinstance(answer, dict) else []:
        errors = [e.get("ErrorMessage", "") for e in message.get("Errors") or []]
        results.append(
            {
                "status": message.get("Status"),
                "to": [t.get("Email") for t in message.get("To") or []],
                "message_ids": [t.get("MessageID") for t in message.get("To") or []],
                **({"errors": errors} if errors else {}),
            }
        )
    ok = sum(1 for r in results if r["status"] == "success")
    return {
        "sandbox": sandbox,
        "messages": len(results),
        "recipients": recipients,
        "ok": ok,
        "failed": len(results) - ok,
        "results": results,
    }


def send(
    ctx: ToolContext,
    to: list[str] | None = None,
    subject: str | None = None,
    text: str | None = None,
    html: str | None = None,
    template_id: int | None = None,
    from_email: str | None = None,
    from_name: str | None = None,
    variables: dict[str, Any] | None = None,
    messages: list[dict[str, Any]] | None = None,
    live: bool = False,
) -> Result:
    """Send email through the v3.1 Send API. SandboxMode by default: Mailjet validates everything and
    delivers nothing. `live=true` really delivers, only if your policy says `send = "live"`.

    Either the simple form (one message per address in `to`, sharing subject, content, sender and
    variables; `{{var:name}}` tags are filled in), or `messages`: a raw v3.1 Messages array.

    Args:
        to: recipient addresses (simple form).
        subject: the subject.
        text: the text part.
        html: the HTML part.
        template_id: a Mailjet template ID instead of text/html.
        from_email: an active sender of the account.
        from_name: the sender's display name.
        variables: template variables shared by every message.
        messages: v3.1 Messages (advanced form; up to 50).
        live: deliver for real (default false: SandboxMode).
    """
    spec = {
        "subject": subject, "text": text, "html": html, "template_id": template_id,
        "from_email": from_email, "from_name": from_name, "variables": variables,
    }  # fmt: skip
    try:
        payload, problem = _payload(messages, to, spec), None
    except ToolError as exc:
        payload, problem = {"Messages": []}, exc
    if not live:
        payload["SandboxMode"] = True
    # The canonical call: recipients counted and keys spelled the way the policy reads them, whatever the
    # case of the agent's raw `messages`; that same body is what is sent.
    call = ctx.prepare("send", lambda: Call.from_send("v3.1", payload))

    def body() -> Result:
        if problem is not None:
            raise problem
        if not 1 <= len(call.body["Messages"]) <= MAX_MESSAGES:
            raise ToolError(f"a send holds 1 to {MAX_MESSAGES} messages")
        answer = ctx.client.request("POST", call.route.path(), json=call.body)
        return _summary(answer, not live, call.facts.send.recipients if call.facts.send else 0)

    return ctx.run("send", [], body, calls=[call])


def _draft_id(draft_id: int | None) -> int:
    if draft_id is None:
        raise ToolError("give draft_id (from step 'create')")
    return draft_id


def _status(ctx: ToolContext, draft_id: int) -> Result:
    """The draft's status; the schedule date only when the agent may read the send area (where it lives)."""
    if ctx.decide([Request(DRAFT, Verb.GET, action="schedule")]).allowed:
        status = campaigns.draft_status(ctx.client, draft_id)
        return {"draft_id": draft_id, **{k: v for k, v in vars(status).items() if k != "draft_id"}}
    draft = ctx.client.get(DRAFT, draft_id)
    rows = ctx.client.action(DRAFT, "status", draft_id)
    return {
        "draft_id": draft_id,
        "status": str(rows[0].get("Status", "")) if rows else "",
        "subject": draft.get("Subject"),
        "list_id": draft.get("ContactsListID"),
        "campaign_id": draft.get("CampaignID"),
    }


def _send_preview(ctx: ToolContext, draft_id: int) -> Result:
    draft = ctx.client.get(DRAFT, draft_id)
    reach = campaigns.audience(ctx.client, int(draft.get("ContactsListID") or 0))
    return {
        "would_send": {"draft_id": draft_id, "subject": draft.get("Subject"), "list_id": reach.list_id},
        "audience": {"list": reach.name, "active": reach.active, "subscriber_count": reach.subscriber_count},
    }


def _schedule(ctx: ToolContext, draft: int, when: str | None, confirm: str | None) -> Result:
    date = campaigns.parse_when(when or "")
    args = {"step": "schedule", "draft_id": draft, "when": date}
    preview = ctx.confirm(
        "campaign",
        args,
        confirm,
        lambda: {"would_schedule": {"draft_id": draft, "date": date}, **_status(ctx, draft)},
    )
    return preview or {"draft_id": draft, "scheduled": campaigns.schedule(ctx.client, draft, date)}


CAMPAIGN_REQUESTS: dict[str, list[Request]] = {
    "create": [Request("contactslist", Verb.GET), Request(DRAFT, Verb.POST)],
    "content": [Request(DRAFT, Verb.PUT), Request(DRAFT, Verb.POST, action="detailcontent")],
    "test": [Request(DRAFT, Verb.POST, action="test")],
    "schedule": [Request(DRAFT, Verb.GET), Request(DRAFT, Verb.POST, action="schedule")],
    "send": [
        Request(DRAFT, Verb.GET),
        Request("contactslist", Verb.GET),
        Request("listrecipient", Verb.GET),
        Request(DRAFT, Verb.POST, action="send"),
    ],
    "cancel": [Request(DRAFT, Verb.DELETE, action="schedule")],
    "status": [Request(DRAFT, Verb.GET), Request(DRAFT, Verb.GET, action="status")],
}


def campaign(
    ctx: ToolContext,
    step: CampaignStep,
    draft_id: int | None = None,
    contacts_list: str | None = None,
    subject: str | None = None,
    from_email: str | None = None,
    from_name: str | None = None,
    html: str | None = None,
    text: str | None = None,
    mjml: str | None = None,
    to: list[str] | None = None,
    when: str | None = None,
    confirm: str | None = None,
) -> Result:
    """The campaign workflow, one step per call: create (a draft for `contacts_list`, with `subject` and
    `from_email`) -> content (`html`/`text`/`mjml`) -> test (to the `to` addresses) -> schedule (`when`:
    ISO 8601 or "now") or send -> status; cancel un-schedules. schedule and send take two calls: the first
    previews (with the audience) and returns a `confirm` token, the second with `confirm` acts.

    Args:
        step: create | content | test | schedule | send | cancel | status.
        draft_id: the draft (every step but create).
        contacts_list: contacts list ID or exact name (create).
        subject: subject line (create).
        from_email: an active sender (create).
        from_name: sender name (create).
        html: HTML part (content).
        text: text part (content).
        mjml: MJML source (content).
        to: test recipients (test).
        when: ISO 8601 date-time or "now" (schedule).
        confirm: the token from the previewing call (schedule, send).
    """
    client = ctx.client
    test_send = SendInfo(len(to or []), sandbox=False)
    requests = [
        Request(r.resource, r.verb, r.action, send=test_send) if step == "test" else r
        for r in CAMPAIGN_REQUESTS.get(step, [])
    ]
    calls = []
    if step == "create":
        requests = _with_list(ctx, requests, contacts_list)
    elif draft_id is not None and step in CAMPAIGN_REQUESTS:
        # The draft's own list counts for an agent whose lists are limited (looked up before deciding).
        calls = [
            ctx.prepare(f"campaign {step}", lambda r=r: Call.from_parts(r.verb, DRAFT, draft_id, r.action))
            for r in requests
            if r.resource == DRAFT and r.verb != Verb.GET
        ]

    def body() -> Result:
        if step not in CAMPAIGN_REQUESTS:
            raise ToolError(f"unknown step {step!r}; one of {', '.join(CAMPAIGN_REQUESTS)}")
        if step == "create":
            if not (contacts_list and subject and from_email):
                raise ToolError("create needs contacts_list, subject and from_email")
            draft = campaigns.create_draft(
                client, list_ref=contacts_list, subject=subject, from_email=from_email, from_name=from_name
            )
            return {"draft_id": draft["ID"], "list_id": draft.get("ContactsListID"), "status": "Draft"}
        draft = _draft_id(draft_id)
        if step == "content":
            campaigns.set_content(client, draft, html=html, text=text, mjml=mjml)
            return {
                "draft_id": draft,
                "content": [k for k, v in (("html", html), ("text", text), ("mjml", mjml)) if v],
            }
        if step == "test":
            return {
                "draft_id": draft,
                "recipients": len(to or []),
                "status": campaigns.send_test(client, draft, to or []),
            }
        if step == "schedule":
            return _schedule(ctx, draft, when, confirm)
        if step == "send":
            preview = ctx.confirm(
                "campaign", {"step": step, "draft_id": draft}, confirm, lambda: _send_preview(ctx, draft)
            )
            return preview or {"draft_id": draft, "status": campaigns.send_now(client, draft)}
        if step == "cancel":
            campaigns.cancel(client, draft)
            return {"draft_id": draft, "status": "Draft"}
        return _status(ctx, draft)

    return ctx.run(f"campaign {step}", requests, body, calls=calls)


def _with_list(ctx: ToolContext, requests: list[Request], contacts_list: str | None) -> list[Request]:
    """The create step's requests, the draft's POST naming its list when it is given by ID. An agent whose
    lists are limited must give the ID (a name would be resolved after the decision)."""
    ref = (contacts_list or "").strip()
    if ref.isdigit():
        return [replace(r, list_ids=(int(ref),)) if r.verb == Verb.POST else r for r in requests]
    if ctx.agent.limits.allowed_lists is not None and ref:
        problem = f"give contacts_list by ID, not {ref[:40]!r}"
        return [replace(r, lists_problem=problem) if r.verb == Verb.POST else r for r in requests]
    return requests


TOOLS = {"send": send, "campaign": campaign}
