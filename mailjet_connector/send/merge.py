"""Mail merge planning (pure): rows become one-recipient messages with Variables and a stable CustomID."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson

from mailjet_connector.journal import job_id
from mailjet_connector.send.batching import batch_count
from mailjet_connector.send.message import MessageSpec, Recipient

__all__ = ["MergePlan", "MergeRow", "custom_id", "merge_job_id", "plan_merge"]

MAX_INLINE_KEY = 64  # longer row keys go into the CustomID as a digest
_JSON_SCALARS = (str, int, float, bool, list, dict)


@dataclass(frozen=True)
class MergeRow:
    """One source row: its message, or why it is not sent.

    Args:
        number: 1-based position in the source (the header line of a CSV does not count).
        key: the row key, unique in the job (the email by default).
        email: the recipient address ("" when missing).
        recipient: the message to send, None when `problem` is set.
        problem: why the row is skipped (no email, duplicate key ...).
    """

    number: int
    key: str
    email: str
    recipient: Recipient | None = None
    problem: str | None = None


@dataclass
class MergePlan:
    """A planned mail merge: the shared message and one row per source row, in source order."""

    job: str
    spec: MessageSpec
    rows: list[MergeRow] = field(default_factory=list)

    @property
    def sendable(self) -> list[MergeRow]:
        """Rows that have a message."""
        return [row for row in self.rows if row.recipient is not None]

    @property
    def skipped(self) -> list[MergeRow]:
        """Rows that are never sent, with their problem."""
        return [row for row in self.rows if row.recipient is None]

    def batches(self, size: int) -> int:
        """How many calls the sendable rows take (before the journal removes those already done)."""
        return batch_count(len(self.sendable), size)


def merge_job_id(source: str, spec: MessageSpec, *, sandbox: bool = False) -> str:
    """The default job id: the same source and message give the same job, so a re-run resumes it.

    The file's content is deliberately left out: fixing a bad row and running again must not resend
    everyone else. Sandbox runs get their own job (nothing they "send" exists on Mailjet).

    Args:
        source: what names the rows (a file's resolved path, or the SQL text).
        spec: the shared message.
        sandbox: whether this is a SandboxMode run.
    """
    message = orjson.dumps(spec.globals(), option=orjson.OPT_SORT_KEYS).decode()
    return job_id("send", source, message, "sandbox" if sandbox else "live")


def custom_id(job: str, key: str) -> str:
    """The CustomID of a row's message: `<job prefix>-<row key>`, findable with `message?CustomID=`.

    Args:
        job: the job id.
        key: the row key.
    """
    if len(key) > MAX_INLINE_KEY:
        key = "h" + job_id(key)
    return f"{job[:16]}-{key}"


def plan_merge(
    rows: Iterable[Mapping[str, Any]],
    spec: MessageSpec,
    *,
    job: str,
    to_column: str = "email",
    name_column: str | None = None,
    key_column: str | None = None,
) -> MergePlan:
    """Turn source rows into one message each; every other column becomes a Variable.

    Args:
        rows: the source rows (dicts), read lazily.
        spec: the shared message.
        job: the job id (see `merge_job_id`).
        to_column: the column holding the recipient address.
        name_column: the column holding the recipient's name, if any (not a Variable).
        key_column: the column that identifies a row across runs; default the email, lower-cased, so a
            recipient listed twice gets one message.

    Returns:
        The plan; rows without an address or with a repeated key carry a `problem` instead of a message.
    """
    plan = MergePlan(job=job, spec=spec)
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        email = str(row.get(to_column) or "").strip()
        key = _row_key(row, email, key_column, number)
        problem = _problem(row, email, key, to_column, key_column, seen)
        if problem is not None:
            plan.rows.append(MergeRow(number, key, email, problem=problem))
            continue
        seen.add(key)
        name = str(row.get(name_column) or "").strip() if name_column else ""
        excluded = {to_column, name_column}
        variables = {k: variable(v) for k, v in row.items() if k not in excluded and v is not None}
        recipient = Recipient(email, name, variables, custom_id(job, key))
        plan.rows.append(MergeRow(number, key, email, recipient))
    return plan


def _row_key(row: Mapping[str, Any], email: str, key_column: str | None, number: int) -> str:
    if key_column is None:
        return email.lower() or f"#{number}"
    value = row.get(key_column)
    return "" if value is None else str(value).strip()


def _problem(
    row: Mapping[str, Any], email: str, key: str, to_column: str, key_column: str | None, seen: set[str]
) -> str | None:
    if to_column not in row:
        return f"no column {to_column!r} (use --to-column)"
    if not email:
        return f"empty {to_column!r}"
    if "@" not in email.strip("@"):
        return f"{email!r} is not an email address"
    if key_column is not None and not key:
        return f"empty key column {key_column!r}"
    if key in seen:
        return f"duplicate row key {key!r}: already planned"
    return None


def variable(value: Any) -> Any:
    """A column value as a JSON Variable: JSON types as they are, dates as ISO 8601, the rest as text."""
    if isinstance(value, _JSON_SCALARS):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)
