"""`sync --accounts FILE`: every account of an accounts file, concurrently, each into its own dataset."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import typer

from mailjet_connector.cli.exits import EXIT_ROWS_FAILED, fail
from mailjet_connector.cli.options import ConnectionOptions
from mailjet_connector.cli.output import make_console
from mailjet_connector.cli.sync_render import render_accounts

if TYPE_CHECKING:
    from mailjet_connector.sync.options import SyncOptions

# Options that pick one account's connection or dataset: the accounts file gives those per account.
PER_ACCOUNT = {
    "--api-key": "api_key",
    "--api-secret": "api_secret",
    "--base-url": "base_url",
    "--region": "region",
    "--rate-limit": "rate_limit",
}


def check_flags(conn: ConnectionOptions, given: dict[str, bool]) -> None:
    """Refuse the options `--accounts` cannot take, in one line naming the first.

    Args:
        conn: the connection options.
        given: option name -> whether it was given (dataset and ID filters of the sync command).
    """
    if conn.emulator:
        fail("--emulator and --accounts do not go together: point the accounts' base_url at an emulator")
    for option, name in PER_ACCOUNT.items():
        if getattr(conn, name) is not None:
            fail(f"{option} does not go with --accounts: set it per account in the accounts file")
    for option, present in given.items():
        if present:
            fail(f"{option} does not go with --accounts: each account's dataset and IDs are its own")


def run_accounts(
    path: Path,
    names: list[str],
    jobs: int | None,
    options: SyncOptions,
    conn: ConnectionOptions,
    as_json: bool,
) -> None:
    """Sync the file's accounts (or the named ones), print one table (or JSON), exit 1 if any failed."""
    from mailjet_connector.accounts import load_accounts
    from mailjet_connector.sync.multi import default_jobs, sync_accounts

    accounts = load_accounts(path).select(names)
    shared = {
        name: value
        for name, value in (
            ("timeout", conn.timeout),
            ("max_retries", conn.max_retries),
            ("concurrency", conn.concurrency),
        )
        if value is not None
    }
    if shared:  # connection options given on the command line apply to every account that does not set them
        accounts = [_with_defaults(account, shared) for account in accounts]
    err = make_console(stderr=True)

    def done(run: Any) -> None:
        # A failure is told on stderr even with --json: a scheduler's log of errors gets one line per account.
        if not run.ok or not as_json:
            what = f"{run.totals.get('rows', 0):,} rows" if run.ok else f"failed: {run.error}"
            err.print(
                f"{run.account}: {what} ({run.seconds:.1f} s)", highlight=False, markup=False, soft_wrap=True
            )

    runs = sync_accounts(
        accounts, os.environ, options, jobs=jobs or default_jobs(len(accounts)), on_done=done
    )
    rows = [run.to_dict() for run in runs]
    if as_json:
        typer.echo(
            orjson.dumps({"accounts": rows, "failed": sum(not r["ok"] for r in rows)}, default=str).decode()
        )
    else:
        render_accounts(make_console(), rows)
    # An account that failed, or whose resources the API partly refused (`partial`), makes the run exit 1.
    if any(not run.ok or (run.report or {}).get("partial") for run in runs):
        raise typer.Exit(EXIT_ROWS_FAILED)


def _with_defaults(account: Any, shared: dict[str, Any]) -> Any:
    from dataclasses import replace

    return replace(account, **{k: v for k, v in shared.items() if getattr(account, k) is None})
