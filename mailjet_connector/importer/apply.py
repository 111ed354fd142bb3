"""Apply an import plan through the client: per-row writes (concurrent, journaled) or bulk contact jobs."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import orjson

from mailjet_connector import catalog
from mailjet_connector.client import Client
from mailjet_connector.errors import APIError, NotFoundError
from mailjet_connector.importer.columns import choose_key
from mailjet_connector.importer.journal import DONE, FAILED, PENDING, Journal, job_id
from mailjet_connector.importer.load import load_existing
from mailjet_connector.importer.parts import PartSpec, part_spec, plan_part
from mailjet_connector.importer.plan import Kind, Mode, Plan, Write, plan_rows

__all__ = ["ImportResult", "RowFailure", "import_rows"]

DEFAULT_CONCURRENCY = 4
IN_FLIGHT = "in flight when a previous run stopped and the row has no key to check it: verify it, then rerun with --restart"


@dataclass(frozen=True)
class RowFailure:
    """A row that was not written, with the reason (Mailjet's message when Mailjet refused it)."""

    number: int
    row: dict[str, Any]
    key: str
    error: str


@dataclass
class ImportResult:
    """What `import_rows` planned and did.

    Args:
        plan: the plan (its writes say what each row needed).
        dry_run: nothing was written.
        done: rows written by this run, per kind (create, update, delete).
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

    Args:
        client: a connected client.
        resource: catalog name.
        rows: source rows (`read_rows`).
        mode: insert, update, upsert or delete.
        key: match-key fields (default: ID, else the first catalog unique key present).
        lists: contact imports: lists (ID or name) every contact is subscribed to (addnoforce).
        part: write a sub-resource instead: "content" (campaigndraft, template) or "schedule" (`parts`).
        journal: checkpoint journal; a re-run of the same rows skips rows already written.
        restart: forget this import's journal entries first.
        dry_run: plan only.
        concurrency: writes in flight at once (per-row path).
        sleep: how bulk contact jobs wait between polls (injectable for tests).
        on_plan: called with the plan before anything is written.

    Returns:
        The result; failed rows carry Mailjet's reason.

    Raises:
        PlanError: the import cannot be planned (unknown column, no key, verb not allowed).
        APIError / TransportError: reading the account failed.
    """
    res = catalog.get(resource)
    mode = Mode(mode)
    materialised = [dict(r) for r in rows]
    columns = list(dict.fromkeys(c for r in materialised for c in r))
    key_fields = choose_key(res, columns, key) if materialised else tuple(key)
    list_ids = _resolve_lists(client, lists)
    existing = load_existing(client, res, materialised, key_fields, lists=list_ids)
    if part is None:
        plan = plan_rows(res, materialised, mode, existing, key=key_fields, lists=list_ids)
    else:
        spec = part_spec(res, part)
        current = _current_parts(client, res.name, spec, existing)
        plan = plan_part(res, part, materialised, mode, existing, current, key=key)
    job = job_id(
        "import",
        client.base_url,
        client.api_key,
        res.name,
        mode,
        part,
        key_fields,
        list_ids,
        _digest(materialised),
    )
    result = ImportResult(plan, dry_run=dry_run, job=job)
    if on_plan is not None:
        on_plan(plan)
    result.failures = [
        RowFailure(w.number, w.row, w.key, w.reason) for w in plan.writes if w.kind is Kind.ERROR
    ]
    if dry_run:
        return result
    if journal is not None and restart:
        journal.forget(job)
    todo = _unfinished(plan, journal, job, result)
    if res.name == "contact":
        _apply_contacts(client, todo, list_ids, journal, job, result, sleep)
    else:
        spec = part_spec(res, part) if part else None
        _apply_rows(client, res.name, todo, journal, job, result, concurrency, spec)
    result.failures.sort(key=lambda f: f.number)
    return result


def _current_parts(client: Client, name: str, spec: PartSpec, existing: Any) -> dict[Any, Mapping[str, Any]]:
    """Each matched object's part as it is now (one GET each: parts are not listable)."""
    current: dict[Any, Mapping[str, Any]] = {}
    for record in existing.records.values():
        try:
            found = client.action(name, spec.action, record["ID"])
        except NotFoundError:  # no schedule yet
            continue
        if isinstance(found, list) and found:
            current[record["ID"]] = found[0]
    return current


def _resolve_lists(client: Client, lists: Sequence[int | str]) -> tuple[int, ...]:
    if not lists:
        return ()
    from mailjet_connector.contacts.lists import resolve_list

    return tuple(resolve_list(client, ref) for ref in lists)


def _digest(rows: list[dict[str, Any]]) -> str:
    # The same source gives the same job, so a re-run finds its checkpoints.
    return hashlib.sha256(orjson.dumps(rows, default=str)).hexdigest()


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
                result.done[write.kind.value] = result.done.get(write.kind.value, 0) + 1
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
    writes: list[Write],
    lists: tuple[int, ...],
    journal: Journal | None,
    job: str,
    result: ImportResult,
    sleep: Callable[[float], None],
) -> None:
    """Contacts with properties and subscriptions go through managemanycontacts jobs (`contacts` package)."""
    if not writes:
        return
    from mailjet_connector.contacts.bulk import import_contacts

    items = [_contact_item(w) for w in writes]
    if journal is not None:
        journal.begin_many(job, [w.key for w in writes])
    action = "addnoforce" if lists else "addforce"  # never resubscribe someone who unsubscribed
    report = import_contacts(
        client,
        items,
        list=list(lists) or None,
        action=action,
        properties="strict",
        journal=journal,
        sleep=sleep,
    )
    failed = {e.row_number: e.error for e in report.errors}
    outcomes = []
    for number, write in enumerate(writes, start=1):
        if number in failed:
            result.failures.append(RowFailure(write.number, write.row, write.key, failed[number]))
            outcomes.append((write.key, FAILED, None, failed[number]))
        else:
            result.done[write.kind.value] = result.done.get(write.kind.value, 0) + 1
            outcomes.append((write.key, DONE, None, None))
    if journal is not None:
        journal.finish_many(job, outcomes)


def _contact_item(write: Write) -> dict[str, Any]:
    """The row as `contacts.import_contacts` reads it: Email, Name, IsExcludedFromCampaigns, properties."""
    item: dict[str, Any] = {"Email": write.body["Email"]}
    for name in ("Name", "IsExcludedFromCampaigns"):
        if name in write.body:
            item[name] = write.body[name]
    item.update(write.properties)
    return item
