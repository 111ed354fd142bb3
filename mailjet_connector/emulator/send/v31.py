"""`POST /v3.1/send`: per-message validation and results, Globals, SandboxMode (mailjet-api.md §5.1-§5.2)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mailjet_connector.catalog.send import MAX_MESSAGES_V31 as MAX_MESSAGES
from mailjet_connector.catalog.send import MAX_RECIPIENTS_PER_CALL
from mailjet_connector.emulator.send import http, lookup, plan
from mailjet_connector.emulator.send.effects import Delivery, Outgoing, Recipient, deliver, sandbox_deliveries
from mailjet_connector.emulator.send.validation import (
    SendError,
    attachment_bytes,
    check_account,
    check_message,
    from_address,
)
from mailjet_connector.emulator.state import Account, EmulatorState

MALFORMED = SendError("mj-0002", "Malformed JSON, please review the syntax and properties types.")
TOO_LARGE = SendError("mj-0011", "The payload is too large.")
TOO_MANY_RECIPIENTS = SendError(
    "send-0015", "Total number of recipients exceeded. Max allowed - 50.", ("To", "Bcc", "Cc")
)
RECIPIENT_KINDS = ("To", "Cc", "Bcc")
MERGED_OBJECTS = ("Headers", "Variables")  # Globals and message values are merged key by key


def global_error(error: SendError) -> Response:
    """An error about the whole call: no `Messages` key in the answer (§5.2)."""
    return http.modern_response(error.body(global_=True), error.status)


def root_error(payload: Any) -> SendError | None:
    """The global error of a payload whose root is not a valid v3.1 request, or None."""
    if not isinstance(payload, dict):
        return MALFORMED
    messages = payload.get("Messages")
    if messages is None:
        return SendError("mj-0003", "The Messages is mandatory but missing from the input", ("Messages",))
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        return MALFORMED
    for flag in ("SandboxMode", "AdvanceErrorHandling"):
        if payload.get(flag) is not None and not isinstance(payload[flag], bool):
            return MALFORMED
    if payload.get("Globals") is not None and not isinstance(payload["Globals"], dict):
        return MALFORMED
    if not messages:
        return SendError("mj-0007", "The Messages array must not be empty.", ("Messages",))
    return None


def merge_globals(globals_: Mapping[str, Any], message: Mapping[str, Any]) -> dict[str, Any]:
    """A message with Globals applied: the message's own values win; Headers/Variables merge per key."""
    merged = {**globals_, **message}
    for key in MERGED_OBJECTS:
        shared, own = globals_.get(key), message.get(key)
        if isinstance(shared, dict) and isinstance(own, dict):
            merged[key] = {**shared, **own}
    return merged


def recipient_count(message: Mapping[str, Any]) -> int:
    """Distinct addresses over To, Cc and Bcc (an address in two of them counts once, §5.1)."""
    seen: set[str] = set()
    for kind in RECIPIENT_KINDS:
        items = message.get(kind)
        for item in items if isinstance(items, list) else ():
            email = item.get("Email") if isinstance(item, dict) else None
            seen.add(email.strip().lower() if isinstance(email, str) else f"#{len(seen)}")
    return len(seen)


def outgoing(account: Account, message: Mapping[str, Any]) -> Outgoing:
    """A valid v3.1 message as the effects' common form."""
    template_id = message.get("TemplateID")
    content = lookup.template_content(account, template_id) if template_id else None
    headers = (content or {}).get("Headers")
    from_email, from_name = from_address(message, headers if isinstance(headers, dict) else {})
    recipients = [
        Recipient(kind, item["Email"].strip(), item.get("Name") or "")
        for kind in RECIPIENT_KINDS
        for item in message.get(kind) or ()
    ]
    reporting = message.get("TemplateErrorReporting")
    return Outgoing(
        from_email=from_email or "",
        from_name=from_name,
        recipients=recipients,
        subject=message.get("Subject"),
        text=message.get("TextPart"),
        html=message.get("HTMLPart"),
        template_id=template_id,
        template_language=message.get("TemplateLanguage") is True,
        error_reporting=reporting["Email"] if reporting else None,
        error_deliver=message.get("TemplateErrorDeliver") is True,
        attachment_count=len(message.get("Attachments") or ()) + len(message.get("InlinedAttachments") or ()),
        attachment_bytes=attachment_bytes(message),
        custom_campaign=message.get("CustomCampaign") or "",
        deduplicate=message.get("DeduplicateCampaign") is True,
        track_opens=message.get("TrackOpens") or "account_default",
        track_clicks=message.get("TrackClicks") or "account_default",
        custom_id=message.get("CustomID") or "",
        event_payload=message.get("EventPayload") or "",
        headers=dict(message.get("Headers") or {}),
        variables=dict(message.get("Variables") or {}),
    )


def success_entry(message: Mapping[str, Any], deliveries: list[Delivery]) -> dict[str, Any]:
    """The `{"Status":"success", ...}` result of one message: one entry per recipient and kind."""
    entry: dict[str, Any] = {"Status": "success", "CustomID": message.get("CustomID") or ""}
    for kind in RECIPIENT_KINDS:
        entry[kind] = [
            {
                "Email": d.email,
                "MessageUUID": d.uuid,
                "MessageID": d.message_id,
                "MessageHref": http.MESSAGE_HREF.format(id=d.message_id),
            }
            for d in deliveries
            if d.kind == kind
        ]
    return entry


def process(
    state: EmulatorState, account: Account, message: Mapping[str, Any], sandbox: bool
) -> tuple[dict[str, Any], list[SendError]]:
    """Validate one message and, when valid and not in sandbox, send it.

    Returns:
        (its result entry, its errors).
    """
    errors = check_message(message)
    errors += check_account(account, message, errors)
    if errors:
        return {"Status": "error", "Errors": [e.body() for e in errors]}, errors
    out = outgoing(account, message)
    if sandbox:
        return success_entry(message, sandbox_deliveries(out)), []
    deliveries = deliver(state, account, out)
    plan.record(account, state.clock.now(), len(deliveries))
    return success_entry(message, deliveries), []


def overall_status(failures: list[SendError]) -> int:
    """HTTP status of the call: 200 when all messages passed; the errors' common status, else 400."""
    if not failures:
        return 200
    statuses = {e.status for e in failures}
    return statuses.pop() if len(statuses) == 1 else 400


async def send_v31(state: EmulatorState, request: Request, max_payload_bytes: int) -> Response:
    """Serve one `POST /v3.1/send`.

    Args:
        state: the emulator state.
        request: the HTTP request.
        max_payload_bytes: bodies above this get mj-0011.

    Returns:
        Mailjet's answer: the Messages results, a global error or the v3.1 401 body.
    """
    account = http.authenticate(state, request)
    if account is None:
        return http.v31_unauthorized()
    payload, problem = await http.read_json(request, max_payload_bytes)
    if problem is not None:
        return global_error(TOO_LARGE if problem == "too_large" else MALFORMED)
    error = root_error(payload)
    if error is not None:
        return global_error(error)
    globals_ = payload.get("Globals") or {}
    messages = [merge_globals(globals_, m) for m in payload["Messages"]]
    if sum(recipient_count(m) for m in messages) > MAX_RECIPIENTS_PER_CALL:
        # The limit is per call: nothing is sent, every message carries the error (assumed, §5.1).
        body = {"Messages": [{"Status": "error", "Errors": [TOO_MANY_RECIPIENTS.body()]} for _ in messages]}
        return http.modern_response(body, 400)
    if len(messages) > MAX_MESSAGES:
        text = f"Too many items in Messages. Max allowed is {MAX_MESSAGES}."
        return global_error(SendError("mj-0008", text, ("Messages",)))
    sandbox = payload.get("SandboxMode") is True
    entries: list[dict[str, Any]] = []
    failures: list[SendError] = []
    with account.lock:
        emails = sum(recipient_count(m) for m in messages)
        refused = None if sandbox else plan.refusal(account, state.clock.now(), emails)
        if refused is not None:  # an account plan's cap (send/plan.py): the call is refused whole
            body = {"ErrorIdentifier": str(uuid.uuid4()), "StatusCode": 429, "ErrorMessage": refused}
            return http.modern_response(body, 429)
        for message in messages:
            entry, errors = process(state, account, message, sandbox)
            entries.append(entry)
            failures.extend(errors[:1])
    return http.modern_response({"Messages": entries}, overall_status(failures))
