"""v3.1 Send API payloads: what every message of a send shares (Globals) and what each recipient gets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Content", "MessageSpec", "Recipient", "build_payload", "recipient_message"]

SEND_PATH = "/v3.1/send"


@dataclass(frozen=True)
class Content:
    """The body of the messages: a stored template, or inline parts that may hold `{{var:...}}` tags.

    Args:
        template_id: a Mailjet template ID (its parts are rendered by Mailjet with the Variables).
        html: inline HTML part.
        text: inline text part.
    """

    template_id: int | None = None
    html: str | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        if self.template_id is None and self.html is None and self.text is None:
            raise ValueError("no content: give a template ID, an HTML part or a text part")
        if self.template_id is not None and self.html is not None:
            # Mailjet refuses HTMLPart next to a template that has HTML (send-0004): say so before sending.
            raise ValueError("a template ID and an HTML part do not go together")


@dataclass(frozen=True)
class MessageSpec:
    """What every message of one send shares; becomes the call's `Globals`.

    Args:
        from_email: the sender address (an active sender of the account); None lets a template's own
            From header apply.
        content: template or inline parts.
        from_name: the sender's display name.
        subject: the subject; may hold `{{var:...}}` tags.
        custom_campaign: groups the messages under one transactional campaign (CustomCampaign).
        headers: extra SMTP headers (Mailjet forbids some, see mailjet-api.md §5.1).
        variables: Variables shared by every message; a row's own columns win (Mailjet merges per key).
    """

    from_email: str | None
    content: Content
    from_name: str | None = None
    subject: str | None = None
    custom_campaign: str | None = None
    headers: Mapping[str, str] | None = None
    variables: Mapping[str, Any] | None = None

    def globals(self) -> dict[str, Any]:
        """The `Globals` object of the call: From, Subject, content and TemplateLanguage."""
        shared: dict[str, Any] = {"TemplateLanguage": True}
        if self.from_email:
            shared["From"] = {
                "Email": self.from_email,
                **({"Name": self.from_name} if self.from_name else {}),
            }
        if self.subject is not None:
            shared["Subject"] = self.subject
        if self.content.template_id is not None:
            shared["TemplateID"] = self.content.template_id
        if self.content.html is not None:
            shared["HTMLPart"] = self.content.html
        if self.content.text is not None:
            shared["TextPart"] = self.content.text
        if self.custom_campaign:
            shared["CustomCampaign"] = self.custom_campaign
        if self.headers:
            shared["Headers"] = dict(self.headers)
        if self.variables:
            shared["Variables"] = dict(self.variables)
        return shared


@dataclass(frozen=True)
class Recipient:
    """One recipient of a mail merge: one message each.

    Args:
        email: the To address.
        name: the display name ("" for none).
        variables: the row's columns, for `{{var:...}}` tags.
        custom_id: the message's CustomID, used to find it again after a crash.
    """

    email: str
    name: str = ""
    variables: Mapping[str, Any] | None = None
    custom_id: str = ""


def recipient_message(recipient: Recipient) -> dict[str, Any]:
    """The per-recipient part of one message (everything else comes from Globals).

    Args:
        recipient: the recipient.

    Returns:
        `{"To": [...], "Variables": {...}, "CustomID": ...}`, leaving out what is empty.
    """
    to: dict[str, Any] = {"Email": recipient.email}
    if recipient.name:
        to["Name"] = recipient.name
    message: dict[str, Any] = {"To": [to]}
    if recipient.variables:
        message["Variables"] = dict(recipient.variables)
    if recipient.custom_id:
        message["CustomID"] = recipient.custom_id
    return message


def build_payload(
    spec: MessageSpec, recipients: Sequence[Recipient], *, sandbox: bool = False
) -> dict[str, Any]:
    """The body of one `POST /v3.1/send` call.

    Args:
        spec: what the messages share.
        recipients: one message per recipient (the caller keeps to 50 per call: see `batching`).
        sandbox: SandboxMode: Mailjet validates everything and delivers nothing.

    Returns:
        `{"Globals": ..., "Messages": [...], "SandboxMode": ...}`.
    """
    payload: dict[str, Any] = {
        "Globals": spec.globals(),
        "Messages": [recipient_message(r) for r in recipients],
    }
    if sandbox:
        payload["SandboxMode"] = True
    return payload
