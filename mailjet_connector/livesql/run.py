"""`run_live` and `explain_live`: one SELECT against Mailjet itself, with what the API can do pushed to it.

1. sqlglot parses the statement and names the live tables it reads; DuckDB binds it against empty tables of
   their schemas (unknown columns and type errors are reported before any API call);
2. the conditions, joins and the one-table shape are turned into a read plan (`plan.py`), constants being
   evaluated by DuckDB in the transaction the query later runs in;
3. the reads run within the call budget (`fetch.py`);
4. DuckDB runs the SQL over the rows read, in a sandbox with no file access: every pushed condition is
   re-checked there, so pushing only ever saves calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from sqlglot import exp

from mailjet_connector.client import Client
from mailjet_connector.livesql.constants import Evaluator
from mailjet_connector.livesql.explain import Explainer, LiveExplain
from mailjet_connector.livesql.fetch import DEFAULT_MAX_CALLS, Budget, Fetcher
from mailjet_connector.livesql.local import Sandbox, sandbox
from mailjet_connector.livesql.parse import Edge, LiveSqlError, analyse, parse_statement, referenced_tables
from mailjet_connector.livesql.plan import Plan, plan_query
from mailjet_connector.livesql.tables import live_table
from mailjet_connector.query import QueryResult

__all__ = ["LiveExplain", "LiveResult", "explain_live", "run_live"]


@dataclass(frozen=True)
class LiveResult(QueryResult):
    """The rows of a live query and the API calls that read them (one line per call)."""

    calls: tuple[str, ...] = ()


def run_live(client: Client, sql: str, *, max_calls: int | None = DEFAULT_MAX_CALLS) -> LiveResult:
    """Run one SELECT against the API.

    Args:
        client: the API client.
        sql: the statement; its tables are catalog resources named as in the synced dataset.
        max_calls: refuse (LiveLimitError, with the estimate) a query that needs more API calls; None: no bound.

    Returns:
        The columns, the rows and the calls made.

    Raises:
        LiveSqlError: bad SQL, an unknown table or column, a parameter the API needs that the query leaves
            open, or (LiveLimitError) too many calls.
        MailjetError: the API refused a call.
    """
    budget = Budget(max_calls)
    with sandbox() as box:
        _, plan, columns = _prepare(sql, box)
        fetcher = Fetcher(client, budget, lambda edge, tables: _feed_values(box, edge, tables))
        tables = fetcher.run(plan)
        if plan.count:
            return LiveResult(columns, [(fetcher.total,)], tuple(budget.calls))
        result = box.run(plan.local_sql, tables)
    return LiveResult(result.columns, result.rows, tuple(budget.calls))


def explain_live(client: Client, sql: str) -> LiveExplain:
    """The API calls `run_live` would make for `sql`, without reading any rows.

    Listings are sized with one countOnly call each (reported as `probes`); a source fed by another is
    sized by its feeder's rows.

    Raises:
        LiveSqlError: as `run_live` does before its first call.
    """
    with sandbox() as box:
        _, plan, _ = _prepare(sql, box)
    return Explainer(client, plan).run()


def _prepare(sql: str, box: Sandbox) -> tuple[exp.Expression, Plan, list[str]]:
    statement = parse_statement(sql)
    if not isinstance(statement, exp.Query):
        kind = type(statement).__name__.upper()
        raise LiveSqlError(f"live queries take one SELECT (or INSERT, UPDATE, DELETE to write), not {kind}")
    names = referenced_tables(statement)
    columns = box.bind(sql, {name: live_table(name).schema for name in names})
    plan = plan_query(sql, statement, analyse(statement), Evaluator(box))
    return statement, plan, columns


def _feed_values(box: Sandbox, edge: Edge, tables: dict[str, pa.Table]) -> list[Any] | None:
    """The distinct non-NULL values an edge feeds, over the tables read so far (None: DuckDB refused)."""
    rows = box.try_query(f"SELECT DISTINCT * FROM ({edge.values_sql()}) AS v", tables=tables)
    return None if rows is None else [row[0] for row in rows if row and row[0] is not None]
