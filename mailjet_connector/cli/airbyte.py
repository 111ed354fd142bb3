"""`mailjet-connector airbyte spec|check|discover|read`: the Airbyte protocol on stdout (extra: [airbyte])."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mailjet_connector.cli.command import Typer
from mailjet_connector.cli.exits import fail

airbyte_app = Typer(
    name="airbyte",
    help="Run as an Airbyte source: protocol messages on stdout, one stream per synced table.\n\n"
    "Example:  mailjet-connector airbyte discover --config config.json",
    no_args_is_help=True,
)

CONFIG = typer.Option("--config", help="The source config (JSON: api_key, api_key_secret, ...; see `spec`).")
CATALOG = typer.Option("--catalog", help="The configured catalog (JSON): streams and their sync modes.")
STATE = typer.Option("--state", help="The state of the last read (JSON array of STATE messages).")


def _run(
    command: str, config: Path | None = None, catalog: Path | None = None, state: Path | None = None
) -> None:
    try:
        from mailjet_connector.airbyte import run
    except ModuleNotFoundError as exc:
        fail(
            f"airbyte needs the [airbyte] extra: pip install 'mailjet-connector[airbyte]' ({exc.name} missing)"
        )
    code = run(command, sys.stdout.buffer, config, catalog, state)
    sys.stdout.flush()
    raise typer.Exit(code)


@airbyte_app.command("spec")
def spec() -> None:
    """Print the connector specification (the config's JSON schema).

    Example:

        mailjet-connector airbyte spec
    """
    _run("spec")


@airbyte_app.command("check")
def check(config: Annotated[Path, CONFIG]) -> None:
    """Check the config's credentials with one call (CONNECTION_STATUS).

    Example:

        mailjet-connector airbyte check --config config.json
    """
    _run("check", config)


@airbyte_app.command("discover")
def discover(config: Annotated[Path, CONFIG]) -> None:
    """List the streams with their JSON schemas, sync modes, cursors and primary keys (CATALOG).

    Example:

        mailjet-connector airbyte discover --config config.json
    """
    _run("discover", config)


@airbyte_app.command("read")
def read(
    config: Annotated[Path, CONFIG],
    catalog: Annotated[Path, CATALOG],
    state: Annotated[Path | None, STATE] = None,
) -> None:
    """Read the catalog's streams: RECORD lines, STATE after each page of a window and each walk.

    Example:

        mailjet-connector airbyte read --config config.json --catalog catalog.json --state state.json
    """
    _run("read", config, catalog, state)
