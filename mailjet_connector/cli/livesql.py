"""`mailjet-connector query --live`: SQL against Mailjet itself (the options and rendering; livesql does it)."""

from __future__ import annotations

from typing import Annotated, Any

import click
import typer

from mailjet_connector.cli.exits import EXIT_ROWS_FAILED, fail
from mailjet_connector.cli.options import ConnectionOptions
from mailjet_connector.cli.output import make_console
from mailjet_connector.cli.sync_render import render_query
from mailjet_connector.livesql import DEFAULT_MAX_CALLS

Live = Annotated[bool, typer.Option("--live", help="Query Mailjet itself instead of the synced dataset.")]
Explain = Annotated[
    bool,
    typer.Option("--explain", help="With --live: show the API calls (or a write's plan); change nothing."),
]
MaxCalls = Annotated[
    int,
    typer.Option("--max-calls", help="With --live: refuse a query that needs more API calls.", min=1),
]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="With --live: apply a write without asking.")]

QUERY_LIVE_HELP = f"""
With --live, the tables are read from the API (same names and columns as the dataset): WHERE, ORDER BY,
LIMIT and count(*) go to the API where its filters can do them, DuckDB does the rest. A query needing more
than --max-calls calls (default {DEFAULT_MAX_CALLS}) is refused with its estimate; --explain shows the calls.
INSERT, UPDATE ... WHERE and DELETE ... WHERE on a writable resource show the import plan and apply it
after a prompt (or with --yes); exit 1 when some rows failed or the prompt was declined.

    mailjet-connector query --live "select * from contact where email = 'ada@example.org'" --emulator

    mailjet-connector query --live --explain "select count(*) from message where campaign_id = 7" --emulator

    mailjet-connector query --live "update contactslist set name = 'VIP' where id = 2" --yes --emulator
"""


def run_live_command(
    sql: str, fmt: str, conn: ConnectionOptions, *, explain: bool, max_calls: int, yes: bool = False
) -> None:
    """Run or explain one live statement and render it (rows on stdout, the call count on stderr)."""
    try:
        from mailjet_connector.livesql import explain_live, run_live
        from mailjet_connector.livesql.writes import is_write
    except ModuleNotFoundError as exc:
        fail(f"--live needs the [sync] extra: pip install 'mailjet-connector[sync]' ({exc.name} missing)")

    with conn.open() as connection, connection.client() as client:
        if is_write(sql):
            _write(
                client,
                sql,
                explain=explain,
                max_calls=max_calls,
                yes=yes,
                concurrency=connection.settings.concurrency,
            )
            return
        if explain:
            typer.echo("\n".join(explain_live(client, sql).lines))
            return
        result = run_live(client, sql, max_calls=max_calls)
    render_query(make_console(), result, fmt)
    _calls(len(result.calls))


def _write(client: Any, sql: str, *, explain: bool, max_calls: int, yes: bool, concurrency: int) -> None:
    """Plan, show, then (after a prompt or with --yes) apply an INSERT, UPDATE or DELETE."""
    from mailjet_connector.cli.imports import render_import
    from mailjet_connector.journal import DEFAULT_JOURNAL, Journal
    from mailjet_connector.livesql.writes import apply_live_write, plan_live_write

    write = plan_live_write(client, sql, max_calls=max_calls)
    preview = apply_live_write(client, write, dry_run=True)  # the plan and its refused rows; writes nothing
    render_import(preview, as_json=False, errors=None)
    _calls(len(write.calls), "to find the rows")
    writes = sum(n for kind, n in write.plan.counts().items() if kind in ("create", "update", "delete"))
    if explain or not writes:
        return
    if not yes:
        try:
            confirmed = typer.confirm(f"Apply these {writes} write(s) to Mailjet?", default=False, err=True)
        except click.exceptions.Abort:
            confirmed = False
        if not confirmed:
            typer.echo("Nothing was written: confirm, or pass --yes in scripts.", err=True)
            raise typer.Exit(EXIT_ROWS_FAILED)
    with Journal(DEFAULT_JOURNAL) as journal:
        result = apply_live_write(client, write, journal=journal, concurrency=concurrency)
    render_import(result, as_json=False, errors=None)
    if result.failures:
        raise typer.Exit(EXIT_ROWS_FAILED)


def _calls(count: int, what: str = "") -> None:
    suffix = f" {what}" if what else ""
    make_console(stderr=True).print(
        f"{count} API call{'s' * (count != 1)}{suffix}", style="dim", highlight=False
    )
