"""Send API v3.1 validation: the property checks of mailjet-api.md §5.1-§5.2 with Mailjet's error codes.

Structural checks (`check_message`) are pure; account rules (senders, templates, categories) are in
`check_account`. Each check returns `SendError`s; a message is sent only when it has none.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from enum import Enum
from typing import Any

from mailjet_connector.catalog.send import (
    FORBIDDEN_HEADERS,
    MAX_ATTACHMENT_BYTES,
    MAX_ITEMS_V31,
    MAX_MESSAGES_V31,
)
from mailjet_connector.emulator.send import lookup
from mailjet_connector.emulator.state import Account
from mailjet_connector.wire.addresses import is_email

_FORBIDDEN = frozenset(h.lower() for h in FORBIDDEN_HEADERS)

MAX_MESSAGES = MAX_MESSAGES_V31  # with >= 1 recipient each, send-0015 fires first
MAX_ITEMS = MAX_ITEMS_V31
MAX_LENGTH = {"Subject": 255, "URLTags": 256}
TRACKING = ("account_default", "disabled", "enabled")
PRIORITIES = range(0, 5)


@dataclass(frozen=True)
class SendError:
    """One error of a v3.1 message (or of the whole call when `body(global_=True)`)."""

    code: str
    message: str
    related: tuple[str, ...] = ()
    status: int = 400

    def body(self, *, global_: bool = False) -> dict[str, Any]:
        """The JSON object Mailjet answers for this error, with a fresh ErrorIdentifier."""
        if global_:
            return {
                "ErrorIdentifier": str(uuid.uuid4()),
                "ErrorCode": self.code,
                "ErrorMessage": self.message,
                "StatusCode": self.status,
            }
        return {
            "ErrorIdentifier": str(uuid.uuid4()),
            "ErrorCode": self.code,
            "StatusCode": self.status,
            "ErrorMessage": self.message,
            "ErrorRelatedTo": list(self.related),
        }


class Kind(Enum):
    """The wire type a message property must have; the value is the name Mailjet's mj-0004 uses."""

    EMAIL = "emailIn"
    EMAILS = "array of emails"
    STR = "string"
    INT = "int"
    BOOL = "bool"
    OBJECT = "object"
    ATTACHMENTS = "array of attachments"


SPEC: dict[str, Kind] = {
    "From": Kind.EMAIL, "Sender": Kind.EMAIL, "ReplyTo": Kind.EMAIL, "TemplateErrorReporting": Kind.EMAIL,
    "To": Kind.EMAILS, "Cc": Kind.EMAILS, "Bcc": Kind.EMAILS,
    "Subject": Kind.STR, "TextPart": Kind.STR, "HTMLPart": Kind.STR, "CustomCampaign": Kind.STR,
    "CustomID": Kind.STR, "EventPayload": Kind.STR, "MonitoringCategory": Kind.STR, "URLTags": Kind.STR,
    "TrackOpens": Kind.STR, "TrackClicks": Kind.STR,
    "TemplateID": Kind.INT, "Priority": Kind.INT,
    "TemplateLanguage": Kind.BOOL, "TemplateErrorDeliver": Kind.BOOL, "DeduplicateCampaign": Kind.BOOL,
    "Attachments": Kind.ATTACHMENTS, "InlinedAttachments": Kind.ATTACHMENTS,
    "Headers": Kind.OBJECT, "Variables": Kind.OBJECT,
}  # fmt: skip

_ATTACHMENT_KEYS = ("ContentType", "Filename", "Base64Content")


def mismatch(path: str, kind: Kind) -> SendError:
    return SendError("mj-0004", f'Type mismatch. Expected type "{kind.value}".', (path,))


def missing(path: str) -> SendError:
    return SendError("mj-0003", f"The {path} is mandatory but missing from the input", (path,))


def _has_type(value: Any, kind: Kind) -> bool:
    if kind is Kind.STR:
        return isinstance(value, str)
    if kind is Kind.INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is Kind.BOOL:
        return isinstance(value, bool)
    if kind in (Kind.EMAIL, Kind.OBJECT):
        return isinstance(value, dict)
    return isinstance(value, list)


def check_address(value: Any, path: str) -> list[SendError]:
    """Checks one `{Email, Name?}` object found at `path` (`From`, `To[0]` ...)."""
    if not isinstance(value, dict):
        return [mismatch(path, Kind.EMAIL)]
    errors: list[SendError] = []
    email = value.get("Email")
    if email is None:
        errors.append(missing(f"{path}.Email"))
    elif not isinstance(email, str):
        errors.append(mismatch(f"{path}.Email", Kind.STR))
    elif not email.strip():
        errors.append(SendError("mj-0012", "Empty string is not allowed.", (f"{path}.Email",)))
    elif not is_email(email.strip()):
        errors.append(SendError("mj-0013", f'"{email}" is an invalid email address.', (f"{path}.Email",)))
    if value.get("Name") is not None and not isinstance(value["Name"], str):
        errors.append(mismatch(f"{path}.Name", Kind.STR))
    return errors


def _check_attachments(name: str, items: list[Any]) -> list[SendError]:
    if len(items) > MAX_ITEMS:
        return [SendError("mj-0008", f"Too many items in {name}. Max allowed is {MAX_ITEMS}.", (name,))]
    keys = (*_ATTACHMENT_KEYS, "ContentID") if name == "InlinedAttachments" else _ATTACHMENT_KEYS
    errors: list[SendError] = []
    for i, item in enumerate(items):
        path = f"{name}[{i}]"
        if not isinstance(item, dict):
            errors.append(SendError("mj-0004", 'Type mismatch. Expected type "attachment".', (path,)))
            continue
        for key in keys:
            value = item.get(key)
            if value is None and key != "ContentID":
                errors.append(missing(f"{path}.{key}"))
            elif value is not None and not isinstance(value, str):
                errors.append(mismatch(f"{path}.{key}", Kind.STR))
            elif value == "":
                errors.append(SendError("mj-0012", "Empty string is not allowed.", (f"{path}.{key}",)))
    return errors


def _check_object(name: str, value: dict[str, Any]) -> list[SendError]:
    if len(value) > MAX_ITEMS:
        return [SendError("mj-0008", f"Too many items in {name}. Max allowed is {MAX_ITEMS}.", (name,))]
    errors: list[SendError] = []
    if name == "Variables":
        # Mailjet refuses null variables: "Property value cannot be null." (mailjet/mailjet-apiv3-php#210;
        # the mj-0003 code is assumed, it covers missing and null values).
        for path in null_paths(value, name):
            errors.append(SendError("mj-0003", "Property value cannot be null.", (path,)))
    if name == "Headers":
        for header, text in value.items():
            path = f'Headers["{header}"]'
            if header.lower() in _FORBIDDEN:
                message = f'The "{header}" header is forbidden. Please use the dedicated message property.'
                errors.append(SendError("send-0011", message, (path,)))
            elif not isinstance(text, str):
                errors.append(mismatch(path, Kind.STR))
    return errors


def null_paths(value: Any, path: str) -> list[str]:
    """The paths (`Variables["a"]["b"]`, `Vars["c"][0]`) of the nulls inside an object or array."""
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _null_at(item, f'{path}["{key}"]')]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _null_at(item, f"{path}[{i}]")]
    return []


def _null_at(value: Any, path: str) -> list[str]:
    return [path] if value is None else null_paths(value, path)


def _check_value(name: str, kind: Kind, value: Any) -> list[SendError]:
    """Type, then value rules, of one known property that is present and not null."""
    if not _has_type(value, kind):
        return [mismatch(name, kind)]
    if kind is Kind.EMAIL:
        return check_address(value, name)
    if kind is Kind.EMAILS:
        if not value and name == "To":
            return [SendError("mj-0007", "The To array must not be empty.", (name,))]
        return [e for i, item in enumerate(value) for e in check_address(item, f"{name}[{i}]")]
    if kind is Kind.ATTACHMENTS:
        return _check_attachments(name, value)
    if kind is Kind.OBJECT:
        return _check_object(name, value)
    if name in ("TrackOpens", "TrackClicks") and value not in TRACKING:
        allowed = ", ".join(TRACKING)
        return [SendError("mj-0005", f'Value "{value}" is not allowed. Allowed values: {allowed}.', (name,))]
    if name == "Priority" and value not in PRIORITIES:
        allowed = ", ".join(str(p) for p in PRIORITIES)
        return [SendError("mj-0005", f'Value "{value}" is not allowed. Allowed values: {allowed}.', (name,))]
    if name in MAX_LENGTH and len(value) > MAX_LENGTH[name]:
        limit = MAX_LENGTH[name]
        return [SendError("mj-0006", f"{name} is too long. Max allowed length is {limit}.", (name,))]
    return []


def attachment_bytes(message: Mapping[str, Any]) -> int:
    """Decoded size of all attachments of a message (base64: 3 bytes per 4 characters)."""
    total = 0
    for name in ("Attachments", "InlinedAttachments"):
        for item in message.get(name) or ():
            content = item.get("Base64Content") if isinstance(item, dict) else None
            if isinstance(content, str):
                total += len(content.rstrip("=")) * 3 // 4
    return total


def present(message: Mapping[str, Any], name: str) -> bool:
    """Whether a property is given with a non-null, non-empty value."""
    return message.get(name) not in (None, "")


def check_message(message: Mapping[str, Any]) -> list[SendError]:
    """Every structural check of one (Globals-merged) message; no account state needed.

    Args:
        message: the message object after merging Globals.

    Returns:
        The errors, empty when the message is well formed.
    """
    errors: list[SendError] = []
    for name, kind in SPEC.items():
        if message.get(name) is not None:
            errors.extend(_check_value(name, kind, message[name]))
    if message.get("To") is None:
        errors.append(missing("To"))
    if not any(present(message, name) for name in ("TextPart", "HTMLPart", "TemplateID")):
        text = 'At least "HTMLPart", "TextPart" or "TemplateID" must be provided.'
        errors.append(SendError("send-0003", text, ("TextPart", "HTMLPart", "TemplateID")))
    if message.get("DeduplicateCampaign") is True and not present(message, "CustomCampaign"):
        text = '"DeduplicateCampaign" can only be set with a "CustomCampaign".'
        errors.append(SendError("send-0012", text, ("CustomCampaign", "DeduplicateCampaign")))
    reporting = message.get("TemplateErrorReporting") is not None or message.get("TemplateErrorDeliver")
    if reporting and message.get("TemplateLanguage") is not True:
        text = '"TemplateErrorReporting" and "TemplateErrorDeliver" require "TemplateLanguage" to be true.'
        errors.append(SendError("send-0016", text, ("TemplateLanguage",)))
    if attachment_bytes(message) > MAX_ATTACHMENT_BYTES:
        text = "The attachments are too large. Max allowed size is 15 MB."
        errors.append(SendError("mj-0011", text, ("Attachments", "InlinedAttachments")))
    return errors


def _bad(errors: Iterable[SendError], name: str) -> bool:
    return any(name in e.related or any(r.startswith(f"{name}.") for r in e.related) for e in errors)


def check_account(account: Account, message: Mapping[str, Any], found: list[SendError]) -> list[SendError]:
    """The rules that need the account: template ownership, authorised senders, monitoring categories.

    Args:
        account: the caller's account.
        message: the Globals-merged message.
        found: errors already found by `check_message` (properties with type errors are not re-checked).

    Returns:
        The additional errors.
    """
    errors: list[SendError] = []
    template_headers: Mapping[str, Any] = {}
    template_id = message.get("TemplateID")
    if isinstance(template_id, int) and not _bad(found, "TemplateID"):
        errors.extend(_check_template(account, message, template_id))
        content = lookup.template_content(account, template_id) or {}
        headers = content.get("Headers")
        template_headers = headers if isinstance(headers, dict) else {}
    errors.extend(_check_from(account, message, template_headers, found))
    if message.get("Sender") is not None and not _bad(found, "Sender"):
        errors.extend(_check_sender(account, message["Sender"]["Email"]))
    category = message.get("MonitoringCategory")
    if isinstance(category, str) and category and category not in lookup.monitoring_categories(account):
        text = f'Unknown MonitoringCategory "{category}".'
        errors.append(SendError("send-0013", text, ("MonitoringCategory",)))
    return errors


def _check_template(account: Account, message: Mapping[str, Any], template_id: int) -> list[SendError]:
    if not lookup.owns_template(account, template_id):
        text = (
            f"The template {template_id} can't be used with this API key. Please verify the template's owner."
        )
        return [SendError("send-0010", text, ("TemplateID",))]
    content = lookup.template_content(account, template_id) or {}
    errors: list[SendError] = []
    if present(message, "HTMLPart") and content.get("Html-part"):
        text = '"HTMLPart" can\'t be provided together with a template that has an HTML part.'
        errors.append(SendError("send-0004", text, ("HTMLPart", "TemplateID")))
    headers = content.get("Headers")
    for header, value in (headers if isinstance(headers, dict) else {}).items():
        if not isinstance(value, str):
            text = 'Wrong type for template header, expected type "string"'
            errors.append(SendError("send-0019", text, (f'Headers["{header}"]',)))
    return errors


def _check_from(
    account: Account, message: Mapping[str, Any], template_headers: Mapping[str, Any], found: list[SendError]
) -> list[SendError]:
    if _bad(found, "From"):
        return []
    email = from_address(message, template_headers)[0]
    if email is None:
        return [missing("From")]
    if lookup.active_sender(account, email) is None:
        text = f'The sender "{email}" is not an authorised sender of this account. Validate it first.'
        return [SendError("send-0008", text, ("From",), status=403)]
    return []


def _check_sender(account: Account, email: str) -> list[SendError]:
    if not lookup.sender_header_allowed(account):
        text = 'This API key is not allowed to use the "Sender" property. Please contact support.'
        return [SendError("send-0006", text, ("SenderID",), status=403)]
    if lookup.active_sender(account, email) is None:
        return [SendError("send-0007", f'The sender "{email}" is not validated.', ("SenderID",), status=403)]
    return []


def from_address(message: Mapping[str, Any], template_headers: Mapping[str, Any]) -> tuple[str | None, str]:
    """The From email and name: the message's `From`, else the template's `From` header.

    Returns:
        (email or None when neither gives one, name or "").
    """
    given = message.get("From")
    if isinstance(given, dict) and isinstance(given.get("Email"), str):
        return given["Email"].strip(), str(given.get("Name") or "")
    header = template_headers.get("From")
    if isinstance(header, str) and header.strip():
        name, email = parseaddr(header)
        return (email or None), name
    return None, ""
