"""`POST /v3/send`: the older Send API with its `Sent` answer and classic 400 errors (mailjet-api.md §5.3).

Property names are matched case-insensitively (the DOC itself spells `Mj-TemplateID` and
`MJ-TemplateErrorReporting`), in nested objects too (`Recipients: [{"email", "name", "vars"}]`). The whole call is validated before anything is sent: one bad message
fails the call (v3 has no per-message results).
"""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import getaddresses, parseaddr
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mailjet_connector.catalog.send import MAX_MESSAGES_V3, MAX_RECIPIENTS_V3
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.rest import responses
from mailjet_connector.emulator.send import http, lookup, plan
from mailjet_connector.emulator.send.effects import Outgoing, Recipient, deliver
from mailjet_connector.emulator.send.validation import null_paths
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.wire.addresses import is_email

MAX_MESSAGES = MAX_MESSAGES_V3
MAX_RECIPIENTS = MAX_RECIPIENTS_V3
TRACKING = {0: "account_default", 1: "disabled", 2: "enabled"}
KINDS = ("to", "cc", "bcc")


def _fail(message: str, status: int = 400) -> EmulatorError:
    return EmulatorError(status, message)


def _flag(value: Any) -> bool:
    """v3 booleans arrive as true/false, 0/1 or "true"/"1"."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "deliver")
    return bool(value)


def _address(text: str) -> tuple[str, str]:
    """(email, name) of `a@b` or `Name <a@b>`; refuses what is not an address."""
    name, email = parseaddr(text)
    if not email or not is_email(email):
        raise _fail(f'Invalid email address "{text}"')
    return email, name


def _headers(m: Mapping[str, Any]) -> dict[str, str]:
    headers = m.get("headers")
    if headers is None:
        return {}
    if not isinstance(headers, dict):
        raise _fail('"Headers" is not JSON object type')
    for name, value in headers.items():
        if not isinstance(value, str):
            raise _fail(f"Header [{name}] is not string type")
        if any(c in name + value for c in "\r\n\0"):
            raise _fail("Invalid characters detected")
    return dict(headers)


def _recipients(m: Mapping[str, Any]) -> list[list[Recipient]]:
    """Recipient groups: one group per message to create (one per Recipients entry, or one shared)."""
    has_smtp = any(m.get(kind) for kind in KINDS)
    if m.get("recipients") is not None and has_smtp:
        raise _fail('"Recipients" can\'t be combined with "To", "Cc" or "Bcc"')
    if m.get("recipients") is not None:
        items = m["recipients"]
        if not isinstance(items, list) or not all(isinstance(r, dict) for r in items):
            raise _fail('"Recipients" is not JSON array type')
        if len(items) > MAX_RECIPIENTS:
            raise _fail("Too many recipients in Recipients")
        return [[_recipient("To", r)] for r in items]
    if not has_smtp:
        raise _fail('Missing "To" or "Recipients" property')
    group: list[Recipient] = []
    for kind in KINDS:
        text = m.get(kind) or ""
        if not isinstance(text, str):
            raise _fail(f'"{kind.capitalize()}" is not string type')
        pairs = [(name, email) for name, email in getaddresses([text]) if email or name]
        if len(pairs) > MAX_RECIPIENTS:
            raise _fail(f"Too many recipients in {kind.capitalize()}")
        for name, email in pairs:
            if not is_email(email):
                raise _fail(f'Invalid email address "{email or name}"')
            group.append(Recipient(kind.capitalize(), email, name))
    return [group]


def _recipient(kind: str, item: Mapping[str, Any]) -> Recipient:
    r = {key.lower(): value for key, value in item.items()}
    email = r.get("email")
    if email is None:
        raise _fail('Missing "Email" property in "Recipients"')  # wording assumed
    if not isinstance(email, str) or not is_email(email.strip()):
        raise _fail(f'Invalid email address "{email}"')
    variables = r.get("vars") or {}
    if not isinstance(variables, dict):
        raise _fail('"Vars" is not JSON object type')
    return Recipient(kind, email.strip(), str(r.get("name") or ""), dict(variables))


def _template(account: Account, m: Mapping[str, Any]) -> int | None:
    given = m.get("mj-templateid")
    if given in (None, ""):
        return None
    found = lookup.find_template_id(account, given)
    if found is None:
        raise _fail(f'Template "{given}" not found')
    return found


def _tracking(m: Mapping[str, Any], key: str) -> str:
    value = m.get(key, 0)
    try:
        return TRACKING[int(value)]
    except (KeyError, TypeError, ValueError):
        raise _fail(f'Invalid value for "{key}": {value}') from None


def _attachments(m: Mapping[str, Any]) -> tuple[int, int]:
    items = [*(m.get("attachments") or ()), *(m.get("inline_attachments") or ())]
    size = sum(len(str(a.get("content", "")).rstrip("=")) * 3 // 4 for a in items if isinstance(a, dict))
    return len(items), size


def parse_message(account: Account, item: Mapping[str, Any]) -> list[Outgoing]:
    """One v3 message object -> the messages to send (one per Recipients entry, else one).

    Raises:
        EmulatorError: a classic 400 (or 403 for an unauthorised sender) describing the first problem.
    """
    if null_paths(item, "message"):
        # v3 refuses a null anywhere in a message with a 500 (mailjet/mailjet-apiv3-php#80, laravel-mailjet#1).
        raise _fail("Cannot convert data from Null value", 500)
    m = {key.lower(): value for key, value in item.items()}
    if not isinstance(m.get("fromemail"), str) or not m["fromemail"].strip():
        raise _fail('Missing "FromEmail" property')
    from_email, from_name = _address(m["fromemail"])
    if lookup.active_sender(account, from_email) is None:
        raise _fail(f'Sender "{from_email}" is not an authorized sender for this account', 403)
    template_id = _template(account, m)
    if not any(m.get(k) for k in ("text-part", "html-part")) and template_id is None:
        raise _fail('Missing "Text-part", "Html-part" or "Mj-TemplateID" property')
    variables = m.get("vars") or {}
    if not isinstance(variables, dict):
        raise _fail('"Vars" is not JSON object type')
    count, size = _attachments(m)
    common = {
        "from_email": from_email,
        "from_name": str(m.get("fromname") or from_name),
        "subject": m.get("subject"),
        "text": m.get("text-part"),
        "html": m.get("html-part"),
        "template_id": template_id,
        "template_language": _flag(m.get("mj-templatelanguage", False)),
        "error_reporting": m.get("mj-templateerrorreporting") or None,
        "error_deliver": _flag(m.get("mj-templateerrordeliver", False)),
        "attachment_count": count,
        "attachment_bytes": size,
        "custom_campaign": str(m.get("mj-campaign") or ""),
        "deduplicate": _flag(m.get("mj-deduplicatecampaign", False)),
        "track_opens": _tracking(m, "mj-trackopen"),
        "track_clicks": _tracking(m, "mj-trackclick"),
        "custom_id": str(m.get("mj-customid") or ""),
        "event_payload": str(m.get("mj-eventpayload") or ""),
        "headers": _headers(m),
        "variables": dict(variables),
    }
    return [Outgoing(recipients=group, **common) for group in _recipients(m)]


def parse_payload(account: Account, payload: Any) -> list[Outgoing]:
    """The whole body (one message, or bulk `Messages`) -> every message to send.

    Raises:
        EmulatorError: the classic error of the first invalid message.
    """
    if not isinstance(payload, dict):
        raise _fail("Invalid json input: expected a JSON object")
    items = next((v for k, v in payload.items() if k.lower() == "messages"), [payload])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise _fail('"Messages" is not JSON array type')
    if len(items) > MAX_MESSAGES:
        raise _fail(f"Too many messages, max allowed is {MAX_MESSAGES}")
    return [out for item in items for out in parse_message(account, item)]


async def send_v3(state: EmulatorState, request: Request, max_payload_bytes: int) -> Response:
    """Serve one `POST /v3/send`.

    Returns:
        200 `{"Sent": [{Email, MessageID, MessageUUID}]}`, a classic error, or REST's empty 401.
    """
    account = http.authenticate(state, request)
    if account is None:
        return responses.unauthorized()
    payload, problem = await http.read_json(request, max_payload_bytes)
    if problem is not None:
        text = "Payload too large" if problem == "too_large" else "Invalid json input"
        return responses.error_response(_fail(text))
    try:
        with account.lock:
            outs = parse_payload(account, payload)
            now = state.clock.now()
            refused = plan.refusal(account, now, sum(len(out.recipients) for out in outs))
            if refused is not None:  # an account plan's cap (send/plan.py): the call is refused whole
                raise _fail(refused, 429)
            sent = [d for out in outs for d in deliver(state, account, out)]
            plan.record(account, now, len(sent))
    except EmulatorError as exc:
        return responses.error_response(exc)
    body = {"Sent": [{"Email": d.email, "MessageID": d.message_id, "MessageUUID": d.uuid} for d in sent]}
    return responses.json_response(body)
