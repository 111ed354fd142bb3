"""`mailjet-connector webhooks serve | register | list | remove | tail`: the durable event receiver."""

from __future__ import annotations

import time
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from mailjet_connector.cli.command import Typer
from mailjet_connector.cli.exits import EXIT_ROWS_FAILED, fail
from mailjet_connector.cli.options import CONNECTION, ConnectionOptions
from mailjet_connector.cli.output import make_console, verbosity
from mailjet_connector.config import load_settings
from mailjet_connector.webhooks import register as hooks
from mailjet_connector.webhooks.settings import DEFAULT_STORE, ReceiverSettings
from mailjet_connector.webhooks.store import Kind, Store, open_store
from mailjet_connector.wire.timestamps import format_timestamp

webhooks_app = Typer(
    name="webhooks",
    help="Receive Mailjet events and inbound mails into a durable store, and point Mailjet at it.\n\n"
    "Example:  mailjet-connector webhooks serve --username hook --password s3cret --store sqlite:///events.db",
    no_args_is_help=True,
)

SERVE_HELP = """Run the receiver: POST /events (single or grouped), POST /inbound (Parse API), GET /health, GET /metrics.

Each request is answered 200 only once its events are durably stored (SQLite WAL + synchronous=FULL by
default, or PostgreSQL); re-deliveries are recognised and stored once. Credentials: Basic (put them in
the callback URL, e.g. https://hook:s3cret@host/events) and/or a secret path token (/events/TOKEN).
Options fall back to MAILJET_WEBHOOK_* environment variables.

Examples:

    mailjet-connector webhooks serve --username hook --password s3cret

    mailjet-connector webhooks serve --token 6f1d... --store postgresql://me@localhost/mailjet --port 9000
"""

REGISTER_HELP = """Point Mailjet's event callbacks (and optionally the parse route) at the receiver. Idempotent.

Examples:

    mailjet-connector webhooks register --url https://hook:s3cret@events.example.org/events --grouped

    mailjet-connector webhooks register --url https://h.example.org/events/TOKEN --events sent,open,click \\
        --backup https://backup.example.org/events/TOKEN --inbound https://h.example.org/inbound/TOKEN
"""

StoreOption = Annotated[
    str | None,
    typer.Option("--store", help=f"sqlite:///file.db or postgresql://... (default {DEFAULT_STORE})."),
]
EventsOption = Annotated[str, typer.Option("--events", help="all, or a comma list: sent,open,click,...")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@webhooks_app.command("serve", help=SERVE_HELP, server=True)
def serve(
    host: Annotated[
        str | None, typer.Option("--host", help="Interface to listen on (default 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", min=0, max=65535, help="TCP port (default 8026).")
    ] = None,
    store: StoreOption = None,
    username: Annotated[str | None, typer.Option("--username", help="Basic user expected.")] = None,
    password: Annotated[str | None, typer.Option("--password", help="Basic password expected.")] = None,
    token: Annotated[str | None, typer.Option("--token", help="Secret path token (/events/TOKEN).")] = None,
    allow_anonymous: Annotated[
        bool, typer.Option("--allow-anonymous", help="Accept requests without any credentials.")
    ] = False,
) -> None:
    """Run the webhook receiver until Ctrl-C."""
    from mailjet_connector.webhooks.server import serve_receiver

    given = {"host": host, "port": port, "store": store, "username": username, "password": password,
             "token": token, "allow_anonymous": allow_anonymous or None}  # fmt: skip

    def ready(url: str, location: str) -> None:
        typer.echo(f"Receiving on {url}/events and /inbound, storing to {location}", err=True)

    serve_receiver(load_settings(ReceiverSettings, **given), ready)


def _render(changes: list[hooks.Change], as_json: bool) -> None:
    if as_json:
        typer.echo(orjson.dumps([c.__dict__ for c in changes]).decode())
        return
    table = Table("kind", "type / address", "backup", "version", "status", "action", "id", "url")
    for c in changes:
        table.add_row(c.kind, c.event_type, "yes" if c.backup else "", str(c.version or ""), c.status, c.action,
                      str(c.id), c.url)  # fmt: skip
    make_console(highlight=False).print(table)


@webhooks_app.command("register", help=REGISTER_HELP)
def register(
    url: Annotated[str, typer.Option("--url", help="The receiver's events URL (credentials included).")],
    events: EventsOption = "all",
    grouped: Annotated[bool, typer.Option("--grouped", help="Version 2: one array per second.")] = False,
    backup: Annotated[str | None, typer.Option("--backup", help="Backup URL (used while suspended).")] = None,
    inbound: Annotated[
        str | None, typer.Option("--inbound", help="Also route Parse mails to this URL.")
    ] = None,
    conn: ConnectionOptions = CONNECTION,
    as_json: AsJson = False,
) -> None:
    """Register the receiver's URLs with Mailjet (idempotent)."""
    types = hooks.parse_event_types(events)
    with conn.client() as client:
        changes = hooks.register_events(client, url, types, grouped=grouped, backup_url=backup)
        if inbound:
            changes.append(hooks.register_inbound(client, inbound))
    _render(changes, as_json)


@webhooks_app.command("list")
def list_command(
    conn: ConnectionOptions = CONNECTION,
    as_json: AsJson = False,
) -> None:
    """List event callback URLs and parse routes (passwords masked).

    Example:  mailjet-connector webhooks list --emulator
    """
    with conn.client() as client:
        changes = hooks.list_hooks(client)
    _render(changes, as_json)


REMOVE_HELP = """Remove exactly what is named: callbacks by --events and/or --url, parse routes by --inbound
(all of them) or --inbound-url. Naming nothing is an error; removing more than one row asks first
(--yes to skip); finding nothing to remove says so and exits 1.

Examples:

    mailjet-connector webhooks remove --url https://h.example.org/events/TOKEN --yes

    mailjet-connector webhooks remove --events open,click --emulator --yes

    mailjet-connector webhooks remove --inbound-url https://h.example.org/inbound/TOKEN
"""


@webhooks_app.command("remove", help=REMOVE_HELP)
def remove(
    events: Annotated[
        str | None, typer.Option("--events", help="Callbacks of these types: all, or a comma list.")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="Callbacks pointing at this URL.")] = None,
    inbound: Annotated[bool, typer.Option("--inbound", help="Every parse route.")] = False,
    inbound_url: Annotated[
        str | None, typer.Option("--inbound-url", help="The parse route pointing at this URL.")
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask before removing several rows.")
    ] = False,
    conn: ConnectionOptions = CONNECTION,
    as_json: AsJson = False,
) -> None:
    types = hooks.parse_event_types(events) if events else ()
    removal = hooks.Removal(types, url, parse_routes=inbound, inbound_url=inbound_url)
    if not removal.names_callbacks and not removal.names_routes:
        fail("name what to remove: --events, --url, --inbound or --inbound-url")
    with conn.client() as client:
        found = hooks.find_removals(client, removal)
        if not found:
            given = {"--events": events, "--url": url, "--inbound": inbound, "--inbound-url": inbound_url}
            fail(
                f"nothing matched {' '.join(o for o, v in given.items() if v)}: nothing was removed",
                EXIT_ROWS_FAILED,
                hint="see `mailjet-connector webhooks list`",
            )
        if len(found) > 1 and not yes:
            _confirm_removal(found)
        changes = hooks.delete(client, found)
    _render(changes, as_json)


def _confirm_removal(found: list[hooks.Change]) -> None:
    for change in found:
        typer.echo(f"  {change.kind} {change.event_type} {change.url}", err=True)
    try:
        confirmed = typer.confirm(f"Remove these {len(found)} rows?", default=False, err=True)
    except typer.Abort:  # no terminal to answer on: not a yes
        confirmed = False
    if not confirmed:
        typer.echo("Nothing was removed.", err=True)
        raise typer.Exit(EXIT_ROWS_FAILED)


def _line(kind: Kind, row: dict[str, Any]) -> str:
    when = format_timestamp(row.get("time") or row["received_at"])
    if kind == "inbound":
        return f"{row['seq']}\t{when}\tinbound\t{row['sender']} -> {row['recipient']}\t{row.get('subject') or ''}"
    detail = row.get("url") or row.get("error") or row.get("agent") or row.get("source") or ""
    return f"{row['seq']}\t{when}\t{row['event']}\t{row['email']}\t{row['message_id']}\t{detail}"


def _follow(opened: Store, kind: Kind, after: int, follow: bool, interval: float, as_json: bool) -> None:
    while True:
        page = opened.read(kind, after, 1000)
        for row in page:
            typer.echo(row["raw"] if as_json else _line(kind, row))
        if page:
            after = page[-1]["seq"]
            continue
        if not follow:
            return
        time.sleep(interval)


@webhooks_app.command("tail", server=True)
def tail(
    store: StoreOption = None,
    inbound: Annotated[bool, typer.Option("--inbound", help="Inbound mails instead of events.")] = False,
    after: Annotated[
        int | None, typer.Option("--after", help="Start after this seq (default: the newest).")
    ] = None,
    from_start: Annotated[bool, typer.Option("--from-start", help="Print everything stored first.")] = False,
    follow: Annotated[bool, typer.Option("--follow/--no-follow", help="Keep waiting for new rows.")] = True,
    interval: Annotated[float, typer.Option("--interval", help="Seconds between polls.")] = 0.5,
    as_json: Annotated[bool, typer.Option("--json", help="Print each raw payload as one JSON line.")] = False,
) -> None:
    """Print events (or inbound mails) as they arrive in the store.

    Example:  mailjet-connector webhooks tail --store sqlite:///events.db --from-start
    """
    kind: Kind = "inbound" if inbound else "event"
    opened = open_store(store or load_settings(ReceiverSettings).store, create=False)
    with opened:
        start = after if after is not None else 0 if from_start else opened.last_seq(kind)
        if follow and not verbosity().quiet:
            typer.echo(f"Following {opened.location} (Ctrl-C to stop)", err=True)
        _follow(opened, kind, start, follow, interval, as_json)
