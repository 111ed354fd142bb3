"""`mailjet-connector send`: one message, or a mail merge from CSV/JSONL/Parquet/SQL rows, resumable."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mailjet_connector.cli.exits import EXIT_ROWS_FAILED, fail
from mailjet_connector.cli.options import CONNECTION, ConnectionOptions
from mailjet_connector.cli.output import make_console, progress_enabled
from mailjet_connector.cli.send_render import ProgressLine, render_plan, render_report
from mailjet_connector.journal import DEFAULT_JOURNAL
from mailjet_connector.send import Content, MessageSpec, open_journal, plan_send, send_merge, write_results
from mailjet_connector.send.batching import MAX_RECIPIENTS_PER_CALL

HELP = """Send one message, or a mail merge: one message per row, the row's columns as Variables.

Content is a template (--template-id) or inline parts (--html FILE, --text FILE) using {{var:NAME}}
tags; --subject may use them too. Messages go 50 per call (Mailjet's limit per call), paced.
A merge is journaled (--journal): run the same command again after a crash and it resumes, looking up
messages whose call was in flight by their CustomID, so nobody gets the message twice.

Exit codes: 0 every row sent (or --dry-run), 1 some rows failed, were skipped or are still in flight
(see --results), 2 usage, 3 authentication refused, 4 API unreachable, 5 other API error.

Examples:

    mailjet-connector send --emulator --to ann@example.com --from news@example.com --subject Hi --text hi.txt

    mailjet-connector send people.csv --from news@example.com --subject "Hi {{var:first}}"
        --html welcome.html --results results.csv --dry-run

    mailjet-connector send --sql "select email, name from contact" --name-column name --template-id 42 --sandbox
"""


def _read(path: Path | None) -> str | None:
    return None if path is None else path.read_text(encoding="utf-8")


def _pairs(values: list[str] | None) -> dict[str, str]:
    pairs = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--var {item!r}: expected NAME=VALUE")
        pairs[name.strip()] = value
    return pairs


def send(
    source: Annotated[
        Path | None, typer.Argument(help="CSV, JSONL or Parquet file: one message per row.")
    ] = None,
    sql: Annotated[str | None, typer.Option("--sql", help="Rows from SQL over the synced dataset.")] = None,
    dataset_url: Annotated[str | None, typer.Option("--dataset-url", help="Dataset for --sql.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="One recipient (instead of rows).")] = None,
    to_name: Annotated[str | None, typer.Option("--to-name", help="Display name for --to.")] = None,
    to_column: Annotated[str, typer.Option("--to-column", help="Column with the address.")] = "email",
    name_column: Annotated[str | None, typer.Option("--name-column", help="Column with the name.")] = None,
    key_column: Annotated[
        str | None,
        typer.Option("--key-column", help="Column identifying a row across runs (default: email)."),
    ] = None,
    from_email: Annotated[
        str | None, typer.Option("--from", help="Sender address (an active sender).")
    ] = None,
    from_name: Annotated[str | None, typer.Option("--from-name", help="Sender name.")] = None,
    subject: Annotated[str | None, typer.Option("--subject", help="Subject; may use {{var:...}}.")] = None,
    template_id: Annotated[int | None, typer.Option("--template-id", help="Mailjet template ID.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="HTML part file ({{var:...}} tags).")] = None,
    text: Annotated[Path | None, typer.Option("--text", help="Text part file ({{var:...}} tags).")] = None,
    var: Annotated[list[str] | None, typer.Option("--var", help="NAME=VALUE shared by all messages.")] = None,
    custom_campaign: Annotated[
        str | None, typer.Option("--campaign", help="Group the messages under this CustomCampaign.")
    ] = None,
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="SandboxMode: validate, deliver nothing.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan; send nothing.")] = False,
    results: Annotated[
        Path | None, typer.Option("--results", help="Per-row results, .csv or .jsonl.")
    ] = None,
    journal_path: Annotated[
        Path, typer.Option("--journal", help="Checkpoint journal (SQLite).")
    ] = DEFAULT_JOURNAL,
    job: Annotated[
        str | None, typer.Option("--job", help="Job id (default: from source and message).")
    ] = None,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Also resend rows Mailjet refused in earlier runs.")
    ] = False,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Messages per call, 1-50.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    if sum(x is not None for x in (source, sql, to)) != 1:
        fail("give exactly one of: a FILE, --sql, or --to")
    if not 1 <= batch_size <= MAX_RECIPIENTS_PER_CALL:
        fail(f"--batch-size must be between 1 and {MAX_RECIPIENTS_PER_CALL}")
    content = Content(template_id=template_id, html=_read(html), text=_read(text))
    spec = MessageSpec(
        from_email, content, from_name, subject, custom_campaign, variables=_pairs(var) or None
    )
    plan = plan_send(
        spec,
        source=source,
        sql=sql,
        dataset_url=dataset_url,
        to=to,
        to_name=to_name,
        job=job,
        sandbox=sandbox,
        to_column=to_column,
        name_column=name_column,
        key_column=key_column,
    )
    if dry_run:
        render_plan(plan, batch_size, sandbox, as_json)
        if results is not None:
            write_results(results, plan, None)
        return
    with open_journal(plan, journal_path) as journal, conn.client() as client:
        progress = ProgressLine(
            make_console(stderr=True), plan.batches(batch_size), enabled=progress_enabled(as_json)
        )
        with progress:
            report = send_merge(
                client,
                plan,
                journal,
                sandbox=sandbox,
                retry_failed=retry_failed,
                batch_size=batch_size,
                on_batch=progress.advance,
            )
        if results is not None:
            write_results(results, plan, journal)
        counts = journal.counts(plan.job)
    render_report(report, plan, counts, results, as_json)
    if counts.get("failed") or counts.get("pending") or report.skipped:
        raise typer.Exit(EXIT_ROWS_FAILED)


send.__doc__ = HELP
