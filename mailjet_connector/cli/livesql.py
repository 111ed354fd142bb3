"""`mailjet-connector query --live`: SQL against Mailjet itself (the options and rendering; livesql does it)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from mailjet_connector.cli.options import ConnectionOptions
from mailjet_connector.cli.sync_render import render_query
from mailjet_connector.livesql import DEFAULT_MAX_CALLS, explain_live, run_live

Live = Annotated[bool, typer.Option("--live", help="Query Mailjet itself instead of the synced dataset.")]
Explain = Annotated[bool, typer.Option("--explain", help="With --live: show the API calls, read no rows.")]
MaxCalls = Annotated[
    int,
    typer.Option("--max-calls", help="With --live: refuse a query that needs more API calls.", min=1),
]

QUERY_LIVE_HELP = f"""
With --live, the tables are read from the API (same names and columns as the dataset): WHERE, ORDER BY,
LIMIT and count(*) go to the API where its filters can do them, DuckDB does the rest. A query needing more
than --max-calls calls (default {DEFAULT_MAX_CALLS}) is refused with its estimate; --explain shows the calls.

    mailjet-connector query --live "select * from contact where email = 'ada@example.org'" --emulator

    mailjet-connector query --live --explain "select count(*) from message where campaign_id = 7"
"""


def run_live_command(sql: str, fmt: str, conn: ConnectionOptions, *, explain: bool, max_calls: int) -> None:
    """Run or explain one live query and render it (rows on stdout, the call count on stderr)."""
    with conn.client() as client:
        if explain:
            typer.echo("\n".join(explain_live(client, sql).lines))
            return
        result = run_live(client, sql, max_calls=max_calls)
    render_query(Console(), result, fmt)
    calls = len(result.calls)
    Console(stderr=True).print(f"{calls} API call{'s' * (calls != 1)}", style="dim", highlight=False)
