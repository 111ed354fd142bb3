"""Live SQL: query Mailjet itself with SQL, no replica needed (issue #23).

Every readable catalog resource is a table with the synced dataset's name and columns. What the API can
do (filters, sort, limit, offset, countOnly, keyed reads) is pushed to it; DuckDB evaluates the rest over the
rows read, in a sandbox with no file access. INSERT, UPDATE ... WHERE and DELETE ... WHERE become the
importer's plan (`plan_live_write`), applied by `apply_live_write`. See docs/query.md.
"""

from __future__ import annotations

from mailjet_connector.livesql.explain import LiveExplain
from mailjet_connector.livesql.fetch import DEFAULT_MAX_CALLS, LiveLimitError
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
