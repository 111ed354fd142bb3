"""Failed rows: the record every write path reports, and the errors file (each row plus the reason)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mailjet_connector.spreadsheet import neutralise

__all__ = ["ERROR_COLUMN", "RowFailure", "write_failures"]

ERROR_COLUMN = "error"


@dataclass(frozen=True)
class RowFailure:
    """A row that was not written, with the reason (Mailjet's message when Mailjet refused it).

    Args:
        number: 1-based row position in the source.
        row: the original row.
        key: the row's match-key value (a contact's email), or `row:N` when it has none.
        error: why: ours for rows refused before any call, Mailjet's for rows it refused.
    """

    number: int
    row: dict[str, Any]
    key: str
    error: str


def write_failures(failures: Iterable[RowFailure], path: str | Path) -> int:
    """Write failed rows as CSV: the original columns plus `error`, in source order.

    Every cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) is written as text
    (`spreadsheet.neutralise`): the rows come from files and from Mailjet, which anyone may have filled.

    Args:
        failures: the failed rows (an `ImportResult`'s or an `ImportReport`'s).
        path: the CSV file (overwritten).

    Returns:
        The number of rows written.
    """
    ordered = sorted(failures, key=lambda f: f.number)
    columns = list(dict.fromkeys(c for f in ordered for c in f.row if c != ERROR_COLUMN))
    with Path(path).open("w", newline="", encoding="utf-8", errors="replace") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise(str(c)) for c in [*columns, ERROR_COLUMN]])
        for failure in ordered:
            cells = [_cell(failure.row.get(c)) for c in columns] + [failure.error]
            writer.writerow([neutralise(cell) for cell in cells])
    return len(ordered)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)
