"""The whole exception tree of mailjet-connector.

```
MailjetError                      root: catch this to catch everything the library raises
 +-- ConfigError                  missing or invalid settings (never retriable)
 +-- TransportError               no usable HTTP answer: connect, timeout, protocol, truncated body
 |    +-- ResponseDecodeError     the server answered 2xx but the body is not the JSON it announced
 +-- APIError                     the server answered with an error status
 |    +-- InvalidRequestError     400 (MJ18 duplicates included: see `mailjet_code`)
 |    +-- AuthenticationError     401 bad key or secret, or wrong region
 |    +-- PermissionDeniedError   403
 |    +-- NotFoundError           404
 |    +-- RateLimitError          429 (retriable; Mailjet sends no Retry-After)
 |    +-- ServerError             5xx (retriable)
 +-- WebhookAuthError             a webhook call failed the receiver's shared-secret check
```

Every class says whether it is `retriable`; the retry policy reads that flag and nothing else. Status codes
map to classes in exactly one place, `error_class_for_status`. `str(error)` is one line and never holds a
secret: errors carry the request method and path (no query string, no credentials).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

__all__ = [
    "APIError",
    "AuthenticationError",
    "ConfigError",
    "InvalidRequestError",
    "MailjetError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseDecodeError",
    "ServerError",
    "TransportError",
    "WebhookAuthError",
    "error_class_for_status",
]

_MJ_CODE = re.compile(r"^\s*(MJ\d{2,3})\b")


class MailjetError(Exception):
    """Root of every error the library raises."""

    retriable: ClassVar[bool] = False


class ConfigError(MailjetError):
    """Missing or invalid settings (no credentials, bad base URL, bad rate-limit spelling...)."""


class WebhookAuthError(MailjetError):
    """A webhook request failed the receiver's authentication check."""


class TransportError(MailjetError):
    """No usable HTTP answer: connection refused, timeout, reset, truncated body.

    Args:
        message: what happened (already free of secrets).
        method: the request method.
        path: the request path (no query string).
        reached_server: False when the request certainly never reached the server (connect failures),
            which makes even a creating POST safe to retry; True or None otherwise.
    """

    retriable: ClassVar[bool] = True

    def __init__(self, message: str, *, method: str = "", path: str = "", reached_server: bool | None = None):
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.reached_server = reached_server

    def __str__(self) -> str:
        where = f" ({self.method} {self.path})" if self.method else ""
        return f"{self.message}{where}"


class ResponseDecodeError(TransportError):
    """A 2xx answer whose body is not valid JSON (a truncated or corrupted response)."""


class APIError(MailjetError):
    """The server answered with an error status.

    Args:
        status: the HTTP status.
        message: Mailjet's ErrorMessage (a string; structured messages are rendered as compact JSON).
        method: the request method.
        path: the request path, without query string or credentials.
        info: Mailjet's ErrorInfo ("" or a structure).
        code: ErrorCode (v3.1 / newer services, e.g. "mj-0002").
        identifier: ErrorIdentifier (a UUID Mailjet support can trace).
        related_to: ErrorRelatedTo (the properties the error is about).
        body: the decoded error body, for callers that need more.
    """

    status_code: ClassVar[int | None] = None

    def __init__(
        self,
        status: int,
        message: str,
        *,
        method: str = "",
        path: str = "",
        info: Any = "",
        code: str | None = None,
        identifier: str | None = None,
        related_to: list[str] | None = None,
        body: Any = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.method = method
        self.path = path
        self.info = info
        self.code = code
        self.identifier = identifier
        self.related_to = related_to or []
        self.body = body

    @property
    def mailjet_code(self) -> str | None:
        """The code Mailjet puts at the start of some messages ("MJ18" for duplicates), else ErrorCode."""
        found = _MJ_CODE.match(self.message or "")
        return found.group(1) if found else self.code

    def __str__(self) -> str:
        line = f"{self.status} {self.method} {self.path}".rstrip()
        if self.message:
            line += f": {self.message}"
        if self.code:
            line += f" [{self.code}]"
        if self.identifier:
            line += f" (id {self.identifier})"
        return line


class InvalidRequestError(APIError):
    """400: bad parameters or body, validation failure, duplicate unique key (MJ18)."""

    status_code = 400

    @property
    def is_duplicate(self) -> bool:
        """True for Mailjet's MJ18 "... already exists" answers."""
        return self.mailjet_code == "MJ18"


class AuthenticationError(APIError):
    """401: the API key or secret is wrong, suspended, or belongs to another region."""

    status_code = 401


class PermissionDeniedError(APIError):
    """403: the key may not use this resource or action."""

    status_code = 403


class NotFoundError(APIError):
    """404: unknown resource ID or key."""

    status_code = 404


class RateLimitError(APIError):
    """429: too many requests. Mailjet sends no Retry-After, so `retry_after` is usually None."""

    status_code = 429
    retriable = True

    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


class ServerError(APIError):
    """5xx: Mailjet failed; retrying later usually works (not for 501 Not Implemented, which is final)."""

    @property
    def retriable(self) -> bool:  # type: ignore[override]
        return self.status != 501


_BY_STATUS: dict[int, type[APIError]] = {
    cls.status_code: cls
    for cls in (
        InvalidRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        RateLimitError,
    )
    if cls.status_code is not None
}


def error_class_for_status(status: int) -> type[APIError]:
    """The error class for an HTTP error status: the one place statuses map to meanings.

    Args:
        status: an HTTP status >= 400.

    Returns:
        The most specific `APIError` subclass (`APIError` itself for unmapped 4xx such as 405).
    """
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, APIError)
