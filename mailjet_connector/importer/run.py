"""Rows -> plan -> apply: read what a plan needs, then write it (per-row calls, or bulk jobs for contacts).

`prepare` reads (never writes) and plans; `apply` runs any plan, journaled; `import_rows` does both.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.client import Client
from mailjet_connector.errors import APIError, NotFoundError
from mailjet_connector.importer.columns import choose_key
from mailjet_connector.importer.jobs import bulk_contact, run_jobs
from mailjet_connector.importer.load import load_existing
from mailjet_connector.importer.model import BadRow, Kind, Mode, Plan, Write, materialise
from mailjet_connector.importer.parts import PartSpec, part_spec, plan_part
from mailjet_connector.importer.plan import check_options, plan_rows
from mailjet_connector.importer.report import RowFailure
from mailjet_connector.journal import DONE, FAILED, PENDING, Journal, job_id
from mailjet_connector.lists import resolve_list

__all__ = ["DEFAULT_CONCURRENCY", "ImportResult", "apply", "import_rows", "prepare"]

DEFAULT_CONCURRENCY = 4
IN_FLIGHT = "in flight when a previous run stopped and the row has no key to check it: verify it, then rerun with --restart"


@dataclass
class ImportResult:
    """What `apply` (or `import_rows`) planned and did.

    Args:
        plan: the plan (its writes say what each row needed).
        dry_run: nothing was written.
        done: rows written by this run, per kind (create, update, delete, upsert).
        resumed: rows a previous run of the same import already wrote (from the journal).
        continued: the journal held this import's entries from an earlier run (the rows it wrote may since
            plan as unchanged: an upsert re-run finds them in place).
        failures: rows refused by the plan or by Mailjet, in source order.
        job: the journal job id of this import.
    """

    plan: Plan
    dry_run: bool = False
    done: dict[str, int] = field(default_factory=dict)
    resumed: int = 0
    continued: bool = False
    failures: list[RowFailure] = field(default_factory=list)
    job: str = ""

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource": self.plan.resource,
            "mode": self.plan.mode.value,
            "key": list(self.plan.key),
            "dry_run": self.dry_run,
            "planned": self.plan.counts(),
            "done": self.done,
            "resumed": self.continued,  # this run went on from an earlier, interrupted one
            "already_written": self.resumed,
            "failed": len(self.failures),
            "warnings": self.plan.warnings,
            "first_errors": [{"row": f.number, "key": f.key, "error": f.error} for f in self.failures[:10]],
        }


def prepare(
    client: Client,
    resource: str,
    rows: Iterable[Mapping[str, Any]],
    mode: Mode | str,
    *,
    key: Sequence[str] = (),
    lists: Sequence[int | str] = (),
    part: str | None = None,
) -> Plan:
    """Read what exists for these rows, then plan their writes. Reads only.

    Args:
        client: a connected client.
        resource: catalog name.
        rows: source rows (`read_rows`, or any mappings).
        mode: insert, update, upsert or delete.
        key: match-key fields (default: ID, else the first catalog unique key present).
        lists: contact imports: lists (ID or name) every contact is subscribed to (addnoforce).
        part: write a sub-resource instead: "content" (campaigndraft, template) or "schedule" (`parts`).

    Returns:
        The plan, for `apply`.

    Raises:
        PlanError: the import cannot be planned (unknown column, no key, verb not allowed).
        ListNotFoundError: a list in `lists` does not exist (or its name is ambiguous).
        APIError / TransportError: reading the account failed.
    """
    res = catalog.get(resource)
    mode = Mode(mode)
    if part is None:
        check_options(res, mode, lists)
    materialised = materialise(rows)
    columns = list(dict.fromkeys(c for r in materialised if not isinstance(r, BadRow) for c in r))
    key_fields = choose_key(res, columns, key) if materialised else tuple(key)
    list_ids = tuple(resolve_list(client, ref) for ref in lists)
    existing = load_existing(client, res, materialised, key_fields, lists=list_ids)
    if part is None:
        return plan_rows(res, materialised, mode, existing, key=key_fields, lists=list_ids)
    current = _current_parts(client, res.name, part_spec(res, part), existing.records or {})
    return plan_part(res, part, materialised, mode, existing, current, key=key)


def apply(
    client: Client,
    plan: Plan,
    *,
    journal: Journal | None = None,
    restart: bool = False,
    dry_run: bool = False,
    concurrency: int = DEFAULT_CONCURRENCY,
    sleep: Callable[[float], None] = time.sleep,
) -> ImportResult:
    """Write a plan: per-row calls (`concurrency` at a time), or bulk jobs for contacts.

    Args:
        client: a connected client (the account the plan was made against).
        plan: from `prepare`, `plan_rows` or `parts.plan_part`.
        journal: checkpoint journal; a re-run of the same rows skips rows already written.
        restart: forget this import's journal entries first.
        dry_run: write nothing; the result lists the plan's refused rows.
        concurrency: writes in flight at once (per-row path).
        sleep: how bulk contact jobs wait between polls (injectable for tests).

    Returns:
        The result; failed rows carry Mailjet's reason.
    """
    job = job_id(
        "import",
        client.base_url,
        client.api_key,
        plan.resource,
        plan.mode,
        plan.part,
        plan.key,
        plan.lists,
        plan.list_action,  # the same rows added to a list, then removed from it, are two jobs
        plan.digest(),
    )
    result = ImportResult(plan, dry_run=dry_run, job=job)
    result.failures = [
        RowFailure(w.number, w.row, w.key, w.reason) for w in plan.writes if w.kind is Kind.ERROR
    ]
    if dry_run:
        return result
    if journal is not None and restart:
        journal.forget(job)
    todo = _unfinished(plan, journal, job, result)
    if plan.resource == "contact" and plan.part is None:
        _apply_contacts(client, plan, todo, journal, job, result, sleep)
    else:
        spec = part_spec(catalog.get(plan.resource), plan.part) if plan.part else None
        _apply_rows(client, plan.resource, todo, journal, job, result, concurrency, spec)
    result.failures.sort(key=lambda f: f.number)
    return result


def import_rows(
    client: Client,
    resource: str,
    rows: Iterable[Mapping[str, Any]],
    mode: Mode | str,
    *,
    key: Sequence[str] = (),
    lists: Sequence[int | str] = (),
    part: str | None = None,
    journal: Journal | None = None,
    restart: bool = False,
    dry_run: bool = False,
    concurrency: int = DEFAULT_CONCURRENCY,
    sleep: Callable[[float], None] = time.sleep,
    on_plan: Callable[[Plan], None] | None = None,
) -> ImportResult:
    """Import rows into one resource: read what exists, plan, then write what differs.

    `prepare` then `apply`, with the same arguments; `on_plan` is called with the plan before anything is
    written.

    Raises:
        PlanError: the import cannot be planned (unknown column, no key, verb not allowed).
        APIError / TransportError: reading the account failed.
    """
    plan = prepare(client, resource, rows, mode, key=key, lists=lists, part=part)
    if on_plan is not None:
        on_plan(plan)
    return apply(
        client,
        plan,
        journal=journal,
        restart=restart,
        dry_run=dry_run,
        concurrency=concurrency,
        sleep=sleep,
    )


def _current_parts(
    client: Client, name: str, spec: PartSpec, records: Mapping[Any, Mapping[str, Any]]
) -> dict[Any, Mapping[str, Any]]:
    """Each matched object's part as it is now (one GET each: parts are not listable)."""
    current: dict[Any, Mapping[str, Any]] = {}
    for record in records.values():
        try:
            found = client.action(name, spec.action, record["ID"])
        except NotFoundError:  # no schedule yet
            continue
        if isinstance(found, list) and found:
            current[record["ID"]] = found[0]
    return current


def _unfinished(plan: Plan, journal: Journal | None, job: str, result: ImportResult) -> list[Write]:
    """The writes still to do: not recorded done by a previous run of this import."""
    pending = plan.pending()
    if journal is None:
        return pending
    entries = journal.entries(job)
    result.continued = bool(entries)
    todo = []
    for write in pending:
        entry = entries.get(write.key)
        if entry is not None and entry.status == DONE:
            result.resumed += 1
        elif entry is not None and entry.status == PENDING and write.key.startswith("row:"):
            result.failures.append(RowFailure(write.number, write.row, write.key, IN_FLIGHT))
        else:
            todo.append(write)
    return todo


def _count(result: ImportResult, write: Write) -> None:
    result.done[write.kind.value] = result.done.get(write.kind.value, 0) + 1


def _apply_rows(
    client: Client,
    name: str,
    writes: list[Write],
    journal: Journal | None,
    job: str,
    result: ImportResult,
    concurrency: int,
    spec: PartSpec | None = None,
) -> None:
    """One call per row; rows are independent (duplicates were superseded), so they run concurrently."""

    def run(write: Write) -> tuple[Write, str | None]:
        if journal is not None:
            journal.begin(job, write.key)
        try:
            outcome = _write_one(client, name, write, spec)
        except APIError as exc:
            if journal is not None:
                journal.fail(job, write.key, exc.message)
            return write, exc.message or str(exc)
        if journal is not None:
            journal.done(job, write.key, outcome)
        return write, None

    with ThreadPoolExecutor(max(1, concurrency), thread_name_prefix="mailjet-import") as pool:
        for write, error in pool.map(run, writes):
            if error is None:
                _count(result, write)
            else:
                result.failures.append(RowFailure(write.number, write.row, write.key, error))


def _write_one(client: Client, name: str, write: Write, spec: PartSpec | None) -> Any:
    if spec is not None:
        client.action(name, spec.action, write.target, data=write.body, method=spec.method)
        return {"ID": write.target}
    if write.kind is Kind.CREATE:
        created = client.create(name, write.body) or {}
        return {"ID": created.get("ID")}
    if write.kind is Kind.UPDATE:
        client.update(name, write.target, write.body)  # type: ignore[arg-type]
        return {"ID": write.target}
    client.delete(name, write.target)  # type: ignore[arg-type]
    return {"ID": write.target}


def _apply_contacts(
    client: Client,
    plan: Plan,
    writes: list[Write],
    journal: Journal | None,
    job: str,
    result: ImportResult,
    sleep: Callable[[float], None],
) -> None:
    """Contacts with properties and subscriptions go through managemanycontacts jobs (`jobs.py`)."""
    if not writes:
        return
    if journal is not None:
        journal.begin_many(job, [w.key for w in writes])
    bulk = run_jobs(
        client,
        [bulk_contact(w) for w in writes],
        action=plan.list_action,
        lists=plan.lists,
        journal=journal,
        sleep=sleep,
    )
    failed = {f.number: f.error for f in bulk.failures}
    outcomes = []
    for write in writes:
        if write.number in failed:
            result.failures.append(RowFailure(write.number, write.row, write.key, failed[write.number]))
            outcomes.append((write.key, FAILED, None, failed[write.number]))
        else:
            _count(result, write)
            outcomes.append((write.key, DONE, None, None))
    if journal is not None:
        journal.finish_many(job, outcomes)
