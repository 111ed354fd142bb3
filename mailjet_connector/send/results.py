"""The per-row results file of a mail merge (CSV or JSONL), written from the plan and the journal."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from mailjet_connector.journal import DONE, FAILED, PENDING, Journal
from mailjet_connector.send.merge import MergePlan

__all__ = ["COLUMNS", "iter_results", "write_results"]

COLUMNS = ("row", "key", "email", "status", "message_id", "message_uuid", "error")
NOT_SENT = "not sent"  # planned but not attempted (dry run, or the run stopped before it)
SKIPPED = "skipped"


def iter_results(plan: MergePlan, journal: Journal | None) -> Iterator[dict[str, Any]]:
    """One result per source row, in source order, with what the journal knows (all runs of the job).

    Statuses: `sent`, `sandbox`, `failed` (Mailjet refused it: `error` says why), `skipped` (never sent:
    no address, duplicate key), `pending` (in flight when a run died: the next run settles it),
    `not sent`.
    """
    known = journal.entries(plan.job) if journal is not None else {}
    for row in plan.rows:
        result = {"row": row.number, "key": row.key, "email": row.email, "status": NOT_SENT}
        result.update(message_id=None, message_uuid=None, error=None)
        entry = known.get(row.key) if row.recipient is not None else None
        if row.recipient is None:
            result.update(status=SKIPPED, error=row.problem)
        elif entry is not None and entry.status == DONE:
            done = entry.result or {}
            result.update(
                status=done.get("Status", "sent"),
                message_id=done.get("MessageID"),
                message_uuid=done.get("MessageUUID"),
            )
        elif entry is not None and entry.status == FAILED:
            result.update(status="failed", error=entry.error)
        elif entry is not None and entry.status == PENDING:
            result.update(status="pending", error="outcome unknown: run again to settle it")
        yield result


def write_results(path: str | Path, plan: MergePlan, journal: Journal | None) -> int:
    """Write the results file; the format follows the extension (`.jsonl`/`.ndjson`, else CSV).

    Args:
        path: where to write (replaced).
        plan: the merge plan.
        journal: the job's journal (None: only skipped rows have a status).

    Returns:
        How many rows were written.
    """
    path = Path(path)
    count = 0
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        with path.open("wb") as handle:
            for result in iter_results(plan, journal):
                handle.write(orjson.dumps(result) + b"\n")
                count += 1
        return count
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for result in iter_results(plan, journal):
            writer.writerow({k: "" if v is None else v for k, v in result.items()})
            count += 1
    return count
