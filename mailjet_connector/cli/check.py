"""`mailjet-connector check`: is the connection to Mailjet (or the emulator) working?"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from mailjet_connector.config import Settings
from mailjet_connector.errors import ConfigError
from mailjet_connector.health import EXIT_USAGE, CheckResult, check_client, check_connection

HELP = """Check the credentials and the connection with one cheap call, in under 10 seconds.

Exit codes: 0 ok, 2 usage or missing credentials, 3 authentication refused (or wrong region),
4 host unreachable, 5 other API error.

Examples:

    mailjet-connector check --emulator

    MJ_APIKEY_PUBLIC=... MJ_APIKEY_PRIVATE=... mailjet-connector check --region us
"""


def check(
    emulator: Annotated[
        bool, typer.Option("--emulator", help="Check against the embedded emulator.")
    ] = False,
    api_key: Annotated[str | None, typer.Option("--api-key", help="API key (else MJ_APIKEY_PUBLIC).")] = None,
    api_secret: Annotated[
        str | None, typer.Option("--api-secret", help="Secret key (else MJ_APIKEY_PRIVATE).")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="API root (else MAILJET_BASE_URL).")
    ] = None,
    region: Annotated[str | None, typer.Option("--region", help="eu (default) or us.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
) -> None:
    """Check the credentials and the connection (one call, under 10 seconds)."""
    if emulator:
        from mailjet_connector.emulator.server import start_emulator

        with start_emulator(scale="tiny") as server:
            result = _run(server.api_key, server.api_secret, server.url, None)
    else:
        overrides = {"api_key": api_key, "api_secret": api_secret, "base_url": base_url, "region": region}
        try:
            settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
            kwargs = settings.client_kwargs()
        except (ConfigError, ValueError) as exc:
            result = CheckResult(EXIT_USAGE, str(exc).splitlines()[0], "see `mailjet-connector check --help`")
        else:
            result = _run(kwargs["api_key"], kwargs["api_secret"], kwargs["base_url"], kwargs["region"])
    _render(result, as_json)
    raise typer.Exit(result.exit_code)


check.__doc__ = HELP


def _run(api_key: str, api_secret: str, base_url: str | None, region: str | None) -> CheckResult:
    try:
        client = check_client(api_key, api_secret, base_url=base_url, region=region)
    except ConfigError as exc:
        return CheckResult(EXIT_USAGE, str(exc), "see `mailjet-connector check --help`")
    with client:
        return check_connection(client)


def _render(result: CheckResult, as_json: bool) -> None:
    if as_json:
        payload = {
            "ok": result.ok,
            "exit_code": result.exit_code,
            "message": result.message,
            "hint": result.hint,
            "key_name": result.key_name,
            "base_url": result.base_url,
        }
        typer.echo(json.dumps(payload))
        return
    console = Console(stderr=not result.ok, highlight=False)
    console.print(("[green]" if result.ok else "[red]") + result.message, markup=True)
    if result.hint:
        console.print(f"hint: {result.hint}", markup=False)
