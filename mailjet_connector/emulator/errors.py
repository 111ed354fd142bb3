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


OPERATION_NOT_ALLOWED = "Operation not allowed"
METHOD_NOT_ALLOWED = "Method not allowed"


class MethodNotAllowedError(EmulatorError):
    """405 `Method not allowed` with an `Allow` header (the wording of `mailjet/mailjet-apiv3-php-simple#9`)."""

    def __init__(self, allowed: tuple[Verb, ...]) -> None:
        super().__init__(405, METHOD_NOT_ALLOWED)
        self.headers = {"Allow": ", ".join(v.value for v in allowed)}


def operation_not_allowed() -> EmulatorError:
    """A verb the resource does not offer at all (`DELETE contact/{id}`): Mailjet's 401 with a classic body,
    `{"ErrorInfo": "", "ErrorMessage": "Operation not allowed", "StatusCode": 401}` and that reason phrase
    (`mailjet/mailjet-apiv3-php#98`, `mailjet/mailjet-apiv3-nodejs#129`, `mailjet/mailjet-apiv3-dotnet#24`)."""
    return EmulatorError(401, OPERATION_NOT_ALLOWED)


def not_allowed(method: str, resource: Resource, allowed: tuple[Verb, ...]) -> EmulatorError:
    """The error for `method` where only `allowed` is offered.

    A verb missing from the resource's operations is Mailjet's 401 `Operation not allowed`; a verb the
    resource offers but not at this path (PUT or DELETE without an ID, POST on an item, a sub-action's
    other verbs) is 405 `Method not allowed`.
    """
    if method not in (v.value for v in resource.verbs):
        return operation_not_allowed()
    return MethodNotAllowedError(allowed)


def not_found() -> EmulatorError:
    """Mailjet's 404 for an unknown ID or key (§1.5)."""
    return EmulatorError(404, "Object not found")
