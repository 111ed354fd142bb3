"""Write rows back to Mailjet: read sources, plan validated writes (pure), apply them (I/O), journal them."""

from __future__ import annotations

from mailjet_connector.importer.apply import ImportResult, RowFailure, import_rows
from mailjet_connector.importer.columns import PlanError
from mailjet_connector.importer.journal import DEFAULT_JOURNAL, Journal, job_id
from mailjet_connector.importer.plan import Existing, Kind, Mode, Plan, Write, plan_rows
from mailjet_connector.importer.sources import SourceError, read_rows

__all__ = [
    "DEFAULT_JOURNAL",
    "Existing",
    "ImportResult",
    "Journal",
    "Kind",
    "Mode",
    "Plan",
    "PlanError",
    "RowFailure",
    "SourceError",
    "Write",
    "import_rows",
    "job_id",
    "plan_rows",
    "read_rows",
]
