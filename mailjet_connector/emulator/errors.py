"""Errors the emulator answers with, in Mailjet's own shapes (mailjet-api.md §1.4-§1.5)."""

from __future__ import annotations

from typing import Any

from mailjet_connector.catalog import Resource, Verb


class EmulatorError(Exception):
    """An error answer. Raise it anywhere below a route; the app renders it as Mailjet would.

    Args:
        status: HTTP status.
        message: Mailjet's ErrorMessage (a string, or an object for managecontactslists-style errors).
        info: Mailjet's ErrorInfo ("" by default; an object for managecontact property errors).
        style: "classic" (`{ErrorInfo, ErrorMessage, StatusCode}`, reason phrase = message) or
            "modern" (`{ErrorIdentifier, StatusCode, ErrorMessage[, ErrorCode]}`, compact JSON).
        code: ErrorCode for modern errors (mj-0002 ...).
    """

    def __init__(
        self,
        status: int,
        message: Any,
        *,
        info: Any = "",
        style: str = "classic",
        code: str | None = None,
    ) -> None:
        super().__init__(message if isinstance(message, str) else str(message))
        self.status = status
        self.message = message
        self.info = info
        self.style = style
        self.code = code


class NotAllowedError(EmulatorError):
    """405 for a verb the resource (or action) does not offer, with an `Allow` header; wording assumed (§9)."""

    def __init__(self, method: str, resource: Resource, allowed: tuple[Verb, ...]) -> None:
        super().__init__(405, f'Method "{method}" is not allowed on resource "{resource.mailjet_name}"')
        self.headers = {"Allow": ", ".join(v.value for v in allowed)}


def not_allowed(method: str, resource: Resource, allowed: tuple[Verb, ...]) -> EmulatorError:
    """The 405 error for `method` on `resource`, listing the verbs it does allow."""
    return NotAllowedError(method, resource, allowed)


def not_found() -> EmulatorError:
    """Mailjet's 404 for an unknown ID or key (§1.5)."""
    return EmulatorError(404, "Object not found")
