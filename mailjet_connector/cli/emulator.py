"""`mailjet-connector emulator ...`: run the local Mailjet emulator."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mailjet_connector import catalog
from mailjet_connector.cli.command import Typer
from mailjet_connector.cli.exits import fail
from mailjet_connector.wire.timestamps import parse_moment

emulator_app = Typer(
    name="emulator",
    help="Run a faithful local emulator of the Mailjet API (no account needed).\n\n"
    "Example:  mailjet-connector emulator serve --port 8025",
    no_args_is_help=True,
)

EMULATOR_EXTRA = ("uvicorn", "starlette", "numpy", "trustme")

SERVE_EXAMPLE = """
Serve the Mailjet API locally with seeded data, until Ctrl-C.

Examples:

    mailjet-connector emulator serve --port 8025 --scale small

    mailjet-connector emulator serve --contacts 5000 --rate-limit 300/min

    mailjet-connector emulator serve --tls --plan free

Then point any Mailjet client at the printed URL with the printed key and secret.
"""


def parse_overrides(pairs: list[str], contacts: int | None, messages: int | None) -> dict[str, int]:
    """Per-resource row counts from `--set RESOURCE=N` pairs and the `--contacts/--messages` shortcuts.

    Returns:
        catalog name -> number of rows.

    Raises:
        ValueError: a malformed pair, an unknown resource or a negative count.
    """
    overrides: dict[str, int] = {}
    for pair in pairs:
        name, sep, count = pair.partition("=")
        if not sep or not count.strip().isdigit():
            raise ValueError(f"--set expects RESOURCE=N (N >= 0), got {pair!r}")
        try:
            overrides[catalog.get(name.strip()).name] = int(count)
        except catalog.UnknownResourceError as exc:
            raise ValueError(str(exc)) from None
    for name, count in (("contact", contacts), ("message", messages)):
        if count is not None:
            if count < 0:
                raise ValueError(f"--{name}s must be >= 0")
            overrides[name] = count
    return overrides


def parse_now(value: str | None) -> float | None:
    """Unix seconds from an RFC 3339 timestamp (`2024-05-01T12:00:00Z`); naive values are UTC.

    Raises:
        ValueError: not an RFC 3339 timestamp.
    """
    if value is None:
        return None
    try:
        return parse_moment(value).timestamp()
    except ValueError:
        raise ValueError(
            f"--now expects an RFC 3339 timestamp like 2024-05-01T12:00:00Z, got {value!r}"
        ) from None


def credentials_banner(url: str, accounts: list[tuple[str, str, str]], ca: str | None = None) -> str:
    """What `serve` prints: the URL, every key pair, and shell lines for the main key.

    Args:
        url: the server's base URL.
        accounts: (label, api key, api secret) tuples, main account first. These are emulator
            credentials, made up for local use, so showing them is the point.
        ca: with `--tls`, the CA certificate file clients must trust (its export line is added).
    """
    lines = [f"Mailjet emulator listening on {url}"]
    for label, key, secret in accounts:
        lines.append(f"  {label:<12} API key: {key}   secret: {secret}")
    _, key, secret = accounts[0]
    lines += [
        "Use it from a shell:",
        f"  export MJ_APIKEY_PUBLIC={key} MJ_APIKEY_PRIVATE={secret} MAILJET_BASE_URL={url}",
    ]
    if ca is not None:
        from mailjet_connector.emulator.tls import trust_exports

        lines.insert(1, f"  CA certificate: {ca} (made for this run, removed on exit)")
        lines.append(f"  {trust_exports(Path(ca))}")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


@emulator_app.command("serve", help=SERVE_EXAMPLE, server=True)
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(min=0, max=65535, envvar="MAILJET_EMULATOR_PORT", help="TCP port (0 = any free port)."),
    ] = 8025,
    seed: Annotated[int, typer.Option(help="Seed of the generated data (same seed, same data).")] = 0,
    scale: Annotated[str, typer.Option(help="Data preset: tiny, small or large.")] = "tiny",
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Rows of one resource, e.g. --set contact=5000 (repeatable)."),
    ] = None,
    contacts: Annotated[int | None, typer.Option(help="Shortcut for --set contact=N.")] = None,
    messages: Annotated[int | None, typer.Option(help="Shortcut for --set message=N.")] = None,
    rate_limit: Annotated[
        str | None, typer.Option(help="Requests per API key, e.g. 300/min or 5/s (default: none).")
    ] = None,
    faults: Annotated[str | None, typer.Option(help="Fault injection spec (see docs/emulator.md).")] = None,
    api_key: Annotated[str | None, typer.Option(help="API key of the main account.")] = None,
    api_secret: Annotated[str | None, typer.Option(help="Secret key of the main account.")] = None,
    control: Annotated[bool, typer.Option(help="Mount the /_emulator control endpoints.")] = True,
    now: Annotated[str | None, typer.Option(help="Start the emulator clock at this RFC 3339 time.")] = None,
    tls: Annotated[
        bool, typer.Option(help="Serve HTTPS with a certificate made at start; prints the CA file to trust.")
    ] = False,
    plan: Annotated[
        str, typer.Option(help="Sending plan of every account: unlimited, free (200/day) or test (10/hour).")
    ] = "unlimited",
    sub_accounts: Annotated[
        int,
        typer.Option(
            min=0,
            help="Sub-accounts besides the main one, each with its own key (emulator-sub-key, emulator-sub-key-2...).",
        ),
    ] = 1,
    sub_data: Annotated[
        str,
        typer.Option(
            help="Data of each sub-account: tenth (a tenth of tiny) or main (like the main account)."
        ),
    ] = "tenth",
) -> None:
    try:
        import uvicorn

        from mailjet_connector.emulator.app import create_app
        from mailjet_connector.emulator.middleware.faults import parse_faults
        from mailjet_connector.emulator.send.plan import set_plan
        from mailjet_connector.emulator.server import (
            ServerStartError,
            bind_socket,
            server_config,
            tls_options,
        )
        from mailjet_connector.emulator.tls import create_tls
        from mailjet_connector.wire.rates import parse_rate
    except ModuleNotFoundError as exc:
        if exc.name not in EMULATOR_EXTRA:
            raise
        fail(
            f"the emulator needs the [emulator] extra: pip install 'mailjet-connector[emulator]' ({exc.name} missing)"
        )

    if (api_key is None) != (api_secret is None):
        fail("--api-key and --api-secret go together")
    try:
        overrides = parse_overrides(set_ or [], contacts, messages)
        # Checked here so a bad spec is a one-line usage error before any data is generated.
        if rate_limit is not None:
            parse_rate(rate_limit)
        if faults is not None:
            parse_faults(faults)
        if sub_data not in ("tenth", "main"):
            raise ValueError(f"--sub-data must be tenth or main, not {sub_data!r} (see --help)")
        state = build_state_for_cli(
            seed, scale, overrides, parse_now(now), api_key, api_secret, sub_accounts, sub_data == "main"
        )
        for account in state.accounts.values():
            set_plan(account, plan)
        app = create_app(state, control=control, rate_limit=rate_limit, faults=faults)
        sock = bind_socket(host, port)
    except (ValueError, KeyError, ServerStartError) as exc:
        fail(str(exc).strip("'\""))
    files = create_tls(host) if tls else None
    url = f"{'https' if files else 'http'}://{host}:{sock.getsockname()[1]}"
    typer.echo(credentials_banner(url, account_labels(state), str(files.ca) if files else None))
    sys.stdout.flush()
    try:
        uvicorn.Server(server_config(app, **(tls_options(files) if files else {}))).run(sockets=[sock])
    finally:
        if files is not None:
            files.remove()


def build_state_for_cli(
    seed: int,
    scale: str,
    overrides: dict[str, int],
    now: float | None,
    api_key: str | None,
    api_secret: str | None,
    sub_accounts: int = 1,
    sub_like_main: bool = False,
):  # -> EmulatorState (imported lazily: the emulator extra may be missing)
    """The seeded state `serve` exposes: the main account (its credentials replaced when asked) and
    `sub_accounts` sub-accounts, seeded with a tenth of `tiny` or, with `sub_like_main`, like the main one.

    Raises:
        ValueError: unknown scale or bad overrides (from the seed builder).
    """
    from mailjet_connector.emulator.seed import (
        DEFAULT_API_KEY,
        DEFAULT_API_SECRET,
        PRESETS,
        build_state,
        resolve_counts,
        sub_account_keys,
    )

    if scale not in PRESETS:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(PRESETS)}")
    main = (api_key, api_secret) if api_key is not None and api_secret is not None else None
    accounts = [main or (DEFAULT_API_KEY, DEFAULT_API_SECRET), *sub_account_keys(sub_accounts)]
    return build_state(
        seed=seed,
        scale=scale,
        overrides=overrides or None,
        accounts=accounts,
        now=now,
        sub_counts=resolve_counts(scale, overrides or None) if sub_like_main else None,
    )


def account_labels(state) -> list[tuple[str, str, str]]:
    """(label, key, secret) for every account of the state, the main account first."""
    labels = []
    for index, account in enumerate(state.accounts.values()):
        label = "main" if index == 0 else f"sub-account {index}" if len(state.accounts) > 2 else "sub-account"
        labels.append((label, account.api_key, account.api_secret))
    return labels
