"""`mailjet-connector check`: is the connection to Mailjet (or the emulator) working?"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape

from mailjet_connector.cli.exits import EXIT_OK, describe
from mailjet_connector.cli.options import CONNECTION, ConnectionOptions
from mailjet_connector.cli.output import make_console
from mailjet_connector.errors import ConfigError
from mailjet_connector.health import CheckResult, check_connection, fast_client_options

HELP = """Check the credentials and the connection with one cheap call, in under 10 seconds.

It never retries and waits at most 5 seconds for an answer (less with a shorter --timeout).
Exit codes: 0 ok, 2 usage or missing credentials, 3 authentication refused (or wrong region),
4 host unreachable, 5 other API error.

Examples:

    mailjet-connector check --emulator

    MJ_APIKEY_PUBLIC=... MJ_APIKEY_PRIVATE=... mailjet-connector check --region us
"""


def check(
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """Check the credentials and the connection (one call, under 10 seconds)."""
    try:
        with conn.open() as connection:
            options = fast_client_options(connection.settings.timeout)
            with connection.client(**options) as client:
                result = check_connection(client)
    except ConfigError as exc:
        result = CheckResult(str(exc).splitlines()[0], "see `mailjet-connector check --help`", error=exc)
    code = EXIT_OK if result.error is None else describe(result.error).code
    _render(result, code, as_json)
    raise typer.Exit(code)


check.__doc__ = HELP


def _render(result: CheckResult, code: int, as_json: bool) -> None:
    if as_json:
        payload = {
            "ok": result.ok,
            "exit_code": code,
            "message": result.message,
            "hint": result.hint,
            "key_name": result.key_name,
            "base_url": result.base_url,
        }
        typer.echo(json.dumps(payload))
        return
    console = make_console(stderr=not result.ok, highlight=False)
    console.print(("[green]" if result.ok else "[red]") + escape(result.message), markup=True, soft_wrap=True)
    if result.hint:
        console.print(f"hint: {result.hint}", markup=False, soft_wrap=True)
