"""`mailjet-connector contacts ...`: bulk import through async jobs, and provisioning verbs by email."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from mailjet_connector.cli.command import Typer
from mailjet_connector.cli.dataset_options import DatasetName
from mailjet_connector.cli.exits import EXIT_ROWS_FAILED, fail
from mailjet_connector.cli.options import CONNECTION, ConnectionOptions
from mailjet_connector.cli.output import make_console, progress_enabled
from mailjet_connector.cli.sync_render import ProgressBars
from mailjet_connector.client import Client
from mailjet_connector.contacts import (
    DEFAULT_BATCH_SIZE,
    ForgetReport,
    ImportPlan,
    Outcome,
    exclude,
    forget_everywhere,
    import_contacts,
    include,
    journal_path,
    read_emails,
    subscribe,
    unsubscribe,
)
from mailjet_connector.dataset import DEFAULT_DATASET
from mailjet_connector.errors import ListNotFoundError
from mailjet_connector.importer.poll import Backoff
from mailjet_connector.importer.report import write_failures
from mailjet_connector.importer.sources import read_rows
from mailjet_connector.journal import DEFAULT_JOURNAL, Journal
from mailjet_connector.lists import resolve_list

contacts_app = Typer(
    name="contacts",
    help="Contacts at scale: bulk import through Mailjet's async jobs, and subscribe / unsubscribe / "
    "exclude / include / forget by email.\n\n"
    "Exit codes: 0 ok, 1 some rows or emails failed, 2 usage, 3 authentication, 4 network, 5 API error.\n\n"
    "Example:  mailjet-connector contacts import people.csv --list Newsletter --emulator --create-list",
    no_args_is_help=True,
)

IMPORT_HELP = """Import contacts with their properties and a list action, through managemanycontacts jobs.

The file (CSV, JSONL or Parquet; or --sql over the synced dataset) needs an Email column; Name and
IsExcludedFromCampaigns columns set those fields; every other column is a contact property. The plan
(contacts, batches, properties to define and their inferred types) is shown before anything is written.
Jobs are polled with backoff; rows Mailjet refuses go to --errors with its reason. A journal makes a
re-run after a crash exact: finished batches are skipped, in-flight jobs are polled, not sent again.

Exit codes: 0 all rows imported, 1 some rows failed, 2 usage, 3 authentication, 4 network, 5 API error.

Examples:

    mailjet-connector contacts import people.csv --list Newsletter --create-list --emulator

    mailjet-connector contacts import people.csv --list 42 --action addnoforce --errors failed.csv

    mailjet-connector contacts import --sql "select email, city from customers" --list 42 --dry-run
"""

ListOption = Annotated[str, typer.Option("--list", help="Contacts list ID or name.")]
FileOption = Annotated[
    Path | None, typer.Option("--file", help="Read emails from a file (one a line, or a CSV Email column).")
]
Emails = Annotated[list[str] | None, typer.Argument(help="Email addresses.", show_default=False)]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@contacts_app.command("import", help=IMPORT_HELP, resumable=True)
def import_command(
    file: Annotated[
        Path | None, typer.Argument(help="CSV, JSONL or Parquet file.", show_default=False)
    ] = None,
    sql: Annotated[
        str | None, typer.Option("--sql", help="Read rows from SQL over the synced dataset.")
    ] = None,
    dataset_url: Annotated[str | None, typer.Option("--dataset-url", help="Dataset for --sql.")] = None,
    list_: Annotated[
        list[str] | None, typer.Option("--list", help="List ID or name (repeat for several lists).")
    ] = None,
    create_list: Annotated[
        bool, typer.Option("--create-list", help="Create a list given by name if missing.")
    ] = False,
    action: Annotated[
        str, typer.Option("--action", help="addforce, addnoforce, remove or unsub.")
    ] = "addforce",
    properties: Annotated[
        str, typer.Option("--properties", help="auto: define missing properties; strict: refuse them.")
    ] = "auto",
    batch_size: Annotated[int, typer.Option("--batch-size", help="Contacts per job.")] = DEFAULT_BATCH_SIZE,
    parallel_jobs: Annotated[int, typer.Option("--parallel-jobs", help="Jobs running at once.")] = 4,
    poll_interval: Annotated[
        float, typer.Option("--poll-interval", help="First wait between polls (s).")
    ] = 1.0,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan; write nothing.")] = False,
    errors: Annotated[
        Path | None, typer.Option("--errors", help="Write failed rows + reason here (CSV).")
    ] = None,
    journal: Annotated[
        Path | None, typer.Option("--journal", help=f"Checkpoint journal (default {DEFAULT_JOURNAL}).")
    ] = None,
    no_journal: Annotated[bool, typer.Option("--no-journal", help="Run without a journal.")] = False,
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    if file is None and sql is None:
        fail("give a FILE or --sql")
    path = journal_path(journal, dry_run=dry_run, disabled=no_journal, fresh_account=conn.emulator)
    stderr = make_console(stderr=True, highlight=False)
    rows = read_rows(file, sql=sql, dataset_url=dataset_url, keep_malformed=True)
    bars = ProgressBars(stderr, enabled=progress_enabled(as_json) and not dry_run)
    with (
        conn.client() as client,
        Journal(path) if path else nullcontext() as journal,
        _list_hint(CREATE_HINT),
        bars,
    ):
        report = import_contacts(
            client,
            rows,
            list=list_ or None,
            action=action,
            properties=properties,
            journal=journal,
            batch_size=batch_size,
            create_list=create_list,
            dry_run=dry_run,
            parallel_jobs=parallel_jobs,
            backoff=Backoff(first=poll_interval),
            on_plan=None if as_json else lambda plan: _render_plan(stderr, plan),
            on_progress=lambda settled, total: bars.update("contacts", settled, total),
        )
    if errors is not None and report.errors:
        write_failures(report.errors, errors)
    data = report.to_dict()
    if as_json:
        typer.echo(orjson.dumps(data).decode())
    elif not dry_run:
        _render_report(make_console(highlight=False), data, errors)
    raise typer.Exit(EXIT_ROWS_FAILED if report.errors else 0)


def _render_plan(console: Console, plan: ImportPlan) -> None:
    s = plan.summary()
    lists = ", ".join(map(str, s["lists"])) or "none"
    console.print(
        f"plan: {s['contacts']} contacts in {s['batches']} job(s) of up to {s['batch_size']}, "
        f"action {s['action']} on list(s) {lists}; {s['rejected']} row(s) refused before any call"
        + (f", {s['duplicates']} duplicate email(s) (last row wins)" if s["duplicates"] else "")
    )
    if s["properties"]:
        table = Table("property", "type", "status", title="properties")
        for name, datatype in s["properties"].items():
            table.add_row(name, datatype, "to define" if name in s["properties_to_define"] else "defined")
        console.print(table)
    if s["ignored_columns"]:
        console.print("ignored (read-only contact fields): " + ", ".join(s["ignored_columns"]))


def _render_report(console: Console, data: dict[str, Any], errors: Path | None) -> None:
    console.print(
        f"imported {data['imported']} contact(s); {data['errors']} failed; jobs submitted "
        f"{len(data['submitted_jobs'])}, resumed {len(data['resumed_jobs'])}, "
        f"batches already done {data['skipped_batches']}"
    )
    for item in data["first_errors"]:
        console.print(f"  row {item['row']} {item['email']}: {item['error']}", markup=False)
    if data["errors"] and errors is not None:
        console.print(f"failed rows written to {errors}")
    elif data["errors"]:
        console.print("add --errors PATH to get every failed row with its reason")


def _emails(emails: list[str] | None, file: Path | None) -> list[str]:
    found = [*(emails or []), *(read_emails(file) if file is not None else [])]
    if not found:
        fail("give email addresses or --file")
    return found


def _provision(
    emails: list[str] | None,
    file: Path | None,
    run: Callable[[Client, list[str]], list[Outcome]],
    as_json: bool,
    conn: ConnectionOptions,
) -> None:
    """The shared body of the provisioning verbs: read emails, call the library, render, exit code."""
    addresses = _emails(emails, file)
    with conn.client() as client:
        outcomes = run(client, addresses)
    if as_json:
        typer.echo(orjson.dumps([o.__dict__ for o in outcomes]).decode())
    else:
        table = Table("email", "result")
        for o in outcomes:
            table.add_row(o.email, Text(o.detail, style="" if o.ok else "red"))
        make_console(highlight=False).print(table)
    raise typer.Exit(0 if all(o.ok for o in outcomes) else EXIT_ROWS_FAILED)


@contacts_app.command("subscribe")
def subscribe_command(
    emails: Emails = None,
    list_: ListOption = "",
    file: FileOption = None,
    no_force: Annotated[
        bool, typer.Option("--no-force", help="addnoforce: keep an unsubscription (default: addforce).")
    ] = False,
    create_list: Annotated[
        bool, typer.Option("--create-list", help="Create the list given by name if it does not exist.")
    ] = False,
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """Subscribe contacts to a list (--create-list creates a list given by name when it does not exist).

    Example:  mailjet-connector contacts subscribe a@example.com b@example.com --list Newsletter --create-list
    """
    _need_list(list_)

    def run(client: Client, addresses: list[str]) -> list[Outcome]:
        with _list_hint(CREATE_HINT):
            list_id = resolve_list(client, list_, create=create_list)
        return subscribe(client, addresses, list_id, force=not no_force)

    _provision(emails, file, run, as_json, conn)


@contacts_app.command("unsubscribe")
def unsubscribe_command(
    emails: Emails = None,
    list_: ListOption = "",
    file: FileOption = None,
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """Unsubscribe contacts from a list.

    Example:  mailjet-connector contacts unsubscribe --file leavers.txt --list 42
    """
    _need_list(list_)

    def run(client: Client, addresses: list[str]) -> list[Outcome]:
        with _list_hint(LISTS_HINT):
            list_id = resolve_list(client, list_)
        return unsubscribe(client, addresses, list_id)

    _provision(emails, file, run, as_json, conn)


@contacts_app.command("exclude")
def exclude_command(
    emails: Emails = None,
    file: FileOption = None,
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """Exclude contacts from marketing campaigns (IsExcludedFromCampaigns = true).

    Example:  mailjet-connector contacts exclude a@example.com
    """
    _provision(emails, file, exclude, as_json, conn)


@contacts_app.command("include")
def include_command(
    emails: Emails = None,
    file: FileOption = None,
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """Include excluded contacts in marketing campaigns again (IsExcludedFromCampaigns = false).

    Example:  mailjet-connector contacts include a@example.com
    """
    _provision(emails, file, include, as_json, conn)


@contacts_app.command("forget")
def forget_command(
    emails: Emails = None,
    file: FileOption = None,
    webhook_store: Annotated[
        str | None,
        typer.Option(
            "--webhook-store", help="Also delete them from this receiver store (sqlite:///events.db)."
        ),
    ] = None,
    dataset_url: Annotated[
        str | None,
        typer.Option(
            "--dataset-url", help="Also delete their rows from this synced dataset (DuckDB or postgresql://)."
        ),
    ] = None,
    dataset_name: DatasetName = DEFAULT_DATASET,
    journal: Annotated[
        Path | None, typer.Option("--journal", help="Also delete the journal records that name them.")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation (for scripts).")] = False,
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """GDPR-delete contacts (DELETE /v4/contacts/{id}): anonymised at once, purged by Mailjet after 30 days.

    Then removes them from each local store named: the webhook store (their events and inbound mails),
    the synced dataset (their rows, docs/contacts.md says which) and the journal. Stores not named, and
    files you wrote (exports, errors files), keep them. Irreversible: asks for confirmation unless --yes.

    Example:  mailjet-connector contacts forget a@example.com --dataset-url mailjet.duckdb --webhook-store sqlite:///events.db --yes
    """
    addresses = _emails(emails, file)
    named = (("the webhook store", webhook_store), ("the dataset", dataset_url), ("the journal", journal))
    stores = [name for name, value in named if value is not None]
    if not yes:
        where = "Mailjet" + "".join(f", {name}" for name in stores)
        try:
            confirmed = typer.confirm(
                f"Forget {len(addresses)} contact(s) in {where}? This cannot be undone", default=False
            )
        except typer.Abort:  # no terminal to answer on: not a yes
            confirmed = False
        if not confirmed:
            fail("nothing forgotten: confirm, or pass --yes in scripts", EXIT_ROWS_FAILED)
    with conn.client() as client:
        report = forget_everywhere(
            client,
            addresses,
            webhook_store=webhook_store,
            dataset_url=dataset_url,
            dataset_name=dataset_name,
            journal=journal,
        )
    if as_json:
        typer.echo(orjson.dumps(report.to_dict()).decode())
    else:
        _render_forget(make_console(highlight=False), report)
    raise typer.Exit(0 if report.ok else EXIT_ROWS_FAILED)


def _render_forget(console: Console, report: ForgetReport) -> None:
    table = Table("email", "Mailjet")
    for o in report.outcomes:
        table.add_row(o.email, Text(o.detail, style="" if o.ok else "red"))
    console.print(table)
    if report.erased:
        stores = Table("store", "location", "removed")
        for erased in report.erased:
            rows = (
                ", ".join(f"{t}: {n}" for t, n in erased.rows.items() if n) or "nothing (no rows named them)"
            )
            stores.add_row(erased.store, erased.location, rows)
        console.print(stores)
    console.print(
        "Kept: stores not named here (other datasets, receivers, journals), exports and errors files you "
        "wrote, the agents' audit log (emails masked unless redact_emails = false). See docs/contacts.md.",
        markup=False,
    )


CREATE_HINT = "add --create-list to create it"
LISTS_HINT = "`mailjet-connector export contactslist` lists the lists"


@contextmanager
def _list_hint(hint: str) -> Iterator[None]:
    """An unknown list says what this command can do about it."""
    try:
        yield
    except ListNotFoundError as exc:
        fail(str(exc), hint=hint)


def _need_list(ref: str) -> None:
    if not ref.strip():
        fail("--list ID|NAME is required")
