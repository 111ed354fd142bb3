"""Dagster's overhead per partition run: one account's sync run directly (`run_sync`) against the same sync
run as a Dagster partition of `mailjet_connector.dagster` (`dagster.materialize`, a SQLite-backed instance).

The emulator (`emulator serve --sub-accounts`, its own process) serves N accounts. Two worker processes, one
per way of running, each keep their own datasets; the driver asks them in turn, account by account, to sync
one account and report the seconds the call took (interpreter start-up excluded on both sides: a Dagster
deployment keeps its code location loaded, `sync` pays its own start-up). Round 1 is every account's first
sync, the next rounds are incremental re-runs (nothing new: the cost of a scheduled run that finds nothing).
Overhead = Dagster - direct, per pair, median per round kind; the asset checks are left out of the Dagster
runs (they add API calls the direct sync does not make). Right after each Dagster sync, the same worker
times a partition run of an asset that does nothing: Dagster's own floor per run on the machine at that moment.

Run: `uv run python bench/bench_dagster.py [--accounts 3] [--rounds 3]`; writes bench/results/dagster.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from mailjet_connector.emulator.seed import DEFAULT_API_KEY, DEFAULT_API_SECRET, sub_account_keys

RESULTS = Path(__file__).resolve().parent / "results" / "dagster.json"
TABLES = ["contact", "contactslist", "listrecipient", "message", "campaign", "sender", "template"]


def serve_emulator(port: int, sub_accounts: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "mailjet_connector", "emulator", "serve", "--port", str(port),
               "--scale", "tiny", "--sub-accounts", str(sub_accounts)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/v3/REST/apikey", timeout=1, trust_env=False)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the emulator did not start")


def write_accounts(directory: Path, url: str, count: int) -> tuple[Path, dict[str, str]]:
    keys = [(DEFAULT_API_KEY, DEFAULT_API_SECRET), *sub_account_keys(count - 1)]
    lines, environ = [f"[defaults]\nbase_url = '{url}'\n"], {}
    for index, (key, secret) in enumerate(keys):
        environ[f"BENCH_SECRET_{index}"] = secret
        lines.append(f"[accounts.a{index}]\napi_key = '{key}'\napi_secret = 'env:BENCH_SECRET_{index}'\n")
    path = directory / "accounts.toml"
    path.write_text("\n".join(lines))
    return path, environ


def worker(mode: str, accounts_file: str) -> None:
    """Serve sync requests from stdin (one account name a line), answering the seconds each took.

    Each worker has its own accounts file, so its datasets (`<account>.duckdb` beside it) are its own.
    """
    from mailjet_connector.accounts import load_accounts

    accounts = load_accounts(accounts_file)
    work = Path(accounts_file).parent
    options = {"pipelines_dir": str(work / "pipelines")}
    if mode == "direct":
        from mailjet_connector.sync.multi import account_options
        from mailjet_connector.sync.options import SyncOptions
        from mailjet_connector.sync.pipeline import run_sync

        def run(name: str) -> None:
            account = accounts.get(name)
            run_sync(
                account_options(
                    account, account.settings(os.environ), SyncOptions(resources=TABLES, **options)
                )
            )
    else:
        import dagster as dg

        from mailjet_connector.dagster import create_definitions

        defs = create_definitions(accounts_file, os.environ, tables=TABLES, sync_options=options)
        (work / "dagster_home").mkdir(exist_ok=True)
        instance = dg.DagsterInstance.local_temp(str(work / "dagster_home"))

        @dg.asset(partitions_def=dg.StaticPartitionsDefinition(list(accounts.accounts)))
        def trivial() -> int:
            return 1

        def run(name: str) -> None:
            result = dg.materialize(list(defs.assets), partition_key=name, instance=instance)
            assert result.success

        def floor(name: str) -> float:
            """A partition run of an asset that does nothing: Dagster's own cost per run, on this machine now."""
            started = time.monotonic()
            dg.materialize([trivial], partition_key=name, instance=instance)
            return time.monotonic() - started

    print("ready", flush=True)
    for line in sys.stdin:
        started = time.monotonic()
        run(line.strip())
        answer = {"seconds": time.monotonic() - started}
        if mode == "dagster":
            answer["floor"] = floor(line.strip())
        print(json.dumps(answer), flush=True)


class Worker:
    def __init__(self, mode: str, accounts_file: Path, environ: dict[str, str]) -> None:
        env = {**os.environ, **environ, "DAGSTER_DISABLE_TELEMETRY": "1", "PYTHONWARNINGS": "ignore"}
        command = [sys.executable, __file__, "--worker", mode, str(accounts_file)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        while line and line.strip() != "ready":  # skip anything a library printed on stdout
            line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {mode} worker did not start")

    def sync(self, account: str) -> dict[str, float]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(account + "\n")
        self.process.stdin.flush()
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("a worker died")
            if line.startswith("{"):
                return json.loads(line)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--worker", nargs=2, metavar=("MODE", "ACCOUNTS_FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    port = args.port or free_port()
    emulator = serve_emulator(port, args.accounts - 1)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-dagster-") as tmp:
            workers = {}
            for mode in ("direct", "dagster"):  # each its own accounts file, so its own datasets beside it
                (Path(tmp) / mode).mkdir()
                accounts_file, environ = write_accounts(
                    Path(tmp) / mode, f"http://127.0.0.1:{port}", args.accounts
                )
                workers[mode] = Worker(mode, accounts_file, environ)
            direct, dagster = workers["direct"], workers["dagster"]
            runs: list[dict[str, Any]] = []
            for round_ in range(1, args.rounds + 1):
                for index in range(args.accounts):
                    name = f"a{index}"
                    mine, theirs = direct.sync(name), dagster.sync(name)
                    pair = {"round": round_, "account": name, "direct": mine["seconds"],
                            "dagster": theirs["seconds"], "dagster_empty_run": theirs["floor"]}  # fmt: skip
                    runs.append(pair)
                    print(json.dumps(pair), flush=True)
            direct.close()
            dagster.close()
    finally:
        emulator.terminate()
        emulator.wait(30)
    write_results(runs, args)


def write_results(runs: list[dict[str, Any]], args: argparse.Namespace) -> None:
    def summary(kind: list[dict[str, Any]]) -> dict[str, float]:
        return {
            "direct_s": statistics.median(r["direct"] for r in kind),
            "dagster_s": statistics.median(r["dagster"] for r in kind),
            "overhead_s": statistics.median(r["dagster"] - r["direct"] for r in kind),
            "ratio": statistics.median(r["dagster"] / r["direct"] for r in kind),
            "dagster_empty_run_s": statistics.median(r["dagster_empty_run"] for r in kind),
        }

    first = summary([r for r in runs if r["round"] == 1])
    again = summary([r for r in runs if r["round"] > 1]) if args.rounds > 1 else None
    metrics = {f"first_sync_{k}": round(v, 3) for k, v in first.items()}
    if again:
        metrics |= {f"incremental_{k}": round(v, 3) for k, v in again.items()}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({
        "name": "dagster",
        "metrics": metrics,
        "runs": runs,
        "setup": {"accounts": args.accounts, "rounds": args.rounds, "tables": TABLES, "emulator": "tiny",
                  "machine": {"python": platform.python_version(), "machine": platform.machine(),
                              "cpus": os.cpu_count(), "load": os.getloadavg()}},
        "notes": "seconds per partition run (median); overhead = dagster.materialize - run_sync, same account, "
                 "asked in turn; dagster_empty_run = a partition run of an asset doing nothing, right after; "
                 "interpreter start-up excluded on both sides",
    }, indent=2) + "\n")  # fmt: skip
    print(json.dumps(metrics, indent=2))


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    main()
