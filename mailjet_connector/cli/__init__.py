"""The `mailjet-connector` command: thin typer commands over the library."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="mailjet-connector",
    help="Move data in and out of Mailjet, safely. Try any command with --emulator: no account needed.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """mailjet-connector: sync, write back, webhooks, agents, and a local Mailjet emulator."""


def main() -> None:
    app()
