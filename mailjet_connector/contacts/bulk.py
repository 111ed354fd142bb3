"""Bulk contact import through managemanycontacts jobs: batches, polling, error files, retries, journal.

One batch = one job. A journal (optional) makes re-runs exact: before a batch is sent its key (a digest of
its contacts) is marked pending; its JobID is stored as soon as Mailjet returns it; when the job ends the
batch is marked done with its per-contact errors. A re-run skips done batches, polls the job of a pending
batch instead of sending it again, and sends a pending batch with no JobID again (the POST may or may not
have reached Mailjet; managemanycontacts is keyed by email, so applying a batch twice changes nothing).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailjet_connector.client import Client
from mailjet_connector.contacts.lists import ListNotFoundError, resolve_list
from mailjet_connector.contacts.plan import (
    DEFAULT_BATCH_SIZE,
    ImportPlan,
    PlannedContact,
    RowError,
    batch_key,
    map_columns,
    plan_import,
)
from mailjet_connector.contacts.poll import DEFAULT_BACKOFF, Backoff, wait_for_jobs
from mailjet_connector.contacts.properties import define_properties, fetch_definitions
from mailjet_connector.contacts.report import ImportReport
from mailjet_connector.errors import NotFoundError
from mailjet_connector.importer.journal import DEFAULT_JOURNAL, DONE, FAILED, PENDING, Journal, job_id

__all__ = ["import_contacts", "prepare_import"]

ACTION = "managemanycontacts"
DEFAULT_PARALLEL_JOBS = 4
DEFAULT_JOB_RETRIES = 2
ERROR_FILE = "/v3/DATA/batchjob/{job}/JSONError/application:json/LAST"


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


@dataclass
class _Batch:
    """One batch's progress: which of its contacts the current job carries, and their errors so far."""

    key: str
    contacts: list[PlannedContact]
    positions: list[int]  # batch positions sent in the current job (all, or the retried rest)
    job: int | None = None
    attempt: int = 0
    errors: dict[int, str] = field(default_factory=dict)  # batch position -> reason


def prepare_import(
    client: Client,
    rows: Iterable[Mapping[str, Any]],
    *,
    lists: Sequence[int] = (),
    action: str = "addforce",
    properties: str = "auto",
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ImportPlan:
    """Read what the plan needs from the account (property definitions, current emails) and plan.

    Only reads. The contact listing (for the email-change check) is walked only when rows carry an ID.
    """
    materialised = [dict(r) for r in rows]
    definitions = fetch_definitions(client)
    columns = map_columns(dict.fromkeys(c for r in materialised for c in r))
    existing = None
    if columns.contact_id is not None:
        existing = {int(c["ID"]): str(c["Email"]) for c in client.iter("contact")}
    return plan_import(
        materialised,
        definitions,
        action=action,
        lists=lists,
        properties=properties,
        batch_size=batch_size,
        existing_emails=existing,
    )


def journal_path(
    requested: Path | None, *, dry_run: bool = False, disabled: bool = False, fresh_account: bool = False
) -> Path | None:
    """Where an import keeps its journal, or None for no journal.

    A dry run writes nothing, not even a journal; an account that starts empty on every run (the embedded
    emulator) shares nothing with earlier runs, so the default journal would only mislead (a journal asked
    for by path is still used).

    Args:
        requested: the journal file asked for (None: the default one).
        dry_run: nothing will be written.
        disabled: the user asked for no journal.
        fresh_account: the account is new on every run.
    """
    if disabled or dry_run or (fresh_account and requested is None):
        return None
    return requested or DEFAULT_JOURNAL


def import_contacts(
    client: Client,
    rows: Iterable[Mapping[str, Any]],
    *,
    list: int
    | str
    | Sequence[int | str]
    | None = None,  # shadows the builtin on purpose: the documented keyword
    action: str = "addforce",
    properties: str = "auto",
    journal: Journal | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    create_list: bool = False,
    dry_run: bool = False,
    parallel_jobs: int = DEFAULT_PARALLEL_JOBS,
    job_retries: int = DEFAULT_JOB_RETRIES,
    backoff: Backoff = DEFAULT_BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_plan: Callable[[ImportPlan], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import contacts (with properties and a list action) through managemanycontacts jobs.

    Args:
        client: a connected client.
        rows: source rows (`importer.read_rows`); an Email column, optional Name and IsExcludedFromCampaigns,
            every other column a contact property.
        list: the list(s) the action applies to, by ID or name; None imports contacts and properties only.
        action: addforce, addnoforce, remove or unsub.
        properties: "auto" defines missing properties first (types inferred from the data); "strict"
            refuses the import when a column is not a defined property.
        journal: checkpoint journal for exact re-runs (see the module docstring); None = no journal.
        batch_size: contacts per job (`plan.DEFAULT_BATCH_SIZE`).
        create_list: create a list given by name when it does not exist.
        dry_run: plan only; nothing is written (a missing list given by name is not created).
        parallel_jobs: jobs running at once.
        job_retries: how many times the contacts of a job that ended in Error/Abort are sent again.
        backoff / sleep / clock: polling pace and injectable time.
        on_plan: called with the plan before anything is written (the CLI shows it).
        on_progress: called with (contacts settled, contacts planned) each time a job's contacts settle.

    Returns:
        The report; rows refused before or by Mailjet are in `errors` with the reason.

    Raises:
        PlanError: bad options, no Email column, or undefined properties in strict mode.
        ListNotFoundError: an unknown list.
        APIError / TransportError: a call failed beyond the client's retries.
        JobTimeoutError: a job did not end within `backoff.timeout`.
    """
    refs = [] if list is None else [list] if isinstance(list, int | str) else [*list]
    list_ids, to_create = _resolve_lists(client, refs, create=create_list, dry_run=dry_run)
    plan = prepare_import(
        client, rows, lists=list_ids, action=action, properties=properties, batch_size=batch_size
    )
    if on_plan is not None:
        on_plan(plan)
    report = ImportReport({**plan.summary(), "lists_to_create": to_create}, dry_run=dry_run)
    report.errors.extend(plan.rejected)
    if dry_run:
        return report
    if plan.to_define:
        report.defined = define_properties(client, plan.to_define)
    runner = _Runner(client, JobTarget(action, list_ids), journal, report, job_retries, backoff, sleep, clock)
    run_id = job_id("contacts-import", client.base_url, client.api_key, action, *list_ids)
    batches = plan.batches()
    if on_progress is not None:
        total = sum(len(batch) for batch in batches)
        runner.progress = lambda settled: on_progress(settled, total)
    for start in range(0, len(batches), max(1, parallel_jobs)):
        runner.run_wave(run_id, batches[start : start + max(1, parallel_jobs)])
    report.errors.sort(key=lambda e: e.row_number)
    return report


def _resolve_lists(
    client: Client, refs: Sequence[int | str], *, create: bool, dry_run: bool
) -> tuple[tuple[int, ...], list[str]]:
    """List IDs for `refs`; a dry run does not create a missing list but plans it with ID 0."""
    ids, to_create = [], []
    for ref in refs:
        try:
            ids.append(resolve_list(client, ref, create=create and not dry_run))
        except ListNotFoundError:
            if not (create and dry_run):
                raise
            ids.append(0)
            to_create.append(str(ref))
    return tuple(ids), to_create


@dataclass
class _Runner:
    client: Client
    target: JobTarget
    journal: Journal | None
    report: ImportReport
    retries: int
    backoff: Backoff
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    progress: Callable[[int], None] | None = None  # contacts settled so far
    settled: int = 0

    def run_wave(self, run_id: str, batches: list[list[PlannedContact]]) -> None:
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

    def _start(self, run_id: str, contacts: list[PlannedContact]) -> _Batch | None:
        batch = _Batch(batch_key(contacts), contacts, list(range(len(contacts))))
        entry = self.journal.get(run_id, batch.key) if self.journal else None
        if entry is not None and entry.status in (DONE, FAILED):
            self.report.skipped_batches += 1
            self._finish(batch, {int(k): v for k, v in (entry.result or {}).get("errors", {}).items()})
            return None
        meta = self.journal.get_meta(run_id, batch.key) if self.journal and entry else None
        if entry is not None and entry.status == PENDING and meta and self._job_known(meta["job"]):
            batch.job, batch.positions, batch.attempt = meta["job"], meta["positions"], meta["attempt"]
            batch.errors = {int(k): v for k, v in meta.get("errors", {}).items()}
            self.report.resumed_jobs.append(batch.job)  # type: ignore[arg-type]
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
        self.report.submitted_jobs.append(batch.job)
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
        self.report.imported += len(batch.contacts) - len(errors)
        self.settled += len(batch.contacts)
        if self.progress is not None:
            self.progress(self.settled)
        for position, reason in sorted(errors.items()):
            planned = batch.contacts[position]
            self.report.errors.append(
                RowError(planned.row_number, planned.row, planned.item["Email"], reason)
            )
