"""Bulk contact import: the one planner (blind, properties defined on the fly) + the bulk-job backend.

`import_contacts` resolves the lists, reads what validates the rows (property definitions; contacts' emails
when rows carry an ID), plans with `importer.plan_rows`, defines missing properties, then runs the plan's
contacts through `importer.jobs.run_jobs` (batches, polling, error files, retries, batch journal).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.client import Client
from mailjet_connector.contacts.plan import DEFAULT_BATCH_SIZE, ImportPlan, email_column, plan_import
from mailjet_connector.contacts.report import ImportReport
from mailjet_connector.importer.jobs import DEFAULT_JOB_RETRIES, DEFAULT_PARALLEL_JOBS, run_jobs
from mailjet_connector.importer.load import load_existing
from mailjet_connector.importer.model import BadRow, materialise
from mailjet_connector.importer.poll import DEFAULT_BACKOFF, Backoff
from mailjet_connector.importer.properties import define_properties
from mailjet_connector.journal import DEFAULT_JOURNAL, Journal
from mailjet_connector.lists import ListNotFoundError, resolve_list

__all__ = ["import_contacts", "journal_path", "prepare_import"]

_CONTACT = catalog.get("contact")


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
    materialised = materialise(rows)
    columns = list(dict.fromkeys(c for r in materialised if not isinstance(r, BadRow) for c in r))
    key = ("Email",) if email_column(columns) else ()
    existing = load_existing(client, _CONTACT, materialised, key, blind=True)
    return plan_import(
        materialised,
        existing.definitions,
        action=action,
        lists=lists,
        properties=properties,
        batch_size=batch_size,
        existing_emails=existing.emails,
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
        journal: checkpoint journal for exact re-runs (`importer.jobs`); None = no journal.
        batch_size: contacts per job (`DEFAULT_BATCH_SIZE`).
        create_list: create a list given by name when it does not exist.
        dry_run: plan only; nothing is written (a missing list given by name is not created).
        parallel_jobs: jobs running at once.
        job_retries: how many times the contacts of a job that ended in Error/Abort are sent again.
        backoff / sleep / clock: polling pace and injectable time.
        on_plan: called with the plan before anything is written (the CLI shows it).
        on_progress: called with (contacts settled, contacts to send) as the jobs' contacts settle.

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
    outcome = run_jobs(
        client,
        plan.contacts,
        action=plan.action,
        lists=list_ids,
        journal=journal,
        batch_size=batch_size,
        parallel_jobs=parallel_jobs,
        job_retries=job_retries,
        backoff=backoff,
        sleep=sleep,
        clock=clock,
        on_progress=on_progress,
    )
    report.imported = outcome.imported
    report.submitted_jobs, report.resumed_jobs = outcome.submitted_jobs, outcome.resumed_jobs
    report.skipped_batches = outcome.skipped_batches
    report.errors.extend(outcome.failures)
    report.errors.sort(key=lambda e: e.number)
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
