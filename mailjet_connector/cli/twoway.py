"""`mailjet-connector twoway plan|run|status|verify MAPPING.toml`: a table and Mailjet kept in step (thin)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from mailjet_connector.cli.command import Typer
from mailjet_connector.cli.exits import EXIT_ROWS_FAILED
from mailjet_connector.cli.options import CONNECTION, ConnectionOptions

twoway_app = Typer(
    name="twoway",
    help="Keep a database table (DuckDB or PostgreSQL) and Mailjet contacts in step, both ways.\n\n"
    "The mapping file says which table, which columns go where and in which direction, which lists, what a "
    "deletion means and who wins a conflict (docs/twoway.md).\n\n"
    "Exit codes: 0 ok, 1 rows refused by Mailjet (plan, run) or differences found (verify), 2 usage, "
    "3 authentication, 4 network, 5 API error.\n\n"
    "Example:  mailjet-connector twoway plan crm.toml",
    no_args_is_help=True,
)

MappingFile = Annotated[Path, typer.Argument(help="The mapping file (TOML).", show_default=False)]
DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", help="Use this database instead of the mapping's database.url."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
PipelinesDir = Annotated[
    str | None,
    typer.Option("--pipelines-dir", help="Where the sync engine keeps its local state (dlt's default)."),
]
SHOWN = 20


def _mapping(path: Path, url: str | None) -> Any:
    from mailjet_connector.twoway import load_mapping

    return load_mapping(path, url=url)


@twoway_app.command("plan")
def plan_command(
    mapping: MappingFile,
    database_url: DatabaseUrl = None,
    pipelines_dir: PipelinesDir = None,
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """Show what a run would write to each side and why, and the conflicts and how they would be settled.

    Nothing is written to the table or to Mailjet (the Mailjet side is read through the sync engine into
    the mapping's own schema).

    Example:

        mailjet-connector twoway plan crm.toml
    """
    from mailjet_connector.twoway import plan

    loaded = _mapping(mapping, database_url)
    with conn.open() as connection:
        report = plan(loaded, connection.settings, pipelines_dir=pipelines_dir)
    _render(report, as_json)


@twoway_app.command("run", resumable=True)
def run_command(
    mapping: MappingFile,
    database_url: DatabaseUrl = None,
    journal: Annotated[
        Path | None,
        typer.Option("--journal", help="Checkpoint file (default .mailjet-connector/journal.sqlite)."),
    ] = None,
    pipelines_dir: PipelinesDir = None,
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """Bring the table and Mailjet in step: changes on each side go to the other, conflicts by the rule.

    A re-run with nothing changed writes nothing; a run killed at any point converges when run again.

    Example:

        mailjet-connector twoway run crm.toml
    """
    from mailjet_connector.twoway import run

    loaded = _mapping(mapping, database_url)
    with conn.open() as connection:
        report = run(loaded, connection.settings, journal=journal, pipelines_dir=pipelines_dir)
    _render(report, as_json)
    raise typer.Exit(EXIT_ROWS_FAILED if report.failures else 0)


@twoway_app.command("status")
def status_command(mapping: MappingFile, database_url: DatabaseUrl = None, as_json: AsJson = False) -> None:
    """Contacts tracked, deletions marked, conflicts (open and settled) and the last runs.

    Reads the mapping's state tables only: no call to Mailjet.

    Example:

        mailjet-connector twoway status crm.toml
    """
    from mailjet_connector.twoway import status

    found = status(_mapping(mapping, database_url))
    if as_json:
        typer.echo(orjson.dumps(found).decode())
        return
    typer.echo(f"tracked: {found['tracked']} contacts")
    typer.echo(f"deletions kept: {found['deleted'] or 'none'}")
    typer.echo(f"conflicts: {found['conflicts'] or 'none'}")
    for conflict in found.get("open_conflicts", []):
        typer.echo(f"  open: {conflict['email']} {conflict['value']}: database {conflict['database']!r},"
                   f" Mailjet {conflict['mailjet']!r}")  # fmt: skip
    for past in found["runs"]:
        summary = past["summary"] or {}
        state = "finished" if past["finished"] else "interrupted"
        typer.echo(f"run {past['run']} {past['started']} {state}: {summary.get('actions', {})}")


@twoway_app.command("verify")
def verify_command(
    mapping: MappingFile,
    database_url: DatabaseUrl = None,
    pipelines_dir: PipelinesDir = None,
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """List every mapped value (and contact) on which the table and Mailjet differ; exit 1 when any does.

    Example:

        mailjet-connector twoway verify crm.toml
    """
    from mailjet_connector.twoway import verify

    loaded = _mapping(mapping, database_url)
    with conn.open() as connection:
        found = verify(loaded, connection.settings, pipelines_dir=pipelines_dir)
    if as_json:
        typer.echo(orjson.dumps([d.__dict__ for d in found]).decode())
    elif not found:
        typer.echo("in step: the table and Mailjet agree on every mapped value")
    else:
        table = Table("email", "value", "database", "Mailjet")
        for diff in found:
            table.add_row(diff.email, diff.value, str(diff.database), str(diff.mailjet))
        Console().print(table)
        typer.echo(f"{len(found)} difference(s)")
    raise typer.Exit(EXIT_ROWS_FAILED if found else 0)


def _render(report: Any, as_json: bool) -> None:
    if as_json:
        typer.echo(orjson.dumps(report.to_dict()).decode())
        return
    verb = "would write" if report.dry_run else "wrote"
    typer.echo(f"{'plan' if report.dry_run else 'run'} {report.run}: {verb} {report.to_mailjet} contact(s) to"
               f" Mailjet, {report.to_database} row(s) to the database")  # fmt: skip
    typer.echo(f"decisions: {dict(sorted(report.actions.items()))}")
    if report.created_lists:
        typer.echo(f"lists {'to create' if report.dry_run else 'created'}: {', '.join(report.created_lists)}")
    if report.defined_properties:
        names = ", ".join(report.defined_properties)
        typer.echo(f"properties {'to define' if report.dry_run else 'defined'}: {names}")
    for decision in report.decisions[:SHOWN]:
        parts = [f"  {decision.key}: {decision.action}"]
        if decision.to_mailjet:
            parts.append(f"to Mailjet {_values(decision.to_mailjet)}")
        if decision.to_database:
            parts.append(f"to database {_values(decision.to_database)}")
        typer.echo("; ".join(parts) + f" ({decision.why})")
    if len(report.decisions) > SHOWN:
        typer.echo(f"  ... and {len(report.decisions) - SHOWN} more (--json lists every conflict)")
    for conflict in report.conflicts[:SHOWN]:
        kept = f"kept {conflict.kept}" if conflict.kept else "left open (settle it in the conflicts table)"
        typer.echo(f"conflict {conflict.key} {conflict.target}: database {conflict.database!r}, Mailjet"
                   f" {conflict.mailjet!r} -> {kept} ({conflict.rule})")  # fmt: skip
    for email, error in sorted(report.failures.items())[:SHOWN]:
        typer.echo(f"refused by Mailjet: {email}: {error}", err=True)
    if report.duplicates:
        typer.echo(f"warning: {len(report.duplicates)} key(s) on several rows (first row used): "
                   f"{', '.join(report.duplicates[:5])}", err=True)  # fmt: skip
    if not report.dry_run:
        typer.echo(f"{report.api_calls} API calls ({report.sync.get('api_calls', 0)} for the read), "
                   f"{report.seconds:.1f} s")  # fmt: skip


def _values(values: dict[str, Any]) -> str:
    return ", ".join(f"{k.split(':', 1)[1]}={v}" for k, v in values.items())
