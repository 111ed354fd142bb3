"""The outcome of a bulk contact import, and its errors file (each failed row plus Mailjet's reason)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailjet_connector.contacts.plan import RowError
from mailjet_connector.contacts.properties import Definition

__all__ = ["ImportReport", "write_errors"]

ERROR_COLUMN = "error"


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
        errors: rows not imported: refused before any call, or reported in a job's error file.
    """

    plan: dict[str, Any]
    dry_run: bool = False
    defined: list[Definition] = field(default_factory=list)
    submitted_jobs: list[int] = field(default_factory=list)
    resumed_jobs: list[int] = field(default_factory=list)
    skipped_batches: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "dry_run": self.dry_run,
            "defined": {d.name: d.datatype for d in self.defined},
            "submitted_jobs": self.submitted_jobs,
            "resumed": bool(self.resumed_jobs or self.skipped_batches),  # went on from an interrupted run
            "resumed_jobs": self.resumed_jobs,
            "skipped_batches": self.skipped_batches,
            "imported": self.imported,
            "errors": len(self.errors),
            "first_errors": [
                {"row": e.row_number, "email": e.email, "error": e.error} for e in self.errors[:10]
            ],
        }


def write_errors(errors: list[RowError], path: str | Path) -> int:
    """Write failed rows as CSV: the original columns plus `error` (Mailjet's reason), in source order.

    Args:
        errors: the rows to write.
        path: the CSV file (overwritten).

    Returns:
        The number of rows written.
    """
    ordered = sorted(errors, key=lambda e: e.row_number)
    columns = list(dict.fromkeys(c for e in ordered for c in e.row if c != ERROR_COLUMN))
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*columns, ERROR_COLUMN])
        for error in ordered:
            writer.writerow([_cell(error.row.get(c)) for c in columns] + [error.error])
    return len(ordered)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)
