"""Write rows back to Mailjet: read sources, plan validated writes (pure), apply them (I/O).

The library API, rows -> plan -> apply:

    plan = prepare(client, "contactslist", rows, "upsert", key=["Name"])   # reads the account, plans
    result = apply(client, plan, journal=journal)                          # writes what differs

`plan_rows(resource, rows, mode, existing)` is the pure planner under `prepare` (feed it your own
`Existing`); `import_rows` is `prepare` + `apply` in one call. Names are loaded on first use (PEP 562), so
importing this package does not import the client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailjet_connector._lazy import lazy_exports

if TYPE_CHECKING:
    from mailjet_connector.importer.columns import PlanError
    from mailjet_connector.importer.model import Existing, Kind, Mode, Plan, Write
    from mailjet_connector.importer.plan import plan_rows
    from mailjet_connector.importer.report import RowFailure, write_failures
    from mailjet_connector.importer.run import ImportResult, apply, import_rows, prepare
    from mailjet_connector.importer.sources import SourceError, read_rows

__all__ = [
    "Existing",
    "ImportResult",
    "Kind",
    "Mode",
    "Plan",
    "PlanError",
    "RowFailure",
    "SourceError",
    "Write",
    "apply",
    "import_rows",
    "plan_rows",
    "prepare",
    "read_rows",
    "write_failures",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Existing": "model",
        "ImportResult": "run",
        "Kind": "model",
        "Mode": "model",
        "Plan": "model",
        "PlanError": "columns",
        "RowFailure": "report",
        "SourceError": "sources",
        "Write": "model",
        "apply": "run",
        "import_rows": "run",
        "plan_rows": "plan",
        "prepare": "run",
        "read_rows": "sources",
        "write_failures": "report",
    },
)
