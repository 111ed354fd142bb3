"""The bulk-job backend for contacts: planned contact writes -> managemanycontacts jobs, polled to the end.

One batch = one job. A journal (optional) makes re-runs exact: before a batch is sent its key (a digest of
its contacts) is marked pending; its JobID is stored as soon as Mailjet returns it; when the job ends the
batch is marked done with its per-contact errors. A re-run skips done batches, polls the job of a pending
batch instead of sending it again, and sends a pending batch with no JobID again (the POST may or may not
have reached Mailjet; managemanycontacts is keyed by email, so applying a batch twice changes nothing).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from mailjet_connector.client import Client
from mailjet_connector.errors import NotFoundError
from mailjet_connector.importer.model import Write
from mailjet_connector.importer.poll import DEFAULT_BACKOFF, Backoff, wait_for_jobs
from mailjet_connector.importer.report import RowFailure
from mailjet_connector.journal import DONE, FAILED, PENDING, Journal, job_id

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_JOB_RETRIES",
    "DEFAULT_PARALLEL_JOBS",
    "BulkContact",
    "BulkResult",
    "batch_key",
    "bulk_contact",
    "run_jobs",
]

ACTION = "managemanycontacts"
# Mailjet publishes no per-call figure for managemanycontacts (mailjet-api.md §4.2, §9). 5,000 keeps each
# job and its retry small while one call still replaces thousands of single writes; the emulator accepts
# up to 10,000 (JobSettings.max_contacts). Override with `batch_size=` / `--batch-size`.
DEFAULT_BATCH_SIZE = 5_000
DEFAULT_PARALLEL_JOBS = 4
DEFAULT_JOB_RETRIES = 2
ERROR_FILE = "/v3/DATA/batchjob/{job}/JSONError/application:json/LAST"


@dataclass(frozen=True)
class BulkContact:
    """One managemanycontacts entry and the source row it came from."""

    number: int  # 1-based position in the source
    row: dict[str, Any]
    key: str  # the write's key: the email, case-folded
    item: dict[str, Any]  # {Email, Name?, IsExcludedFromCampaigns?, Properties?}


def bulk_contact(write: Write) -> BulkContact:
    """The managemanycontacts entry of a planned contact write: Email, Name, exclusion, properties."""
    item: dict[str, Any] = {"Email": write.body["Email"]}
    for name in ("Name", "IsExcludedFromCampaigns"):
        if name in write.body:
            item[name] = write.body[name]
    if write.properties:
        item["Properties"] = dict(write.properties)
    return BulkContact(write.number, write.row, write.key, item)


def batch_key(batch: Sequence[BulkContact]) -> str:
    """A stable key for a batch's content: the same contacts and values give the same key."""
    payload = orjson.dumps([c.item for c in batch], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()[:24]


@dataclass
class BulkResult:
    """What the jobs did.

    Args:
        imported: contacts the jobs applied without error.
        failures: contacts refused in a job's error file, or whose job failed beyond its retries.
        submitted_jobs: JobIDs started by this run (retries included).
        resumed_jobs: JobIDs started by an interrupted run and polled by this one.
        skipped_batches: batches a previous run already finished (from the journal).
    """

    imported: int = 0
    failures: list[RowFailure] = field(default_factory=list)
    submitted_jobs: list[int] = field(default_factory=list)
    resumed_jobs: list[int] = field(default_factory=list)
    skipped_batches: int = 0


@dataclass(frozen=True)
class JobTarget:
    """Where jobs go: `contactslist/{id}/managemanycontacts` for one list, else `contact/managemanycontacts`."""

    action: str
    lists: tuple[int, ...]

    def submit(self, client: Client, items: list[dict[str, Any]]) -> int:
        if len(self.lists) == 1:
            body: dict[str, Any] = {"Action": self.action, "Contacts": items}
            rows = client.action("contactslist", ACTION, self.lists[0], data=body)
        else:
            lists = [{"ListID": i, "Action": self.action} for i in self.lists]
            rows = client.action("contact", ACTION, data={"ContactsLists": lists, "Contacts": items})
        return int(rows[0]["JobID"])

    def status(self, client: Client, job: int) -> dict[str, Any]:
        if len(self.lists) == 1:
            rows = client.action("contactslist", ACTION, self.lists[0], action_id=job)
        else:
            rows = client.action("contact", ACTION, action_id=job)
        return dict(rows[0])


def run_jobs(
    client: Client,
    contacts: Sequence[BulkContact],
    *,
    action: str,
    lists: Sequence[int] = (),
    journal: Journal | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    parallel_jobs: int = DEFAULT_PARALLEL_JOBS,
    job_retries: int = DEFAULT_JOB_RETRIES,
    backoff: Backoff = DEFAULT_BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> BulkResult:
    """Send contacts in managemanycontacts jobs of `batch_size`, `parallel_jobs` at a time, and wait.

    Args:
        client: a connected client.
        contacts: the entries, in source order (`bulk_contact` of a plan's pending contact writes).
        action: the list action (addforce, addnoforce, remove, unsub) on `lists`.
        lists: list IDs; none writes contacts and properties only.
        journal: batch checkpoints (see the module docstring); None = no journal.
        batch_size / parallel_jobs / job_retries: job size, jobs at once, resubmissions of a failed job.
        backoff / sleep / clock: polling pace and injectable time.

    Returns:
        The outcome; `failures` in source order.

    Raises:
        APIError / TransportError: a call failed beyond the client's retries.
        JobTimeoutError: a job did not end within `backoff.timeout`.
    """
    result = BulkResult()
    target = JobTarget(action, tuple(lists))
    runner = _Runner(client, target, journal, result, job_retries, backoff, sleep, clock)
    run_id = job_id("contacts-import", client.base_url, client.api_key, action, *target.lists)
    size = max(1, batch_size)
    batches = [list(contacts[i : i + size]) for i in range(0, len(contacts), size)]
    wave = max(1, parallel_jobs)
    for start in range(0, len(batches), wave):
        runner.run_wave(run_id, batches[start : start + wave])
    result.failures.sort(key=lambda f: f.number)
    return result


@dataclass
class _Batch:
    """One batch's progress: which of its contacts the current job carries, and their errors so far."""

    key: str
    contacts: list[BulkContact]
    positions: list[int]  # batch positions sent in the current job (all, or the retried rest)
    job: int | None = None
    attempt: int = 0
    errors: dict[int, str] = field(default_factory=dict)  # batch position -> reason


@dataclass
class _Runner:
    client: Client
    target: JobTarget
    journal: Journal | None
    result: BulkResult
    retries: int
    backoff: Backoff
    sleep: Callable[[float], None]
    clock: Callable[[], float]

    def run_wave(self, run_id: str, batches: list[list[BulkContact]]) -> None:
        """Start (or resume) each batch's job, wait for all, retry failed jobs, record the outcomes."""
        active = [b for b in (self._start(run_id, batch) for batch in batches) if b is not None]
        while active:
            finals = wait_for_jobs(
                lambda job: self.target.status(self.client, job),
                [b.job for b in active if b.job is not None],
                backoff=self.backoff,
                sleep=self.sleep,
                clock=self.clock,
            )
            still = []
            for batch in active:
                if self._settle(run_id, batch, finals[batch.job]):  # type: ignore[index]
                    still.append(batch)
            active = still

    def _start(self, run_id: str, contacts: list[BulkContact]) -> _Batch | None:
        batch = _Batch(batch_key(contacts), contacts, list(range(len(contacts))))
        entry = self.journal.get(run_id, batch.key) if self.journal else None
        if entry is not None and entry.status in (DONE, FAILED):
            self.result.skipped_batches += 1
            self._finish(batch, {int(k): v for k, v in (entry.result or {}).get("errors", {}).items()})
            return None
        meta = self.journal.get_meta(run_id, batch.key) if self.journal and entry else None
        if entry is not None and entry.status == PENDING and meta and self._job_known(meta["job"]):
            batch.job, batch.positions, batch.attempt = meta["job"], meta["positions"], meta["attempt"]
            batch.errors = {int(k): v for k, v in meta.get("errors", {}).items()}
            self.result.resumed_jobs.append(batch.job)  # type: ignore[arg-type]
            return batch
        self._submit(run_id, batch)
        return batch

    def _job_known(self, job: int) -> bool:
        try:
            self.target.status(self.client, job)
        except NotFoundError:
            return False
        return True

    def _submit(self, run_id: str, batch: _Batch) -> None:
        if self.journal:
            self.journal.begin(run_id, batch.key)
        items = [batch.contacts[p].item for p in batch.positions]
        batch.job = self.target.submit(self.client, items)
        self.result.submitted_jobs.append(batch.job)
        if self.journal:
            meta = {"job": batch.job, "positions": batch.positions, "attempt": batch.attempt}
            self.journal.set_meta(run_id, batch.key, {**meta, "errors": batch.errors})

    def _settle(self, run_id: str, batch: _Batch, status: dict[str, Any]) -> bool:
        """Record a finished job's errors; resubmit the rest of a failed job. True when a retry is running."""
        assert batch.job is not None
        for position, reason in self._contact_errors(batch, status):
            batch.errors[position] = reason
        if status.get("Status") != "Completed":
            rest = [p for p in batch.positions if p not in batch.errors]
            if rest and batch.attempt < self.retries:
                batch.positions, batch.attempt = rest, batch.attempt + 1
                self._submit(run_id, batch)
                return True
            reason = f"job {batch.job} ended with Status {status.get('Status')}: {status.get('Error') or 'no reason'}"
            batch.errors.update(dict.fromkeys(rest, reason))
        if self.journal:
            errors = {str(k): v for k, v in batch.errors.items()}
            self.journal.finish_many(run_id, [(batch.key, DONE, {"job": batch.job, "errors": errors}, None)])
        self._finish(batch, batch.errors)
        return False

    def _contact_errors(self, batch: _Batch, status: dict[str, Any]) -> list[tuple[int, str]]:
        """Per-contact errors from the job's JSON error file, as (batch position, Mailjet's reason)."""
        if not status.get("ErrorFile") and status.get("Status") == "Completed":
            return []
        try:
            body = self.client.request("GET", ERROR_FILE.format(job=batch.job))
        except NotFoundError:  # no error file: the job had no per-contact error
            return []
        entries = body.get("Data", body.get("Errors", [])) if isinstance(body, dict) else body
        by_email = {batch.contacts[p].item["Email"].lower(): p for p in batch.positions}
        found = []
        for entry in entries or []:
            if not isinstance(entry, dict):
                continue
            index, email = entry.get("Index"), str(entry.get("Email") or "").lower()
            if isinstance(index, int) and 0 <= index < len(batch.positions):
                position = batch.positions[index]
            elif email in by_email:
                position = by_email[email]
            else:
                continue
            found.append((position, str(entry.get("Error") or entry.get("ErrorMessage") or entry)))
        return found

    def _finish(self, batch: _Batch, errors: Mapping[int, str]) -> None:
        self.result.imported += len(batch.contacts) - len(errors)
        for position, reason in sorted(errors.items()):
            contact = batch.contacts[position]
            self.result.failures.append(RowFailure(contact.number, contact.row, contact.key, reason))
