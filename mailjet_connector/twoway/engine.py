"""`plan`, `run`, `verify` and `status` of a two-way mapping: the order of a run and what makes it safe.

A run, in this order:

1. Mailjet prerequisites: mapped properties missing from `contactmetadata` are defined, mapped lists are
   found by name (`lists.resolve_list`) or created.
2. The sync engine refreshes our copy of the contacts (`mailjet.refresh_copy`).
3. Both sides are read and every key decided (`reconcile.decide`).
4. Conflicts are recorded (before anything is written: a crash after a write cannot lose the record).
5. Mailjet writes go through the importer (`writes.write_mailjet`), journaled.
6. The table's writes and the new state commit in one database transaction.

Killed anywhere, the next run converges: before 5 nothing was written; between 5 and 6 Mailjet holds the
run's values and the table does not, which the next run reads as Mailjet-side edits and copies back. A
re-run with nothing changed writes nothing (the state records what each run wrote: no echo).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailjet_connector.config import Settings
from mailjet_connector.errors import ListNotFoundError, MappingError
from mailjet_connector.importer.properties import define_properties, fetch_definitions
from mailjet_connector.journal import DEFAULT_JOURNAL, Journal
from mailjet_connector.lists import resolve_list
from mailjet_connector.twoway.database import Database, open_database
from mailjet_connector.twoway.mailjet import MailjetCopy, read_copy, refresh_copy
from mailjet_connector.twoway.mapping import Mapping
from mailjet_connector.twoway.reconcile import Conflict, Decision, Known, Side, decide
from mailjet_connector.twoway.state import StateStore
from mailjet_connector.twoway.table import DatabaseRows, MappedTable
from mailjet_connector.twoway.values import row_hash
from mailjet_connector.twoway.writes import write_mailjet

__all__ = ["Difference", "RunReport", "plan", "run", "status", "verify"]


@dataclass
class RunReport:
    """What a plan would do, or what a run did.

    Args:
        run: the run's id.
        dry_run: a plan: nothing was written to the table or to Mailjet.
        actions: decisions per action (update, create_mailjet, insert_database, ...).
        to_mailjet / to_database: keys with writes for that side.
        decisions: the decisions with writes (or conflicts), for `plan` to show.
        conflicts: values a side lost (settled by the rule) and open (manual) conflicts.
        failures: email -> Mailjet's reason, for rows it refused (the rest went through).
        created_lists / defined_properties: Mailjet prerequisites created (or, in a plan, to create).
        duplicates: keys held by more than one row of the table (the first row is used).
        sync: the sync engine's figures for the Mailjet read (rows, new, updated, API calls).
        api_calls: every API call of the run, the sync's included.
        seconds: the run's duration.
    """

    run: str
    dry_run: bool
    actions: dict[str, int] = field(default_factory=dict)
    to_mailjet: int = 0
    to_database: int = 0
    decisions: list[Decision] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    created_lists: list[str] = field(default_factory=list)
    defined_properties: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    sync: dict[str, Any] = field(default_factory=dict)
    api_calls: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "dry_run": self.dry_run,
            "actions": self.actions,
            "to_mailjet": self.to_mailjet,
            "to_database": self.to_database,
            "conflicts": [
                {
                    "email": c.key,
                    "value": c.target,
                    "base": c.base,
                    "database": c.database,
                    "mailjet": c.mailjet,
                    "kept": c.kept,
                    "rule": c.rule,
                }
                for c in self.conflicts
            ],
            "failures": [{"email": k, "error": v} for k, v in sorted(self.failures.items())],
            "created_lists": self.created_lists,
            "defined_properties": self.defined_properties,
            "duplicates": self.duplicates,
            "sync": self.sync,
            "api_calls": self.api_calls,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class Difference:
    """One disagreement `verify` found: a value, or a contact present on one side only."""

    email: str
    value: str  # the mapped value, or "presence"
    database: str | None
    mailjet: str | None


def plan(mapping: Mapping, settings: Settings, **kwargs: Any) -> RunReport:
    """What a run would write to each side, and why; writes nothing to the table or to Mailjet.

    It refreshes our copy of the contacts (the sync engine, in our schema) to know Mailjet's side.
    Keyword arguments as `run`.
    """
    return _run(mapping, settings, dry_run=True, **kwargs)


def run(mapping: Mapping, settings: Settings, **kwargs: Any) -> RunReport:
    """Bring the table and Mailjet in step (see the module docstring).

    Args:
        mapping: a validated mapping (`load_mapping`).
        settings: the connection settings (credentials, base URL, rate limit...).
        journal: the checkpoint journal path (default: the mapping's, else .mailjet-connector/journal.sqlite).
        transport: an httpx transport for the client (tests).
        pipelines_dir: where the sync engine keeps its local state (default: dlt's).
        sleep: how bulk jobs wait between polls.

    Raises:
        MappingError: the table or a mapped column is missing.
        QueryError: the database cannot be opened, or a statement failed.
        APIError / TransportError: Mailjet failed beyond the client's retries (re-run to go on).
    """
    return _run(mapping, settings, dry_run=False, **kwargs)


def _run(
    mapping: Mapping,
    settings: Settings,
    *,
    dry_run: bool,
    journal: str | Path | None = None,
    transport: Any = None,
    pipelines_dir: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> RunReport:
    started = time.monotonic()
    report = RunReport(uuid.uuid4().hex[:12], dry_run)
    client = settings.create_client(transport=transport)
    sent = client.pacer.sent
    with client:
        definitions, list_ids = _prerequisites(client, mapping, report, dry_run)
        sync = refresh_copy(mapping, settings, transport=transport, pipelines_dir=pipelines_dir)
        report.sync = {"rows": sync.totals.rows, "new": sync.totals.new, "updated": sync.totals.updated,
                       "deleted": sync.totals.deleted, "api_calls": sync.api_calls}  # fmt: skip
        with open_database(mapping.url) as db:
            table = _table(db, mapping, create=not dry_run)
            store = StateStore(db, mapping)
            if not dry_run:
                store.create()
            state = store.load()
            rows = table.read(state) if table.exists else DatabaseRows()
            copy = read_copy(db, mapping, list_ids, definitions)
            decisions = _decide(mapping, rows, copy, state, store.settled())
            _summarise(report, decisions, rows)
            if not dry_run:
                store.begin_run(report.run)
                store.record_conflicts(report.run, report.conflicts)
                store.close_agreed(lambda k, t: _agree(rows, copy, k, t))
                path = Path(journal or mapping.journal or journal_path(mapping))
                with Journal(path) as checkpoints:
                    report.failures = write_mailjet(client, mapping, decisions, copy, list_ids,
                                                    journal=checkpoints, sleep=sleep)  # fmt: skip
                _commit(db, table, store, decisions, rows, copy, state, report.failures)
                _clear_journal(path)
    report.api_calls = client.pacer.sent - sent
    report.seconds = time.monotonic() - started
    if not dry_run:
        with open_database(mapping.url) as db:
            StateStore(db, mapping).finish_run(report.run, {k: v for k, v in report.to_dict().items()
                                                            if k not in ("conflicts", "failures")})  # fmt: skip
    return report


def journal_path(mapping: Mapping) -> Path:
    """The mapping's own journal (emptied after each completed run; see `_clear_journal`)."""
    return DEFAULT_JOURNAL.parent / f"twoway-{mapping.state_schema}.sqlite"


def _clear_journal(path: Path) -> None:
    """Forget a completed run's checkpoints.

    The importer's journal takes the same rows for the same job ("already written"): right for re-running
    one import, wrong for a later run that must write the same values again (a value changed back and
    forth). A crash leaves the journal in place, so the next run polls the jobs still in flight instead of
    sending them again.
    """
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _prerequisites(
    client: Any, mapping: Mapping, report: RunReport, dry_run: bool
) -> tuple[dict[str, Any], dict[str, int]]:
    """Define missing mapped properties and find (or create) the mapped lists."""
    definitions = fetch_definitions(client)
    missing = {n: k for n, k in mapping.properties.items() if n.lower() not in definitions}
    report.defined_properties = sorted(missing)
    if missing and not dry_run:
        for made in define_properties(client, missing):
            definitions[made.name.lower()] = made
    list_ids: dict[str, int] = {}
    for name in mapping.list_names:
        try:
            list_ids[name] = resolve_list(client, name)
        except ListNotFoundError:
            if name.isdigit():
                raise
            report.created_lists.append(name)
            if not dry_run:
                list_ids[name] = resolve_list(client, name, create=True)
    return definitions, list_ids


def _table(db: Database, mapping: Mapping, *, create: bool) -> MappedTable:
    table = MappedTable(db, mapping)
    if not table.exists:
        if not mapping.create_table:
            raise MappingError(
                f"{mapping.source}: table {mapping.table} not found in the database; create it, or set"
                " database.create_table = true to let the first run create it"
            )
        if create:
            table.create()
        return table
    table.check()
    return table


def _decide(
    mapping: Mapping,
    rows: DatabaseRows,
    copy: MailjetCopy,
    state: dict[str, Known],
    settled: dict[str, dict[str, str]],
) -> list[Decision]:
    keys = sorted((set(rows.sides) | set(copy.sides) | set(state)) - rows.outside)
    decisions = []
    for key in keys:
        known = state.get(key)
        mj = copy.sides.get(key)
        if mj is not None:
            changed = known is None or known.mj_hash != row_hash(mj.values)
            mj = Side(mj.values, changed, mj.updated, mj.unsubscribed, mj.email)
        db = rows.sides.get(key)
        if (known is not None and not known.deleted and db is not None and mj is not None and not db.changed
                and not mj.changed and key not in settled):  # fmt: skip
            decisions.append(Decision(key, "keep", agreed=known.agreed, why="unchanged"))
            continue
        decisions.append(decide(key, db, mj, known, mapping, settled.get(key)))
    return decisions


def _agree(rows: DatabaseRows, copy: MailjetCopy, key: str, target: str) -> bool:
    db, mj = rows.sides.get(key), copy.sides.get(key)
    return db is not None and mj is not None and db.values.get(target) == mj.values.get(target)


def _summarise(report: RunReport, decisions: list[Decision], rows: DatabaseRows) -> None:
    for decision in decisions:
        report.actions[decision.action] = report.actions.get(decision.action, 0) + 1
        report.conflicts += decision.conflicts
        if decision.to_mailjet or decision.action in ("create_mailjet", "forget_mailjet"):
            report.to_mailjet += 1
        if decision.to_database or decision.action in ("insert_database", "delete_database", "mark_database"):
            report.to_database += 1
        if decision.writes or decision.conflicts:
            report.decisions.append(decision)
    report.duplicates = sorted(set(rows.duplicates))


def _commit(
    db: Database,
    table: MappedTable,
    store: StateStore,
    decisions: list[Decision],
    rows: DatabaseRows,
    copy: MailjetCopy,
    state: dict[str, Known],
    failures: dict[str, str],
) -> None:
    """The table's writes and the new state, in one transaction."""
    # Rows are matched on the key as the table spells it (the key column's index serves the match).
    spelled = {k: side.email for k, side in rows.sides.items()}
    updates = {d.key: d.to_database for d in decisions if d.action == "update" and d.to_database}
    inserts = {d.email or d.key: d.to_database for d in decisions if d.action == "insert_database"}
    deletes = [d.key for d in decisions if d.action == "delete_database"]
    marks = [d.key for d in decisions if d.action == "mark_database"]
    with db.transaction():
        table.write(updates, inserts, deletes, marks, rows.raw, spelled)
        written = set(updates) | {k.lower() for k in inserts} | set(marks)
        after = table.reread(written, state)
        entries: dict[str, Known | None] = {}
        for d in decisions:
            if d.key in failures:
                continue  # Mailjet refused: keep the old state, the next run sees the same edit again
            if d.action == "keep" and d.key in state:
                continue
            if d.agreed is None:
                entries[d.key] = None
                continue
            db_hash = after.hashes.get(d.key, rows.hashes.get(d.key))
            db_updated = after.updated.get(d.key, rows.updated.get(d.key))
            entries[d.key] = Known(d.agreed, db_hash, row_hash(_mailjet_view(d, copy)), db_updated, d.deleted)
        store.save(entries)


def _mailjet_view(decision: Decision, copy: MailjetCopy) -> dict[str, str | None]:
    """The contact's mapped values as Mailjet should read them back: its current ones with this run's writes.

    For a contact this run created, the agreed values: a value the create could not carry (a read-only
    field) then reads back different, and the next run takes Mailjet's.
    """
    current = copy.sides.get(decision.key)
    if current is None:
        return dict(decision.agreed or {})
    return {t: decision.to_mailjet.get(t, current.values.get(t)) for t in current.values}


def verify(mapping: Mapping, settings: Settings, **kwargs: Any) -> list[Difference]:
    """Refresh our copy of Mailjet and list every mapped value (and contact) on which the sides differ.

    Deletions the mapping marks or ignores are not differences; open manual conflicts are.
    """
    transport, pipelines_dir = kwargs.get("transport"), kwargs.get("pipelines_dir")
    with settings.create_client(transport=transport) as client:
        definitions = fetch_definitions(client)
        list_ids = {}
        for name in mapping.list_names:
            try:
                list_ids[name] = resolve_list(client, name)
            except ListNotFoundError:
                continue
    refresh_copy(mapping, settings, transport=transport, pipelines_dir=pipelines_dir)
    with open_database(mapping.url) as db:
        table = _table(db, mapping, create=False)
        state = StateStore(db, mapping).load()
        rows = table.read(state) if table.exists else DatabaseRows()
        copy = read_copy(db, mapping, list_ids, definitions)
    found = []
    for key in sorted((set(rows.sides) | set(copy.sides)) - rows.outside):
        db_side, mj_side, known = rows.sides.get(key), copy.sides.get(key), state.get(key)
        if db_side is None or mj_side is None:
            expected = known is not None and known.deleted == ("database" if db_side is None else "mailjet")
            if not expected:
                found.append(
                    Difference(
                        key, "presence", "present" if db_side else None, "present" if mj_side else None
                    )
                )
            continue
        for column in mapping.values:
            d, m = db_side.values.get(column.target), mj_side.values.get(column.target)
            if d != m:
                found.append(Difference(key, column.target, d, m))
    return found


def status(mapping: Mapping) -> dict[str, Any]:
    """Keys tracked, deletions marked, conflicts (open and settled) and the last runs, from our tables."""
    with open_database(mapping.url) as db:
        store = StateStore(db, mapping)
        found = store.status()
        found["open_conflicts"] = [
            {"email": k, "value": t, "database": d, "mailjet": m}
            for k, t, d, m in store.open_conflicts()[:20]
        ]
    return found
