"""The `mailjet-connector` command: thin typer commands over the library."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from mailjet_connector import __version__
from mailjet_connector.cli.agents import agents_app
from mailjet_connector.cli.airbyte import airbyte_app
from mailjet_connector.cli.campaign import campaign_app
from mailjet_connector.cli.catalog import resources
from mailjet_connector.cli.check import check
from mailjet_connector.cli.command import Typer
from mailjet_connector.cli.contacts import contacts_app
from mailjet_connector.cli.emulator import emulator_app
from mailjet_connector.cli.exits import EXIT_BROKEN_PIPE
from mailjet_connector.cli.imports import import_
from mailjet_connector.cli.report import report
from mailjet_connector.cli.send import send
from mailjet_connector.cli.sync import export, query, sync
from mailjet_connector.cli.twoway import twoway_app
from mailjet_connector.cli.webhooks import webhooks_app

app = Typer(
    name="mailjet-connector",
    help="Move data in and out of Mailjet, safely. Try any command with --emulator: no account needed.",
    no_args_is_help=True,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mailjet-connector {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """mailjet-connector: sync, write back, webhooks, agents, and a local Mailjet emulator."""


app.add_typer(emulator_app)
app.add_typer(webhooks_app)
app.add_typer(contacts_app)
app.command("check", help=check.__doc__)(check)
app.command("resources")(resources)
app.command("sync", help=sync.__doc__, resumable=True)(sync)
app.command("export", help=export.__doc__)(export)
app.command("query", help=query.__doc__)(query)
app.command("report", help=report.__doc__)(report)
app.command("import", help=import_.__doc__, resumable=True)(import_)
app.command("send", help=send.__doc__, resumable=True)(send)
app.add_typer(campaign_app)
app.add_typer(agents_app)
app.add_typer(twoway_app)
app.add_typer(airbyte_app)


def main() -> None:
    try:
        app(prog_name="mailjet-connector")  # also under `python -m mailjet_connector`
    except SystemExit as done:
        # Output still buffered when the reader has gone (`... | head`): leave quietly, as GNU tools do.
        try:
            sys.stdout.flush()
        except ValueError:  # stdout already closed (the MCP stdio server closes it on its way out)
            pass
        except BrokenPipeError:
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(EXIT_BROKEN_PIPE) from None
        raise done
