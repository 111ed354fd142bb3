"""How `mailjet-connector send` shows its plan, its progress and its report (stdout, stderr, JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mailjet_connector.send import MergePlan, SendReport, build_payload
from mailjet_connector.send.runner import BatchDone

SHOWN_PROBLEMS = 5


def render_plan(plan: MergePlan, batch_size: int, sandbox: bool, as_json: bool) -> None:
    """--dry-run: the job, the counts, the skipped rows and the first call's payload."""
    first = [row.recipient for row in plan.sendable[:batch_size] if row.recipient is not None]
    payload = build_payload(plan.spec, first, sandbox=sandbox) if first else None
    summary: dict[str, Any] = {
        "job": plan.job,
        "rows": len(plan.rows),
        "messages": len(plan.sendable),
        "skipped": len(plan.skipped),
        "calls": plan.batches(batch_size),
        "sandbox": sandbox,
        "skipped_rows": skipped_rows(plan),
        "first_payload": payload,
    }
    if as_json:
        typer.echo(orjson.dumps(summary).decode())
        return
    typer.echo(
        f"Dry run, job {plan.job}: {summary['rows']} rows -> {summary['messages']} messages in "
        f"{summary['calls']} calls of up to {batch_size}; {summary['skipped']} rows skipped"
        + (" (SandboxMode)" if sandbox else "")
    )
    for row in plan.skipped[:SHOWN_PROBLEMS]:
        typer.echo(f"  skipped row {row.number} ({row.email or 'no address'}): {row.problem}")
    if payload is not None:
        typer.echo("First call (POST /v3.1/send):")
        typer.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())
    typer.echo("Nothing was sent.")


def skipped_rows(plan: MergePlan) -> list[dict[str, Any]]:
    """The first skipped rows, each with its number, address and why it is not sent."""
    return [{"row": row.number, "email": row.email, "problem": row.problem} for row in plan.skipped][
        :SHOWN_PROBLEMS
    ]


def render_report(
    report: SendReport, plan: MergePlan, counts: dict[str, int], results: Path | None, as_json: bool
) -> None:
    """The run's counts (this run), why rows were skipped or failed, and the job's totals (from the journal)."""
    if as_json:
        body = {
            "job": report.job,
            "rows": report.rows,
            "sent": report.sent,
            "sandbox": report.sandbox,
            "failed": report.failed,
            "skipped": report.skipped,
            "skipped_rows": skipped_rows(plan),
            "resumed": bool(report.already_done or report.reconciled),  # went on from an earlier run
            "already_done": report.already_done,
            "reconciled": report.reconciled,
            "calls": report.calls,
            "journal": counts,
            "errors": report.errors,
            "results": str(results) if results else None,
        }
        typer.echo(orjson.dumps(body).decode())
        return
    typer.echo(
        f"Job {report.job}: {report.sent} sent, {report.sandbox} sandbox, {report.failed} failed, "
        f"{report.skipped} skipped, {report.already_done} already done, {report.reconciled} settled "
        f"from an earlier run, {report.calls} calls"
    )
    for row in plan.skipped[:SHOWN_PROBLEMS]:
        typer.echo(f"  skipped row {row.number} ({row.email or 'no address'}): {row.problem}", err=True)
    if report.skipped > SHOWN_PROBLEMS:
        typer.echo(
            f"  ... {report.skipped - SHOWN_PROBLEMS} more skipped rows (--results lists them all)", err=True
        )
    for error in report.errors[:SHOWN_PROBLEMS]:
        typer.echo(f"  failed {error}", err=True)
    if report.failed > SHOWN_PROBLEMS:
        typer.echo(
            f"  ... {report.failed - SHOWN_PROBLEMS} more failed rows (--results lists them all)", err=True
        )
    if counts.get("pending"):
        typer.echo(f"{counts['pending']} rows still in flight: run the same command again to settle them.")
    if results is not None:
        typer.echo(f"Results per row: {results}")


class ProgressLine:
    """A progress bar over the calls, on stderr (off for --json)."""

    def __init__(self, console: Console, total: int, *, enabled: bool) -> None:
        self._progress = Progress(
            TextColumn("sending"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not enabled,
            transient=True,
        )
        self._task = self._progress.add_task("send", total=total)

    def __enter__(self) -> ProgressLine:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def advance(self, done: BatchDone) -> None:
        """One call finished."""
        self._progress.advance(self._task)
