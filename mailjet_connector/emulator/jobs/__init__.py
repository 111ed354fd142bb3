"""Async jobs on the emulator clock (managemanycontacts, importlist, csvimport), one `batchjob` row each.

This package module is the job engine; its job kinds are `bulk` (managemanycontacts, importlist) and
`csvimport`, and `data` is the DATA API (CSV uploads and job error files).

Nothing runs in the background. A job's phase is a function of the emulator time since it was requested:
queued (`Allocated`, or `Upload` for CSV imports) for `queue_seconds`, `Prepare` for `prepare_seconds`, then
`Importing` at `per_second` items per emulator second, then `Completed` (or `Error` / `Abort`). `refresh`
brings an account's pending jobs up to the current time, doing the work of the items whose turn has come
(each at its own emulator second), and writes Status, Count, Errcount and times into the job's `batchjob`
row and, for CSV imports, its `csvimport` row. `refresh_all` is one of the emulator's ticks (`lifecycle.ticks`),
run before and after every request, so any GET (REST listing, item, control route) sees the progress of
the moment.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from mailjet_connector.catalog import Resource
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.rest.writes import Rules, WriteContext
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.table import format_timestamps

SETTINGS_KEY = "jobs.settings"
JOBS_KEY = "jobs"
FINAL_STATUSES = ("Completed", "Error", "Abort")


@dataclass(frozen=True, slots=True)
class JobSettings:
    """How fast jobs move and how big they may be; set per account as `account.extra[SETTINGS_KEY]`.

    Args:
        queue_seconds: time in the first status (Allocated / Upload).
        prepare_seconds: time in Prepare.
        per_second: items (contacts, CSV rows) processed per emulator second while Importing.
        max_contacts: contacts accepted by one managemanycontacts call (Mailjet publishes no figure, §9).
    """

    queue_seconds: int = 1
    prepare_seconds: int = 1
    per_second: int = 1000
    max_contacts: int = 10_000

    def __post_init__(self) -> None:
        if self.per_second < 1 or min(self.queue_seconds, self.prepare_seconds, self.max_contacts) < 0:
            raise ValueError("job settings: per_second must be >= 1 and the other values >= 0")


DEFAULT_SETTINGS = JobSettings()


def settings(account: Account) -> JobSettings:
    """The account's job settings (the defaults unless a test or the CLI set others)."""
    return account.extra.get(SETTINGS_KEY, DEFAULT_SETTINGS)


@dataclass(frozen=True, slots=True)
class JobScope:
    """Where and when a job processes one item: its writes carry the item's own emulator time."""

    state: EmulatorState
    account: Account
    now: int
    rules: Mapping[str, Rules]

    def writer(self, resource: Resource | str) -> WriteContext:
        table = self.account.table(resource)
        return WriteContext(self.state, self.account, table.resource, table, self.now, self.rules)


class Work(Protocol):
    """What a job does: `total` items, a preparation step, then one call per item."""

    @property
    def total(self) -> int: ...

    def prepare(self, scope: JobScope) -> str | None:
        """Check the input before importing; a text ends the job with Status Error."""

    def run(self, scope: JobScope, index: int) -> dict[str, Any] | None:
        """Process item `index`; an error record for the job's error file, or None."""


@dataclass(eq=False)
class Job:
    """One async job; `id` is its batchjob ID (and JobID, and the csvimport ID for CSV imports)."""

    id: int
    kind: str  # "contact/managemanycontacts", "contactslist/importlist", "csvimport", ...
    owner: int  # the list of list-scoped jobs, else 0
    work: Work
    requested_at: int
    settings: JobSettings
    rules: Mapping[str, Rules]
    linked: str | None = None  # another job table holding a row with the same ID (csvimport)
    err_threshold: int = 0
    info: dict[str, Any] = field(default_factory=dict)
    status: str = ""
    done: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    started_at: int = 0
    ended_at: int = 0
    prepared: bool = False

    @property
    def finished(self) -> bool:
        return self.status in FINAL_STATUSES

    def end(self, status: str, at: int, error: str = "") -> None:
        self.status, self.ended_at, self.error = status, at, error


class JobRegistry(dict[int, Job]):
    """An account's jobs by ID, with a guard against refreshing from inside a refresh."""

    refreshing: bool = False


def registry(account: Account) -> JobRegistry:
    """The account's jobs, created empty on first use."""
    return account.extra.setdefault(JOBS_KEY, JobRegistry())


def start(
    state: EmulatorState,
    account: Account,
    work: Work,
    *,
    rules: Mapping[str, Rules],
    kind: str,
    job_type: str,
    method: str = "Unknown",
    owner: int = 0,
    data_id: int = 0,
    first_status: str = "Allocated",
    job_id: int | None = None,
    linked: str | None = None,
    err_threshold: int = 0,
    info: dict[str, Any] | None = None,
) -> Job:
    """Register a job and insert its batchjob row (Status = `first_status`, RequestAt = now).

    Args:
        state / account: where the job runs.
        work: what it does.
        rules: the write rules its writes go through (`rest.hooks.RULES`, from the request that starts it).
        kind: the job family, used to find it again (`contactslist/managemanycontacts`).
        job_type / method / owner / data_id: the batchjob JobType, Method, RefId and DataID.
        first_status: "Allocated", or "Upload" for CSV imports.
        job_id: the ID to use (a csvimport row's), else the next batchjob ID.
        linked: another job table whose row `job_id` mirrors the job (csvimport).
        err_threshold: errors tolerated before the job ends with Status Error (0 = no limit).
        info: extra fields echoed in the status answer (ContactsLists).

    Returns:
        The job.
    """
    with account.lock:
        now = state.clock.now()
        table = account.table("batchjob")
        values: dict[str, Any] = {
            "APIKeyID": account.key_id,
            "JobType": job_type,
            "Method": method,
            "RefId": owner,
            "DataID": data_id,
            "ErrTreshold": err_threshold,
            "RequestAt": now,
            "Status": first_status,
        }
        if job_id is not None:
            values["ID"] = job_id
        pos = table.insert(values)
        job = Job(
            id=int(table.column("ID")[pos]),
            kind=kind,
            owner=owner,
            work=work,
            requested_at=now,
            settings=settings(account),
            rules=rules,
            linked=linked,
            err_threshold=err_threshold,
            info=dict(info or {}),
            status=first_status,
        )
        registry(account)[job.id] = job
        refresh(state, account)  # a zero-second queue starts at once
    return job


def next_job_id(account: Account) -> int:
    """An ID free in both job tables, so a csvimport row and its batchjob row can share it."""
    return max(account.table("batchjob").next_id, account.table("csvimport").next_id)


def refresh_all(state: EmulatorState) -> None:
    """Advance every account's pending jobs to the current emulator time (a tick: see `lifecycle.ticks`)."""
    for account in list(state.accounts.values()):
        refresh(state, account)


def refresh(state: EmulatorState, account: Account) -> None:
    """Advance every pending job of the account to the current emulator time and update its rows."""
    jobs = account.extra.get(JOBS_KEY)
    if not jobs or jobs.refreshing:
        return
    with account.lock:
        jobs.refreshing = True
        try:
            now = state.clock.now()
            for job in [j for j in jobs.values() if not j.finished]:
                _advance(state, account, job, now)
                _write_rows(account, job, now)
        finally:
            jobs.refreshing = False


def _advance(state: EmulatorState, account: Account, job: Job, now: int) -> None:
    s = job.settings
    prepare_at = job.requested_at + s.queue_seconds
    import_at = prepare_at + s.prepare_seconds
    if now < prepare_at:
        return
    job.started_at = prepare_at
    job.status = "Prepare"
    if now < import_at:
        return
    if not job.prepared:
        job.prepared = True
        fatal = job.work.prepare(JobScope(state, account, import_at, job.rules))
        if fatal:
            job.end("Error", import_at, fatal)
            return
    job.status = "Importing"
    total = job.work.total
    target = min(total, (now - import_at) * s.per_second)
    while job.done < target:
        at = import_at + job.done // s.per_second
        try:
            problem = job.work.run(JobScope(state, account, at, job.rules), job.done)
        except EmulatorError as error:  # a write rule refused the item: its error, not the reader's
            problem = {"Index": job.done, "Error": str(error.message)}
        job.done += 1
        if problem is not None:
            job.errors.append(problem)
            if job.err_threshold and len(job.errors) > job.err_threshold:
                job.end("Error", at, f"More than {job.err_threshold} errors (ErrTreshold)")
                return
    end_at = import_at + math.ceil(total / s.per_second)
    if job.done >= total and now >= end_at:
        job.end("Completed", end_at)


def abort(state: EmulatorState, account: Account, job: Job) -> bool:
    """Stop a pending job now (Status Abort). Returns False when it had already ended."""
    with account.lock:
        refresh(state, account)
        if job.finished:
            return False
        now = state.clock.now()
        job.end("Abort", now)
        _write_rows(account, job, now)
    return True


def row_changes(job: Job, now: int) -> dict[str, Any]:
    """The raw values a job's table rows show at `now`."""
    return {
        "Status": job.status,
        "Count": job.done,
        "Current": job.done,
        "Errcount": len(job.errors),
        "JobStart": job.started_at,
        "JobEnd": job.ended_at,
        "AliveAt": job.ended_at or (now if job.started_at else 0),
    }


def _write_rows(account: Account, job: Job, now: int) -> None:
    changes = row_changes(job, now)
    for name in ("batchjob", job.linked):
        table = account.tables.get(name) if name else None
        pos = table.position(job.id) if table is not None else None
        if table is None or pos is None:
            continue
        current = table.raw(pos)
        diff = {k: v for k, v in changes.items() if k in table.types and current.get(k) != v}
        if diff:
            table.update(pos, diff)


def find(account: Account, job_id: Any, kinds: Iterable[str], owner: int = 0) -> Job | None:
    """The job `job_id` if it is of one of `kinds` and belongs to `owner`, else None."""
    try:
        wanted = int(str(job_id))
    except ValueError:
        return None
    job = registry(account).get(wanted)
    if job is None or job.kind not in tuple(kinds) or job.owner != owner:
        return None
    return job


def of_kind(account: Account, kind: str, owner: int = 0) -> list[Job]:
    """The account's jobs of one kind and owner, by ID."""
    return [j for _, j in sorted(registry(account).items()) if j.kind == kind and j.owner == owner]


def error_file_path(job_id: int) -> str:
    """Where a job's per-item errors are served (DATA API, §4.2)."""
    return f"/v3/DATA/batchjob/{job_id}/JSONError/application:json/LAST"


def status_row(job: Job) -> dict[str, Any]:
    """The managemanycontacts / importlist status answer: `{Status, JobStart, JobEnd, Count, Error, ErrorFile}`."""
    start_text, end_text = format_timestamps(np.array([job.started_at, job.ended_at], dtype=np.int64))
    return {
        "Status": job.status,
        "JobStart": start_text,
        "JobEnd": end_text,
        "Count": job.done,
        "Error": job.error,
        "ErrorFile": error_file_path(job.id) if job.errors else "",
        **job.info,
    }
