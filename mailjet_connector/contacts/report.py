"""The outcome of a bulk contact import (its errors file is the importer's: `importer.report`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mailjet_connector.importer.properties import Definition
from mailjet_connector.importer.report import RowFailure

__all__ = ["ImportReport"]


@dataclass
class ImportReport:
    """What `import_contacts` did.

    Args:
        plan: the plan summary (contacts, batches, properties and their types...).
        dry_run: nothing was written.
        defined: properties created in contactmetadata.
        submitted_jobs: managemanycontacts JobIDs started by this run (retries included).
        resumed_jobs: JobIDs started by an interrupted run and polled by this one.
        skipped_batches: batches a previous run already finished (from the journal).
        imported: contacts the jobs applied without error.
        errors: rows not imported: refused before any call, or reported in a job's error file; `key` is
            the email (case-folded), or `row:N` for a row without one.
    """

    plan: dict[str, Any]
    dry_run: bool = False
    defined: list[Definition] = field(default_factory=list)
    submitted_jobs: list[int] = field(default_factory=list)
    resumed_jobs: list[int] = field(default_factory=list)
    skipped_batches: int = 0
    imported: int = 0
    errors: list[RowFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "dry_run": self.dry_run,
            "defined": {d.name: d.datatype for d in self.defined},
            "submitted_jobs": self.submitted_jobs,
            "resumed_jobs": self.resumed_jobs,
            "skipped_batches": self.skipped_batches,
            "imported": self.imported,
            "errors": len(self.errors),
            "first_errors": [
                {"row": e.number, "email": _email(e), "error": e.error} for e in self.errors[:10]
            ],
        }


def _email(error: RowFailure) -> str:
    return "" if error.key.startswith("row:") else error.key
