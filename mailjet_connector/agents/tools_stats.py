"""Agent tools that read numbers: `stats_summary` (statcounters with rates) and `query` (read-only SQL over
the synced dataset)."""

from __future__ import annotations

from typing import Any, Literal

import orjson

from mailjet_connector.agents.policy import Access, Request
from mailjet_connector.agents.tools import Result, ToolContext, ToolError
from mailjet_connector.catalog import Area, Verb
from mailjet_connector.catalog.counters import broken_rule
from mailjet_connector.query import QueryError, to_json

__all__ = ["TOOLS", "query", "stats_summary"]

MAX_SLICES = 100
MAX_ROWS = 500


def query(ctx: ToolContext, sql: str, max_rows: int = 100) -> Result:
    """Read-only SQL (one SELECT) over the synced dataset: one table per resource, named after it, columns
    in snake_case (`select status, count(*) from message group by 1`). Only the tables of the areas you may
    read exist for this tool; files and settings are out of reach.

    Args:
        sql: one SELECT statement.
        max_rows: most rows returned (1-500, default 100); `truncated` says when there were more.
    """

    def body() -> Result:
        if not 1 <= max_rows <= MAX_ROWS:
            raise ToolError(f"max_rows must be 1-{MAX_ROWS}")
        try:
            # Bounded in the database, not after fetching everything.
            result = ctx.sql().run(sql, max_rows=max_rows + 1)
        except QueryError as exc:
            raise ToolError(str(exc)) from None
        rows = orjson.loads(to_json(result))
        return {
            "columns": result.columns,
            "count": min(len(rows), max_rows),
            "truncated": len(rows) > max_rows,
            "rows": rows[:max_rows],
        }

    if not any(ctx.agent.access(area) is not Access.OFF for area in Area):
        requests = [Request(None, Verb.GET, area=Area.STATISTICS)]  # denied: no area, so no table at all
    else:
        requests = []
    return ctx.run("query", requests, body)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summarise(row: dict[str, Any]) -> Result:
    """One statcounters row as counts and rates (delivery over processed, the others over delivered)."""
    value = {k: int(row.get(k) or 0) for k in row if k.endswith("Count") or k == "Total"}
    processed, delivered = value.get("Total", 0), value.get("MessageSentCount", 0)
    bounced = value.get("MessageHardBouncedCount", 0) + value.get("MessageSoftBouncedCount", 0)
    counts = {
        "processed": processed,
        "delivered": delivered,
        "opened": value.get("MessageOpenedCount", 0),
        "clicked": value.get("MessageClickedCount", 0),
        "bounced": bounced,
        "blocked": value.get("MessageBlockedCount", 0),
        "spam": value.get("MessageSpamCount", 0),
        "unsubscribed": value.get("MessageUnsubscribedCount", 0),
    }
    rates = {
        "delivery": _ratio(delivered, processed),
        "open": _ratio(counts["opened"], delivered),
        "click": _ratio(counts["clicked"], delivered),
        "bounce": _ratio(bounced, processed),
        "spam": _ratio(counts["spam"], delivered),
        "unsubscribe": _ratio(counts["unsubscribed"], delivered),
    }
    return {"timeslice": row.get("Timeslice") or "lifetime", **counts, "rates": rates}


def stats_summary(
    ctx: ToolContext,
    source: Literal["APIKey", "Campaign", "List"] = "APIKey",
    source_id: int | None = None,
    resolution: Literal["Lifetime", "Day"] = "Lifetime",
    timing: Literal["Message", "Event"] = "Message",
    from_date: str | None = None,
    to_date: str | None = None,
) -> Result:
    """Sending statistics (statcounters) for the account, a campaign or a list: processed, delivered,
    opened, clicked, bounced, blocked, spam, unsubscribed, with rates (delivery = delivered/processed,
    open/click/spam/unsubscribe over delivered, bounce over processed).

    Args:
        source: APIKey (the whole account), Campaign or List.
        source_id: the campaign or list ID (Campaign, List).
        resolution: Lifetime (one row) or Day (one row per day with activity, most recent last).
        timing: Message (counted at send time) or Event (at event time; Day resolution only, any source
            but List).
        from_date: Day only: RFC 3339 start (exclusive).
        to_date: Day only: RFC 3339 end (inclusive).
    """

    def body() -> Result:
        if source != "APIKey" and source_id is None:
            raise ToolError(f"source {source} needs source_id")
        rule = broken_rule(source, timing, resolution)
        if rule is not None:  # the API would refuse it (400): say which rule, before any call
            raise ToolError(f"Mailjet refuses this combination: {rule.message()}")
        params: dict[str, Any] = {
            "CounterSource": source,
            "CounterTiming": timing,
            "CounterResolution": resolution,
        }
        if source_id is not None:
            params["SourceID"] = source_id
        if resolution == "Day":
            params |= {k: v for k, v in (("FromTS", from_date), ("ToTS", to_date)) if v}
        page = ctx.client.page("statcounters", params, limit=1000)
        slices = [summarise(row) for row in page.rows][-MAX_SLICES:]
        return {
            "source": source,
            "source_id": source_id,
            "resolution": resolution,
            "count": len(slices),
            "truncated": page.total > len(slices),
            "slices": slices,
        }

    return ctx.run(f"stats_summary {source}", [Request("statcounters", Verb.GET)], body)


TOOLS = {"stats_summary": stats_summary, "query": query}
