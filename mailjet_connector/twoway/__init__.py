"""Two-way synchronisation between a database table (DuckDB or PostgreSQL) and Mailjet contacts (issue #20).

    mapping = load_mapping("crm.toml")
    report = plan(mapping, settings)      # what would go where, and why; writes nothing
    report = run(mapping, settings)       # both sides in step; conflicts settled by the mapping's rule
    differences = verify(mapping, settings)

Mailjet is read through the sync engine (`sync.run_sync`, into our schema of the same database) and written
through the importer's planner and bulk jobs; see `engine.py` for the order of a run and docs/twoway.md.
Names are loaded on first use (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailjet_connector._lazy import lazy_exports

if TYPE_CHECKING:
    from mailjet_connector.twoway.engine import Difference, RunReport, plan, run, status, verify
    from mailjet_connector.twoway.mapping import Mapping, MappingError, load_mapping, parse_mapping

__all__ = [
    "Difference",
    "Mapping",
    "MappingError",
    "RunReport",
    "load_mapping",
    "parse_mapping",
    "plan",
    "run",
    "status",
    "verify",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Difference": "engine",
        "Mapping": "mapping",
        "MappingError": "mapping",
        "RunReport": "engine",
        "load_mapping": "mapping",
        "parse_mapping": "mapping",
        "plan": "engine",
        "run": "engine",
        "status": "engine",
        "verify": "engine",
    },
)
