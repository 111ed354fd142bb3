"""Live SQL: query Mailjet itself with SQL, no replica needed (issue #23).

Every readable catalog resource is a table with the synced dataset's name and columns. What the API can
do (filters, sort, limit, offset, countOnly, keyed reads) is pushed to it; DuckDB evaluates the rest over the
rows read, in a sandbox with no file access. INSERT, UPDATE ... WHERE and DELETE ... WHERE become the
importer's plan (`plan_live_write`), applied by `apply_live_write`. See docs/query.md.

Needs the [sync] extra (DuckDB, pyarrow, sqlglot). Names are loaded on first use (PEP 562): importing this
package imports none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailjet_connector._lazy import lazy_exports

# The API calls a live query may make unless told otherwise (`--max-calls`).
DEFAULT_MAX_CALLS = 100

if TYPE_CHECKING:
    from mailjet_connector.livesql.explain import LiveExplain
    from mailjet_connector.livesql.fetch import LiveLimitError
    from mailjet_connector.livesql.parse import LiveSqlError
    from mailjet_connector.livesql.run import LiveResult, explain_live, run_live
    from mailjet_connector.livesql.tables import live_table, live_table_names
    from mailjet_connector.livesql.writes import LiveWrite, apply_live_write, plan_live_write

__all__ = [
    "DEFAULT_MAX_CALLS",
    "LiveExplain",
    "LiveLimitError",
    "LiveResult",
    "LiveSqlError",
    "LiveWrite",
    "apply_live_write",
    "explain_live",
    "live_table",
    "live_table_names",
    "plan_live_write",
    "run_live",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "LiveExplain": "explain",
        "LiveLimitError": "fetch",
        "LiveResult": "run",
        "LiveSqlError": "parse",
        "LiveWrite": "writes",
        "apply_live_write": "writes",
        "explain_live": "run",
        "live_table": "tables",
        "live_table_names": "tables",
        "plan_live_write": "writes",
        "run_live": "run",
    },
)
