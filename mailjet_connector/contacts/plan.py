"""A bulk contact import's plan: the one planner's blind contact plan, seen as jobs, batches and properties.

`plan_import` is pure: it calls `importer.plan_rows` without reading the account (every valid row is an
upsert that a managemanycontacts job resolves by email) and wraps the result in an `ImportPlan`, which
adds what the bulk import shows: batches, duplicates, properties to define.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.errors import PlanError
from mailjet_connector.importer.columns import delimiter_hint, map_columns
from mailjet_connector.importer.jobs import DEFAULT_BATCH_SIZE, BulkContact, bulk_contact
from mailjet_connector.importer.model import BadRow, Existing, Kind, Mode, Plan, materialise
from mailjet_connector.importer.plan import plan_rows
from mailjet_connector.importer.properties import Definition
from mailjet_connector.importer.report import RowFailure

__all__ = ["DEFAULT_BATCH_SIZE", "PROPERTY_MODES", "ImportPlan", "email_column", "plan_import"]

PROPERTY_MODES = ("auto", "strict")
_CONTACT = catalog.get("contact")
_KEY = ("Email",)


@dataclass
class ImportPlan:
    """What a bulk contact import will do; `batches()` are the managemanycontacts calls, in order.

    Args:
        plan: the planner's plan (blind: `upsert`, `skip` for duplicate emails, `error` writes).
        batch_size: contacts per job.
    """

    plan: Plan
    batch_size: int = DEFAULT_BATCH_SIZE

    @property
    def action(self) -> str:
        return self.plan.list_action

    @property
    def lists(self) -> tuple[int, ...]:
        return self.plan.lists

    @property
    def contacts(self) -> list[BulkContact]:
        """The managemanycontacts entries, one per distinct email (the last row for an email wins)."""
        return [bulk_contact(w) for w in self.plan.pending()]

    @property
    def rejected(self) -> list[RowFailure]:
        """Rows refused before any call, with the reason."""
        return [
            RowFailure(w.number, w.row, w.key, w.reason) for w in self.plan.writes if w.kind is Kind.ERROR
        ]

    @property
    def properties(self) -> dict[str, str]:
        """Property column -> Datatype (defined, or inferred for a new one)."""
        return self.plan.properties

    @property
    def to_define(self) -> dict[str, str]:
        """The properties the account lacks, created before any job."""
        return self.plan.to_define

    @property
    def ignored_columns(self) -> list[str]:
        """Read-only contact fields and dlt's columns."""
        return list(self.plan.ignored)

    @property
    def duplicates(self) -> int:
        """Rows left out because a later row has the same email."""
        return sum(1 for w in self.plan.writes if w.kind is Kind.SKIP)

    def batches(self) -> list[list[BulkContact]]:
        contacts, size = self.contacts, self.batch_size
        return [contacts[i : i + size] for i in range(0, len(contacts), size)]

    def summary(self) -> dict[str, Any]:
        """The plan as shown before running (and by `--dry-run`)."""
        contacts = len(self.plan.pending())
        return {
            "action": self.action,
            "lists": list(self.lists),
            "contacts": contacts,
            "batches": -(-contacts // self.batch_size),
            "batch_size": self.batch_size,
            "rejected": sum(1 for w in self.plan.writes if w.kind is Kind.ERROR),
            "duplicates": self.duplicates,
            "properties": dict(self.properties),
            "properties_to_define": dict(self.to_define),
            "ignored_columns": self.ignored_columns,
        }


def email_column(columns: Iterable[str]) -> str | None:
    """The column holding contacts' emails (any spelling of `Email`), if any."""
    return map_columns(_CONTACT, columns, properties={}, define=True).column("Email")


def plan_import(
    rows: Iterable[Mapping[str, Any]],
    definitions: Mapping[str, Definition],
    *,
    action: str = "addforce",
    lists: Sequence[int] = (),
    properties: str = "auto",
    batch_size: int = DEFAULT_BATCH_SIZE,
    existing_emails: Mapping[int, str] | None = None,
) -> ImportPlan:
    """Turn source rows into a validated bulk import plan (no I/O).

    Args:
        rows: source rows (column -> value; None or "" = empty).
        definitions: the account's properties by lower-cased name (`fetch_definitions`).
        action: list action for every contact: addforce, addnoforce, remove or unsub.
        lists: list IDs the action applies to (none: contacts and properties only, action must be addforce).
        properties: "auto" defines missing properties with inferred types; "strict" refuses them.
        batch_size: contacts per managemanycontacts job.
        existing_emails: contact ID -> current email, for rows carrying an ID/ContactID column; a row whose
            email differs is refused (Mailjet forbids email changes).

    Returns:
        The plan; rows that cannot be imported are in `rejected` with the reason.

    Raises:
        PlanError: bad action, mode or batch size, no Email column, or undefined properties in strict mode.
    """
    if properties not in PROPERTY_MODES:
        raise PlanError(f"unknown properties mode {properties!r}: auto or strict")
    if batch_size < 1:
        raise PlanError("batch size must be at least 1")
    materialised = materialise(rows)
    good = [r for r in materialised if not isinstance(r, BadRow)]
    columns = list(dict.fromkeys(c for r in good for c in r))
    if good and email_column(columns) is None:
        raise PlanError(
            f"no Email column: the source needs one (any case, e.g. email){delimiter_hint(columns)}"
        )
    existing = Existing(records=None, definitions=definitions, emails=existing_emails or {})
    plan = plan_rows(
        _CONTACT,
        materialised,
        Mode.UPSERT,
        existing,
        key=_KEY,
        lists=lists,
        list_action=action,
        define_properties=properties == "auto",
    )
    return ImportPlan(plan, batch_size)
