"""Sync many accounts at once (`sync --accounts FILE`): one process per running account, failures kept apart.

Each account of the accounts file syncs into its own dataset (bound to it, `sync/binding.py`) with its own
client, so its own key's pacing, retries and region apply. Accounts run in worker processes (`jobs` at a
time, forked from a fork server that has the sync engine imported, so no lock or thread of the parent is
inherited): a sync spends its CPU time in Python, and processes put every core to work where threads would
share one. A failure (bad credential, API refusal, a
crash of the sync itself) ends that account's run only; the others go on, and the result says which failed
and why in one line.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from mailjet_connector.accounts import Account
from mailjet_connector.config import Settings
from mailjet_connector.errors import MailjetError

if TYPE_CHECKING:
    from mailjet_connector.sync.options import SyncOptions

__all__ = ["AccountRun", "account_options", "default_jobs", "sync_accounts"]


@dataclass
class AccountRun:
    """How one account's sync went.

    Args:
        account: the account's name in the file.
        dataset: where its data went (no secret).
        ok: the sync finished.
        report: `SyncReport.to_dict()` when it finished.
        error: one line saying why it did not (never a secret).
        error_type: the exception's class name (`AuthenticationError`, `DatasetBusyError`...).
        seconds: wall time of the account's run, start of its worker call to its end.
        cpu_seconds: CPU time of the account's run (its worker's threads included).
    """

    account: str
    dataset: str
    ok: bool = False
    report: dict[str, Any] | None = None
    error: str = ""
    error_type: str = ""
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    totals: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready row (`--json`): totals flattened, the per-resource report kept under `report`."""
        return {
            "account": self.account,
            "dataset": self.dataset,
            "ok": self.ok,
            "error": self.error,
            "error_type": self.error_type,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "rows": self.totals.get("rows", 0),
            "new": self.totals.get("new", 0),
            "updated": self.totals.get("updated", 0),
            "deleted": self.totals.get("deleted", 0),
            "api_calls": self.report["api_calls"] if self.report else 0,
            "rate_limited": self.report["rate_limited"] if self.report else 0,
            "report": self.report,
        }


def default_jobs(accounts: int, cpus: int | None = None) -> int:
    """Accounts synced at once by default: all of them up to twice the cores, at least 4 (a rate-limited sync
    mostly waits on its key's pacing, so more accounts than cores still adds throughput)."""
    import os

    return max(1, min(accounts, max(4, 2 * (cpus or os.cpu_count() or 1))))


def sync_accounts(
    accounts: Sequence[Account],
    environ: Mapping[str, str],
    options: SyncOptions,
    *,
    jobs: int,
    on_done: Callable[[AccountRun], None] | None = None,
) -> list[AccountRun]:
    """Sync every account into its own dataset, `jobs` at a time, and say how each went.

    Args:
        accounts: the accounts to sync (`AccountsFile.select(...)`).
        environ: the environment `env:` credential references read (`os.environ` in the CLI).
        options: what every account's sync shares (resources, full_refresh, start_date, pipelines_dir...;
            picklable values only); credentials, connection and dataset are replaced by the account's.
        jobs: accounts synced at once; 1 runs them one after the other in this process. With more, the workers
            import the caller's `__main__` module as any `multiprocessing` worker does: call this under
            `if __name__ == "__main__":` in a script (a script read from stdin cannot be imported: use jobs=1).
        on_done: called in this process as each account ends (progress lines).

    Returns:
        One `AccountRun` per account, in the order given. Never raises for one account's failure.
    """
    runs: dict[str, AccountRun] = {}
    ready: list[tuple[Account, Settings]] = []
    for account in accounts:
        run = AccountRun(account.name, account.dataset_label)
        runs[account.name] = run
        try:
            ready.append((account, account.settings(environ)))
        except MailjetError as exc:  # a credential cannot be read: this account only
            _failed(run, exc)
            if on_done:
                on_done(run)
    if jobs <= 1:
        for account, settings in ready:
            _finish(runs[account.name], _run_one(account, settings, options), on_done)
    else:
        _run_pool(ready, options, jobs, runs, on_done)
    return [runs[account.name] for account in accounts]


def _run_pool(
    ready: list[tuple[Account, Settings]],
    options: SyncOptions,
    jobs: int,
    runs: dict[str, AccountRun],
    on_done: Callable[[AccountRun], None] | None,
) -> None:
    context = _worker_context()
    with ProcessPoolExecutor(max_workers=min(jobs, len(ready) or 1), mp_context=context) as pool:
        pending: dict[Future[dict[str, Any]], str] = {
            pool.submit(_run_one, account, settings, options): account.name for account, settings in ready
        }
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    name = pending.pop(future)
                    try:
                        outcome = future.result()
                    except Exception as exc:  # the worker died (killed, out of memory): that account only
                        outcome = {
                            "error": f"the worker process ended: {exc}",
                            "error_type": type(exc).__name__,
                        }
                    _finish(runs[name], outcome, on_done)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _worker_context() -> Any:
    """Where workers come from: a fork server that imported the sync engine once (each worker starts in
    milliseconds instead of importing dlt again, seconds of CPU each), else fresh interpreters (`spawn`).
    Neither inherits the parent's threads or locks, as a plain `fork` would."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["mailjet_connector.sync.pipeline", "mailjet_connector.sync.multi"])
        return context
    return multiprocessing.get_context("spawn")


def _finish(run: AccountRun, outcome: dict[str, Any], on_done: Callable[[AccountRun], None] | None) -> None:
    run.seconds = outcome.get("seconds", 0.0)
    run.cpu_seconds = outcome.get("cpu_seconds", 0.0)
    if "report" in outcome:
        run.ok, run.report = True, outcome["report"]
        run.totals = {k: v for k, v in outcome["report"]["totals"].items() if isinstance(v, int)}
    else:
        run.error, run.error_type = outcome["error"], outcome["error_type"]
    if on_done:
        on_done(run)


def _failed(run: AccountRun, exc: BaseException) -> None:
    run.error, run.error_type = _one_line(exc), type(exc).__name__


def account_options(account: Account, settings: Settings, options: SyncOptions) -> SyncOptions:
    """`options` for one account: its credentials, connection settings and dataset (`dataclasses.replace`).

    Args:
        account: the account (its dataset).
        settings: its settings, credentials read (`Account.settings`).
        options: what every account's sync reads (resources, window...).
    """
    from mailjet_connector.protocol import resolve_base_url

    credentials = settings.client_kwargs()
    return replace(
        options,
        api_key=credentials["api_key"],
        api_secret=credentials["api_secret"],
        base_url=resolve_base_url(settings.base_url, settings.region),
        rate_limit=settings.rate_limit,
        settings=settings,
        destination=account.destination,
        dataset_url=account.dataset_url,
        dataset_name=account.dataset_name,
        dlt_logs=False,
    )


def _run_one(account: Account, settings: Settings, options: SyncOptions) -> dict[str, Any]:
    """One account's sync (in a worker process): a picklable outcome, never an exception."""
    from mailjet_connector.redaction import redact_text
    from mailjet_connector.sync.pipeline import run_sync

    started, cpu = time.monotonic(), time.process_time()
    credentials = settings.client_kwargs()
    try:
        mine = account_options(account, settings, options)
        report = run_sync(mine)
    except Exception as exc:  # isolate every failure, ours included; the message is cleaned of the secret
        secrets = (credentials["api_secret"], credentials["api_key"])
        return {
            "error": redact_text(_one_line(exc), secrets),
            "error_type": type(exc).__name__,
            "seconds": time.monotonic() - started,
            "cpu_seconds": time.process_time() - cpu,
        }
    return {
        "report": report.to_dict(),
        "seconds": time.monotonic() - started,
        "cpu_seconds": time.process_time() - cpu,
    }


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
