"""Reading Send API v3.1 answers (pure): one outcome per message, also from a mixed-batch 400."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["FAILED", "SANDBOX", "SENT", "Outcome", "batch_outcomes", "global_error"]

SENT = "sent"
SANDBOX = "sandbox"  # validated by Mailjet in SandboxMode; nothing was delivered
FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """What happened to one message.

    Args:
        status: SENT, SANDBOX or FAILED.
        message_id: Mailjet's MessageID (a 64-bit integer; None when not sent).
        message_uuid: Mailjet's MessageUUID.
        error: Mailjet's reason when FAILED (code and message, one line).
    """

    status: str
    message_id: int | None = None
    message_uuid: str | None = None
    error: str | None = None

    def result(self) -> dict[str, Any]:
        """The JSON the journal keeps for a row that went through."""
        return {"Status": self.status, "MessageID": self.message_id, "MessageUUID": self.message_uuid}


def _error_text(error: Mapping[str, Any]) -> str:
    message = str(error.get("ErrorMessage") or "unknown error")
    code = error.get("ErrorCode")
    related = error.get("ErrorRelatedTo")
    text = f"{code}: {message}" if code else message
    if related:
        text += f" ({', '.join(map(str, related))})"
    return text


def global_error(body: Any, fallback: str) -> str | None:
    """The error of a whole call (no `Messages` key), or None when the body has per-message results."""
    if isinstance(body, Mapping) and isinstance(body.get("Messages"), list):
        return None
    if isinstance(body, Mapping) and body.get("ErrorMessage"):
        return _error_text(body)
    return fallback


def _one(entry: Any) -> Outcome:
    if not isinstance(entry, Mapping):
        return Outcome(FAILED, error="no result for this message in the answer")
    if entry.get("Status") != "success":
        errors = entry.get("Errors") or [{}]
        return Outcome(FAILED, error="; ".join(_error_text(e) for e in errors if isinstance(e, Mapping)))
    to = (entry.get("To") or [{}])[0]
    message_id = int(to.get("MessageID") or 0)
    if message_id == 0:  # SandboxMode answers MessageID 0 and MessageUUID "" (mailjet-api.md §5.2)
        return Outcome(SANDBOX, None, None)
    return Outcome(SENT, message_id, str(to.get("MessageUUID") or ""))


def batch_outcomes(body: Any, size: int, *, fallback_error: str = "the call failed") -> list[Outcome]:
    """One outcome per message of a call, in the order they were sent.

    A mixed batch answers HTTP 400 but still sends the valid messages; its body lists both kinds, so it is
    read the same way as a 200. A global error (bad JSON, bad credentials) means nothing was sent.

    Args:
        body: the decoded answer (the 200 body, or `APIError.body` of a 4xx).
        size: how many messages the call carried.
        fallback_error: the reason to give when the body says nothing useful.

    Returns:
        `size` outcomes.
    """
    problem = global_error(body, fallback_error)
    if problem is not None:
        return [Outcome(FAILED, error=problem) for _ in range(size)]
    entries = list(body["Messages"])
    entries += [None] * (size - len(entries))
    return [_one(entry) for entry in entries[:size]]
