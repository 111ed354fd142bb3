"""`mailjet-connector resources`: show the resource catalog as a table, JSON or markdown."""

from __future__ import annotations

from typing import Annotated

import orjson
import typer
from rich.table import Table

from mailjet_connector import catalog
from mailjet_connector.catalog.docs import SUMMARY_COLUMNS, record, render_markdown, summary
from mailjet_connector.cli.exits import fail
from mailjet_connector.cli.output import make_console


def resources(
    json_output: Annotated[
        bool, typer.Option("--json", help="Every attribute of every resource, as a JSON array.")
    ] = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="The docs/catalog.md page (how the docs are regenerated).")
    ] = False,
) -> None:
    """List every Mailjet resource the toolkit knows: path, verbs, keys, cursor, actions.

    Examples:

        mailjet-connector resources

        mailjet-connector resources --json | jq '.[] | select(.computed) | .name'
    """
    if json_output and markdown:
        fail("choose one of --json and --markdown")
    rows = catalog.all_resources()
    if json_output:
        typer.echo(orjson.dumps([record(r) for r in rows], option=orjson.OPT_INDENT_2).decode())
    elif markdown:
        typer.echo(render_markdown(rows), nl=False)
    else:
        console = make_console()
        if not console.is_terminal:
            # Piped or captured: rich would assume 80 columns and fold every cell; widen instead.
            console = make_console(width=240)
        console.print(_rich_table(rows))


def _rich_table(rows: tuple[catalog.Resource, ...]) -> Table:
    table = Table(title=f"Mailjet resources ({len(rows)})", show_lines=False)
    for column in SUMMARY_COLUMNS:
        table.add_column(column, overflow="fold", no_wrap=column in ("name", "verbs", "incremental"))
    for resource in rows:
        table.add_row(*summary(resource).values())
    return table
