"""`mailjet-connector import`: write rows from a file or SQL into any writable resource (thin over importer)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from mailjet_connector import catalog
from mailjet_connector.cli.exits import EXIT_ROWS_FAILED, fail
from mailjet_connector.cli.options import CONNECTION, ConnectionOptions
from mailjet_connector.cli.output import make_console

IMPORT_HELP = """Import rows into a writable resource: insert, update, upsert (match on the key) or delete.

The source is a CSV (header row), JSONL or Parquet file, or --sql over the synced dataset (one read-only
SELECT; files only with --allow-files). Columns are the
resource's fields (any case, snake_case works); read-only fields are ignored with a warning. For `contact`,
other columns must be defined contact properties, and --list subscribes every contact (bulk jobs).
--part content takes ID + Html-part, Text-part, MJMLContent, Headers (JSON); --part schedule ID + Date.
Upsert matches on ID when the source has it, else on the resource's unique key (contact Email, sender
Email...), or on --key. Re-running the same import skips the rows already written (local journal).

Exit codes: 0 all rows fine, 1 some rows failed (see --errors), 2 usage, 3-5 as `check`.

Examples:

    mailjet-connector import contact contacts.csv --mode upsert --list Newsletter --errors failed.csv

    mailjet-connector import contactslist lists.jsonl --mode upsert --key Name --dry-run

    mailjet-connector import template content.jsonl --part content --mode update

    mailjet-connector import sender --sql "select email from sender where status = 'Inactive'" --mode delete
"""

SHOWN_WRITES = 20


def import_(
    resource: Annotated[str, typer.Argument(help="Catalog name, e.g. contact, contactslist, sender.")],
    source: Annotated[Path | None, typer.Argument(help="CSV, JSONL or Parquet file.")] = None,
    mode: Annotated[str, typer.Option("--mode", help="insert, update, upsert or delete.")] = "upsert",
    sql: Annotated[
        str | None,
        typer.Option("--sql", help="Read the rows from this query (one read-only SELECT) instead."),
    ] = None,
    allow_files: Annotated[
        bool, typer.Option("--allow-files", help="Let the --sql SELECT read files (read_csv, FROM 'x.csv').")
    ] = False,
    dataset_url: Annotated[
        str | None, typer.Option("--dataset-url", help="DuckDB file or postgresql:// URL for --sql.")
    ] = None,
    key: Annotated[str | None, typer.Option("--key", help="Match on these fields (comma-separated).")] = None,
    list_: Annotated[
        list[str] | None, typer.Option("--list", help="contact: subscribe to this list (ID or name).")
    ] = None,
    part: Annotated[
        str | None,
        typer.Option("--part", help="Write a sub-resource: content (campaigndraft, template) or schedule."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan; write nothing.")] = False,
    errors: Annotated[
        Path | None, typer.Option("--errors", help="Write failed rows and Mailjet's reason to this CSV.")
    ] = None,
    journal: Annotated[
        Path | None,
        typer.Option("--journal", help="Checkpoint file (default .mailjet-connector/journal.sqlite)."),
    ] = None,
    restart: Annotated[bool, typer.Option("--restart", help="Ignore checkpoints of a previous run.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    from mailjet_connector.importer import Mode, import_rows, read_rows
    from mailjet_connector.journal import DEFAULT_JOURNAL, Journal

    if mode not in set(Mode):
        fail(f"--mode must be insert, update, upsert or delete, not {mode!r}")
    if (source is None) == (sql is None):
        fail("give either a FILE or --sql")
    catalog.get(resource)  # a misspelt name fails before the file is read
    rows = list(
        read_rows(source, sql=sql, dataset_url=dataset_url, allow_files=allow_files, keep_malformed=True)
    )
    keys = [k.strip() for k in (key or "").split(",") if k.strip()]
    with (
        conn.open() as connection,
        connection.client() as client,
        Journal(journal or DEFAULT_JOURNAL) as checkpoints,
    ):
        result = import_rows(
            client,
            resource,
            rows,
            mode,
            key=keys,
            lists=list_ or (),
            part=part,
            journal=checkpoints,
            restart=restart,
            dry_run=dry_run,
            concurrency=connection.settings.concurrency,
        )
    if errors is not None and result.failures:
        from mailjet_connector.importer import write_failures

        write_failures(result.failures, errors)
    render_import(result, as_json, errors)
    raise typer.Exit(EXIT_ROWS_FAILED if result.failures else 0)


import_.__doc__ = IMPORT_HELP


def render_import(result: Any, as_json: bool, errors: Path | None) -> None:
    """An import's result (or a dry run's plan): counts per action, then the first writes or the failures."""
    if as_json:
        typer.echo(orjson.dumps(result.to_dict()).decode())
        return
    console = make_console(highlight=False)
    for warning in result.plan.warnings:
        make_console(stderr=True, highlight=False).print(f"warning: {warning}", markup=False)
    counts = Table(title=f"import {result.plan.resource} ({result.plan.mode.value})")
    counts.add_column("action")
    counts.add_column("planned", justify="right")
    if not result.dry_run:
        counts.add_column("done", justify="right")
    for kind, planned in result.plan.counts().items():
        cells = [kind, f"{planned:,}"]
        if not result.dry_run:
            cells.append(f"{result.done.get(kind, 0):,}")
        counts.add_row(*cells)
    console.print(counts)
    if result.dry_run:
        console.print(_first_writes(result.plan))
    else:
        line = f"{len(result.failures):,} rows failed" + (f" (written to {errors})" if errors else "")
        if result.resumed:
            line += f"; {result.resumed:,} rows were already written by a previous run"
        console.print(line, markup=False)


def _first_writes(plan: Any) -> Table:
    table = Table(title=f"first {SHOWN_WRITES} planned writes")
    for column in ("row", "action", "key", "target", "body / reason"):
        table.add_column(column)
    shown = [w for w in plan.writes if w.kind.value != "unchanged"][:SHOWN_WRITES]
    for write in shown:
        detail = write.reason or orjson.dumps({**write.body, **write.properties}).decode()
        if write.lists:
            detail += f" lists={list(write.lists)}"
        table.add_row(str(write.number), write.kind.value, write.key, str(write.target or ""), detail)
    return table
