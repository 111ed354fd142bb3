"""The errors file of an import: each failed row with its original columns plus Mailjet's reason."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mailjet_connector.contacts.plan import RowError
from mailjet_connector.contacts.report import write_errors

if TYPE_CHECKING:
    from mailjet_connector.importer.apply import RowFailure

__all__ = ["write_failures"]


def write_failures(failures: Sequence[RowFailure], path: str | Path) -> int:
    """Write failed rows as CSV (the original columns plus `error`), in source order.

    Args:
        failures: the failed rows of an `ImportResult`.
        path: the CSV file (overwritten).

    Returns:
        The number of rows written.
    """
    # The contacts bulk import writes the same file shape: one writer for both.
    return write_errors([RowError(f.number, f.row, f.key, f.error) for f in failures], path)
