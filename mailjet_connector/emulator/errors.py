"""Errors the emulator answers with, in Mailjet's own shapes (mailjet-api.md §1.4-§1.5)."""

from __future__ import annotations

from typing import Any


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
