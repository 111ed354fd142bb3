"""How `sync`, `export` and `query` show their work: progress bars on stderr, tables and data on stdout."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from mailjet_connector.exporting import ExportReport
from mailjet_connector.query import QueryResult, to_csv, to_json

# Summary columns: report key -> header (short, so the table fits 80 columns: upd = updated, del = deleted).
SYNC_COLUMNS = (
    ("rows", "rows"),
    ("new", "new"),
    ("updated", "upd"),
    ("deleted", "del"),
    ("api_calls", "calls"),
    ("rate_limited", "429s"),
    ("seconds", "secs"),
)


class ProgressBars:
    """One rich progress line per resource (rows so far), on stderr; `update` is the sync progress callback.

    Thread-safe: the sync engine may report from worker threads.
    """

    def __init__(self, console: Console, *, enabled: bool = True):
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<28}"),
            BarColumn(bar_width=None),
            TextColumn("{task.completed:>10,} rows"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
            disable=not enabled or not console.is_terminal,
        )
        self._tasks: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> ProgressBars:
        self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for task in self._tasks.values():
            self._progress.update(task, total=self._progress.tasks[task].completed or 1)
        self._progress.stop()

    def update(self, resource: str, rows_so_far: int, total: int | None = None) -> None:
        with self._lock:
            task = self._tasks.get(resource)
            if task is None:
                task = self._tasks[resource] = self._progress.add_task(resource, total=total)
            self._progress.update(task, completed=rows_so_far)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def render_sync(console: Console, report: dict[str, Any]) -> None:
    """The summary table of a `SyncReport.to_dict()`: one row per resource, then the totals.

    429s are counted per sync, not per resource, so they show on the totals row only.
    """
    table = Table(title="mailjet-connector sync")
    table.add_column("resource", no_wrap=True)
    for _, header in SYNC_COLUMNS:
        table.add_column(header, justify="right")
    for name, entry in sorted(report.get("resources", {}).items()):
        table.add_row(name, *(_cell(entry.get(key)) for key, _ in SYNC_COLUMNS))
    totals = {
        **report.get("totals", {}),
        "rate_limited": report.get("rate_limited"),
        "seconds": report.get("seconds"),
    }
    table.add_section()
    table.add_row("total", *(_cell(totals.get(key)) for key, _ in SYNC_COLUMNS), style="bold")
    console.print(table)


def render_plan(console: Console, plan: dict[str, Any]) -> None:
    """The table of a `SyncPlan.to_dict()`: calls, rows and time per table, then the total."""
    table = Table(title=f"mailjet-connector sync --plan (time at {plan['rate']})")
    table.add_column("table", no_wrap=True)
    for header in ("calls", "rows", "time"):
        table.add_column(header, justify="right")
    table.add_column("counted as")
    for name, entry in plan["tables"].items():
        table.add_row(
            name, _cell(entry["calls"]), _cell(entry["rows"]), _duration(entry["seconds"]), entry["how"]
        )
    table.add_section()
    total = plan["total"]
    table.add_row("total", _cell(total["calls"]), "", _duration(total["seconds"]), "", style="bold")
    console.print(table)
    console.print(
        f"(the plan itself made {plan['plan_calls']} calls: one countOnly per walk, the parent listings)"
    )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def render_refusals(console: Console, report: dict[str, Any]) -> None:
    """One line per resource the API refused (on stderr): the sync loaded everything else."""
    for name, error in report.get("failed", {}).items():
        console.print(f"partial: {name} not fully loaded: {error}", highlight=False, soft_wrap=True)


def render_export(console: Console, report: ExportReport, output: Path | None) -> None:
    """One line on stderr: what was written where (stdout carries the data itself)."""
    target = str(output) if output is not None else "stdout"
    console.print(
        f"{report.rows:,} {report.resource} rows in {report.pages} pages to {target} ({report.seconds:.1f} s)",
        highlight=False,
    )


def render_query(console: Console, result: QueryResult, fmt: str) -> None:
    """The result as a rich table, CSV or a JSON array of objects."""
    if fmt == "csv":
        typer.echo(to_csv(result), nl=False)
        return
    if fmt == "json":
        typer.echo(to_json(result))
        return
    table = Table(show_lines=False)
    for index, column in enumerate(result.columns):
        numeric = bool(result.rows) and all(
            isinstance(row[index], int | float | Decimal) or row[index] is None for row in result.rows
        )
        table.add_column(column, overflow="fold", justify="right" if numeric else "left")
    for row in result.rows:
        table.add_row(*("" if value is None else str(value) for value in row))
    console.print(table)
    console.print(f"{len(result.rows):,} row{'s' * (len(result.rows) != 1)}", style="dim", highlight=False)


def render_accounts(console: Console, runs: list[dict[str, Any]]) -> None:
    """The summary of `sync --accounts`: one row per account (its totals, or why it failed), then the sum."""
    table = Table(title="mailjet-connector sync --accounts")
    table.add_column("account", no_wrap=True)
    table.add_column("status")
    for _, header in SYNC_COLUMNS:
        table.add_column(header, justify="right")
    table.add_column("dataset / error", overflow="fold")
    for run in runs:
        partial = run["ok"] and (run.get("report") or {}).get("partial")
        status = (
            Text("partial", style="yellow")
            if partial
            else Text("ok")
            if run["ok"]
            else Text("failed", style="red")
        )
        note = run["dataset"] if run["ok"] else f"{run['error_type']}: {run['error']}"
        cells = [_cell(run.get(key)) if run["ok"] or key == "seconds" else "-" for key, _ in SYNC_COLUMNS]
        table.add_row(run["account"], status, *cells, note)
    ok = [run for run in runs if run["ok"]]
    table.add_section()
    sums = {key: sum(run.get(key) or 0 for run in ok) for key, _ in SYNC_COLUMNS if key != "seconds"}
    table.add_row(
        "total",
        f"{len(ok)}/{len(runs)} ok",
        *(_cell(sums.get(key)) for key, _ in SYNC_COLUMNS),
        "",
        style="bold",
    )
    console.print(table)
