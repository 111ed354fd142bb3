"""The whole exception tree of mailjet-connector: every error the library raises is a `MailjetError`.

```
MailjetError                        root: catch this to catch everything the library raises
 +-- ConfigError                    missing or invalid settings or options (never retriable)
 |    +-- UnknownResourceError      a name not in the catalog, or not usable here (also a KeyError)
 |    +-- PolicyError               the agents policy file is missing, invalid, or names no such agent
 |    +-- AccountsError             the accounts file is missing or invalid, or names no such account
 |    +-- DatasetAccountError       the dataset holds another account's data (one dataset, one account)
 |    +-- DatasetBusyError          another run is writing this dataset (a lock per dataset)
 +-- InputError                     the user's input cannot be used (also a ValueError)
 |    +-- SourceError               rows cannot be read: missing file, unknown format, malformed line
 |    +-- PlanError                 rows cannot be planned into writes (no key column, unknown columns...)
 |    +-- CoerceError               a cell does not fit its field's type
 |    +-- PayloadError              a webhook body or event without the documented shape
 |    +-- QueryError                SQL refused or failed: no dataset there, bad SQL, database unreachable
 |    +-- ListNotFoundError         no contacts list (or no single one) has this ID or name
 |    +-- CampaignError             a campaign step cannot go on: no content, no test address, bad date
 |    +-- MappingError              a two-way mapping file cannot be used (unknown key, bad direction...)
 +-- TransportError                 no usable HTTP answer: connect, timeout, protocol, truncated body
 |    +-- ResponseDecodeError       the server answered 2xx but the body is not the JSON it announced
 |    +-- UpstreamError             the agents gateway's call to Mailjet got no usable answer
 |         +-- UpstreamConnectError no connection (refused, unreachable, DNS or TLS failure)
 |         +-- UpstreamTimeout      no connection, acceptance or answer in time
 |         +-- UpstreamProtocolError closed early, or an answer that is not HTTP/1.1
 +-- APIError                       the server answered with an error status
 |    +-- InvalidRequestError       400 (MJ18 duplicates included: see `mailjet_code`)
 |    +-- AuthenticationError       401 bad key or secret, or wrong region
 |    +-- PermissionDeniedError     403
 |    +-- NotFoundError             404
 |    +-- RateLimitError            429 (retriable; Mailjet sends no Retry-After)
 |    +-- ServerError               5xx (retriable)
 +-- JobTimeoutError                a bulk job did not finish in time (it may still: re-run to pick it up)
 +-- SyncError                      a sync step (extract, normalize, load) failed for a non-API reason
 +-- ToolError                      an agent tool call failed; the message is meant for the agent
 |    +-- ToolDenied                the policy refused the call; nothing reached Mailjet
 |    +-- ConfirmationError         a confirmation token unknown, expired, used, or for another call
 +-- WebhookAuthError               a webhook call failed the receiver's shared-secret check
```

Every class says whether it is `retriable`; the retry policy reads that flag and nothing else. Status codes
map to classes in exactly one place, `error_class_for_status`. `str(error)` is one line and never holds a
secret: errors carry the request method and path (no query string, no credentials). Exit codes and the
messages a person reads are the CLI's business (`mailjet_connector/cli/exits.py`), not the library's.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any, ClassVar

__all__ = [
    "APIError",
    "AccountsError",
    "AuthenticationError",
    "CampaignError",
    "CoerceError",
    "ConfigError",
    "ConfirmationError",
    "DatasetAccountError",
    "DatasetBusyError",
    "InputError",
    "InvalidRequestError",
    "JobTimeoutError",
    "ListNotFoundError",
    "MailjetError",
    "MappingError",
    "NotFoundError",
    "PayloadError",
    "PermissionDeniedError",
    "PlanError",
    "PolicyError",
    "QueryError",
    "RateLimitError",
    "ResponseDecodeError",
    "ServerError",
    "SourceError",
    "SyncError",
    "ToolDenied",
    "ToolError",
    "TransportError",
    "UnknownResourceError",
    "UpstreamConnectError",
    "UpstreamError",
    "UpstreamProtocolError",
    "UpstreamTimeout",
    "WebhookAuthError",
    "did_you_mean",
    "error_class_for_status",
]

_MJ_CODE = re.compile(r"^\s*(MJ\d{2,3})\b")


class MailjetError(Exception):
    """Root of every error the library raises."""

    retriable: ClassVar[bool] = False


class ConfigError(MailjetError):
    """Missing or invalid settings (no credentials, bad base URL, bad rate-limit spelling...)."""


class UnknownResourceError(ConfigError, KeyError):
    """A name that is not in the catalog, or a catalog name this command cannot use (and why).

    Args:
        name: the name given.
        choices: the names that would have been accepted, for a "did you mean" suggestion.
        reason: why a known name is refused here (e.g. "computed on demand: sync cannot read it");
            None for a name the catalog does not know.
    """

    def __init__(self, name: str, choices: Iterable[str] = (), *, reason: str | None = None):
        super().__init__(name)
        self.name = name
        self.reason = reason
        self.suggestion = did_you_mean(name, choices)

    def __str__(self) -> str:
        if self.reason:
            return f"{self.name!r} cannot be used here: {self.reason}"
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        return f"unknown resource {self.name!r}{hint} (`mailjet-connector resources` lists them)"


class PolicyError(ConfigError):
    """The policy file is missing or invalid, or names no such agent; the message is one line."""


class AccountsError(ConfigError):
    """The accounts file is missing or invalid, a credential it points to cannot be read, or no such account."""


class DatasetAccountError(ConfigError):
    """The dataset was synced from another account: one dataset holds one account's data.

    The message names the dataset and says how to sync into another one; it carries account identities
    (hashes of the API keys), never a key or a secret.
    """


class DatasetBusyError(ConfigError):
    """Another run (a sync of the same dataset) holds the dataset's lock; this one refuses to start."""


class InputError(MailjetError, ValueError):
    """The user's input (a file, its rows, a SQL string, a request body) cannot be used as given."""


class SourceError(InputError):
    """The rows could not be read: missing file, unknown format, malformed line. One line of text."""


class PlanError(InputError):
    """The rows cannot be planned at all (unknown columns, no key, undefined properties in strict mode...)."""


class CoerceError(InputError):
    """A cell does not fit its field's type; the message names the field and the value."""


class PayloadError(InputError):
    """A body or an event that does not have the documented shape; `str()` is the one-line reason."""


class QueryError(InputError):
    """The query could not run: no dataset there, bad SQL, unreachable database. One line, no secrets."""


class ListNotFoundError(InputError):
    """No contacts list (or no single one: two live lists share the name) has this ID or name."""


class CampaignError(InputError):
    """A campaign command cannot go on: no content given, no test address, bad date."""


class MappingError(InputError):
    """A two-way mapping file cannot be used: unreadable TOML, unknown key, bad direction or rule. One line."""


class JobTimeoutError(MailjetError):
    """A job did not finish within the poller's timeout (it may still finish: re-run to pick it up)."""


class SyncError(MailjetError):
    """A sync step failed for a reason other than the API (destination, dlt configuration, disk...).

    Args:
        step: the step that failed (extract, normalize, load, sync).
        message: the cause, one line.
    """

    def __init__(self, step: str, message: str):
        super().__init__(f"{step} step failed: {message}")
        self.step = step


class ToolError(MailjetError):
    """A tool call failed; the message is one line meant for the agent (never holds a secret)."""


class ToolDenied(ToolError):
    """The policy refused the call; nothing was sent to Mailjet."""


class ConfirmationError(ToolError):
    """The confirmation token is unknown, expired, already used, or was issued for another call."""


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


class UpstreamError(TransportError):
    """The agents gateway's call could not be completed: no connection, a timeout, or a malformed answer."""


class UpstreamConnectError(UpstreamError):
    """No connection to the upstream server (refused, unreachable, DNS or TLS failure)."""


class UpstreamTimeout(UpstreamError):
    """The upstream server did not connect, accept or answer in time."""


class UpstreamProtocolError(UpstreamError):
    """The upstream server closed the connection early or answered something that is not HTTP/1.1."""


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
    """401: the API key or secret is wrong, suspended, or belongs to another region.

    Mailjet also answers 401 `Operation not allowed` to a verb the resource does not support (DELETE on
    contact, say): `operation_not_allowed` tells that case apart, since the keys are fine there.
    """

    status_code = 401

    @property
    def operation_not_allowed(self) -> bool:
        """True for Mailjet's 401 "Operation not allowed" (a verb the resource does not support)."""
        return (self.message or "").strip().lower() == "operation not allowed"


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


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to a misspelt `word` (case-insensitive), or None when nothing is close."""
    by_lower = {choice.lower(): choice for choice in choices}
    found = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.75)
    return by_lower[found[0]] if found else None
