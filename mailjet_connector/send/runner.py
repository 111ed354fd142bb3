"""Running a mail merge through the Send API, journaled so a re-run after a crash sends nobody twice.

The guarantee, per row (see docs/send.md):
1. Before a call, its rows are marked in flight in the journal (one durable SQLite transaction).
2. After the answer, each row's outcome (MessageID/UUID, or Mailjet's error) is recorded.
3. On a re-run, rows already sent or refused are skipped. Rows still in flight (the process died between
   1 and 2, or the call's outcome was unknown) are looked up by their CustomID with
   `GET /message?CustomID=...&ShowCustomID=true`: found means sent (the journal takes its ID), not found
   means the call never reached Mailjet, and the row is sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mailjet_connector.client import Client
from mailjet_connector.errors import APIError, MailjetError
from mailjet_connector.journal import DONE, FAILED, PENDING, Entry, Journal
from mailjet_connector.send.answers import SANDBOX, SENT, Outcome, batch_outcomes
from mailjet_connector.send.batching import MAX_RECIPIENTS_PER_CALL, iter_batches
from mailjet_connector.send.merge import MergePlan, MergeRow
from mailjet_connector.send.message import SEND_PATH, build_payload

__all__ = ["BatchDone", "SendReport", "reconcile", "send_merge"]

logger = logging.getLogger("mailjet_connector.send")
MAX_ATTEMPTS = 3  # per batch, when the outcome of a call is unknown (5xx, reset, timeout)


@dataclass
class SendReport:
    """What one run did, over this run only.

    `sent`, `sandbox`, `failed`: outcomes of the calls made by this run (a message whose answer was lost
    and that was then found by its CustomID counts as sent). `already_done`: rows settled by earlier runs.
    `reconciled`: rows found by CustomID after being in flight, whether left so by a crashed earlier run
    (not counted in `sent`) or by an unknown answer in this run (also counted in `sent`).
    """

    job: str
    rows: int = 0
    sent: int = 0
    sandbox: int = 0
    failed: int = 0
    skipped: int = 0
    already_done: int = 0
    reconciled: int = 0
    calls: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No row failed in this run (skipped rows and earlier failures do not count)."""
        return self.failed == 0


@dataclass(frozen=True)
class BatchDone:
    """Progress: one call finished (for progress bars)."""

    index: int
    rows: int
    outcomes: list[Outcome]


def reconcile(client: Client, journal: Journal, job: str, rows: list[MergeRow]) -> list[MergeRow]:
    """Settle in-flight rows by looking their CustomID up; the journal records those found as sent.

    Args:
        client: the Mailjet client.
        journal: the journal.
        job: the job id.
        rows: rows whose call may or may not have reached Mailjet.

    Returns:
        The rows Mailjet has no message for: safe to send again.
    """
    found: list[tuple[str, str, Any, str | None]] = []
    missing: list[MergeRow] = []
    for row in rows:
        assert row.recipient is not None
        filters = {"CustomID": row.recipient.custom_id, "ShowCustomID": True}
        hits = client.page("message", filters, limit=10, count=False).rows
        if hits:
            hit = hits[0]
            outcome = Outcome(SENT, int(hit["ID"]), str(hit.get("UUID") or ""))
            found.append((row.key, DONE, outcome.result(), None))
        else:
            missing.append(row)
    journal.finish_many(job, found)
    return missing


def send_merge(
    client: Client,
    plan: MergePlan,
    journal: Journal,
    *,
    sandbox: bool = False,
    retry_failed: bool = False,
    batch_size: int = MAX_RECIPIENTS_PER_CALL,
    on_batch: Callable[[BatchDone], None] | None = None,
) -> SendReport:
    """Send every planned row not yet sent, 50 per call, recording each outcome in the journal.

    Args:
        client: the Mailjet client (its pacer keeps the call rate).
        plan: the planned merge.
        journal: where outcomes are checkpointed (re-runs of the same job resume from it).
        sandbox: SandboxMode: Mailjet validates, delivers nothing.
        retry_failed: also resend rows Mailjet refused in an earlier run.
        batch_size: messages per call (at most 50).
        on_batch: called after each call.

    Returns:
        The run's report.

    Raises:
        APIError: a refusal of the whole call that retrying cannot fix (bad credentials, forbidden).
        MailjetError: Mailjet stayed unreachable for MAX_ATTEMPTS tries of one batch; its rows stay in
            flight and the next run settles them.
    """
    report = SendReport(job=plan.job, rows=len(plan.rows), skipped=len(plan.skipped))
    known = journal.entries(plan.job)
    in_flight = [r for r in plan.sendable if _status(known, r) == PENDING]
    if in_flight and not sandbox:  # sandbox messages never exist: nothing to look up
        report.reconciled = len(in_flight) - len(reconcile(client, journal, plan.job, in_flight))
        known = journal.entries(plan.job)
    todo = [r for r in plan.sendable if _wanted(known, r, retry_failed)]
    report.already_done = len(plan.sendable) - len(todo) - report.reconciled
    for index, batch in enumerate(iter_batches(todo, batch_size)):
        outcomes = _send_batch(client, journal, plan, batch, sandbox, report)
        for outcome in outcomes:
            _count(report, outcome)
        if on_batch is not None:
            on_batch(BatchDone(index, len(batch), outcomes))
    return report


def _status(known: dict[str, Entry], row: MergeRow) -> str | None:
    entry = known.get(row.key)
    return None if entry is None else entry.status


def _wanted(known: dict[str, Entry], row: MergeRow, retry_failed: bool) -> bool:
    status = _status(known, row)
    return status in (None, PENDING) or (retry_failed and status == FAILED)


def _count(report: SendReport, outcome: Outcome) -> None:
    if outcome.status == SENT:
        report.sent += 1
    elif outcome.status == SANDBOX:
        report.sandbox += 1
    else:
        report.failed += 1
        if len(report.errors) < 20:
            report.errors.append(outcome.error or "unknown error")


def _send_batch(
    client: Client,
    journal: Journal,
    plan: MergePlan,
    batch: list[MergeRow],
    sandbox: bool,
    report: SendReport,
) -> list[Outcome]:
    """Send one batch; when the outcome is unknown, settle it by CustomID and resend only what is missing."""
    results: dict[str, Outcome] = {}
    remaining = batch
    for attempt in range(1, MAX_ATTEMPTS + 1):
        journal.begin_many(plan.job, [r.key for r in remaining])
        payload = build_payload(plan.spec, [r.recipient for r in remaining if r.recipient], sandbox=sandbox)
        report.calls += 1
        body, uncertain = _call(client, payload)
        if uncertain is not None:
            missing = _unknown_outcome(client, journal, plan, remaining, uncertain, attempt, sandbox)
            report.reconciled += len(remaining) - len(missing)
            remaining = missing
            if remaining:
                continue
            break
        outcomes = batch_outcomes(body, len(remaining))
        _record(journal, plan.job, remaining, outcomes)
        results.update({r.key: o for r, o in zip(remaining, outcomes, strict=True)})
        break
    # Rows settled by a lookup have no answer of their own: the journal has their outcome.
    return [results.get(r.key) or _from_entry(journal.get(plan.job, r.key)) for r in batch]


def _call(client: Client, payload: dict[str, Any]) -> tuple[Any, MailjetError | None]:
    """POST one send call.

    Returns:
        (body, None) when Mailjet answered with results, also a mixed or all-refused 400;
        (None, error) when the outcome is unknown (5xx, 429 after the client's retries, transport).

    Raises:
        APIError: a refusal of the whole call that is not about the messages (401, 403 without results).
    """
    try:
        return client.request("POST", SEND_PATH, json=payload), None
    except APIError as error:
        if error.retriable:
            return None, error
        if _per_message(error) or error.status == 400:
            return error.body if error.body is not None else {"ErrorMessage": str(error)}, None
        raise
    except MailjetError as error:
        if error.retriable:
            return None, error
        raise


def _per_message(error: APIError) -> bool:
    """A mixed batch: HTTP 4xx whose body still holds one result per message (some were sent)."""
    return isinstance(error.body, dict) and isinstance(error.body.get("Messages"), list)


def _unknown_outcome(
    client: Client,
    journal: Journal,
    plan: MergePlan,
    rows: list[MergeRow],
    error: MailjetError,
    attempt: int,
    sandbox: bool,
) -> list[MergeRow]:
    logger.warning("send call failed (%s), attempt %d: checking which messages exist", error, attempt)
    # Sandbox messages never exist on Mailjet: resending them is harmless, so no lookup.
    missing = rows if sandbox else reconcile(client, journal, plan.job, rows)
    if missing and attempt == MAX_ATTEMPTS:
        raise error
    return missing


def _record(journal: Journal, job: str, rows: list[MergeRow], outcomes: list[Outcome]) -> None:
    entries = []
    for row, outcome in zip(rows, outcomes, strict=True):
        if outcome.status in (SENT, SANDBOX):
            entries.append((row.key, DONE, outcome.result(), None))
        else:
            entries.append((row.key, FAILED, None, outcome.error))
    journal.finish_many(job, entries)


def _from_entry(entry: Entry | None) -> Outcome:
    if entry is None or entry.status == PENDING:
        return Outcome("pending", error="outcome unknown")
    if entry.status == FAILED:
        return Outcome("failed", error=entry.error)
    result = entry.result or {}
    return Outcome(result.get("Status", SENT), result.get("MessageID"), result.get("MessageUUID"))
