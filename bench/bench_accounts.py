"""Many-accounts benchmark: total rows/s of `sync --accounts` as accounts are added (1, 2, 5, 10, 20).

One emulator in its own process (`emulator serve --sub-accounts 19 --sub-data main`): 20 API keys, each seeded
alike and each rate-limited by the emulator (`--rate`, per key). For each step N, `mailjet-connector sync
--accounts FILE` (a process of its own, its workers under it, `--jobs` at its default: all accounts up to
two per CPU, at least four) syncs the first N accounts into fresh datasets, every account paced at the same
rate. Reported per step: total rows/s, the speed-up over one account and the scaling efficiency (speed-up / N: the ratio to the peer "N independent single-account syncs"),
the rate ceiling (N keys x rate x rows per page), and the CPU the syncs and the emulator used, as a share of the
machine's cores: where the sum nears 100%, the CPUs are the limit, not the keys' pacing.

Run: `uv run python bench/bench_accounts.py [--accounts 1,2,5,10,20] [--rows 5000] [--rate 10/s]`;
writes bench/results/accounts.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "accounts.json"
RESOURCES = ("contact", "listrecipient", "message")
PORT = 18310  # the accounts helper's range; 0 would do, the banner says which port
PAGE = 1000


def start_emulator(rows: int, rate: str, accounts: int, port: int) -> tuple[subprocess.Popen[str], str]:
    sets = [arg for name in RESOURCES for arg in ("--set", f"{name}={rows}")]
    command = [
        sys.executable, "-m", "mailjet_connector", "emulator", "serve", "--port", str(port), "--scale", "tiny",
        *sets, "--sub-accounts", str(accounts - 1), "--sub-data", "main", "--rate-limit", rate,
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if "listening on" in line:
            return process, line.rsplit(" ", 1)[-1].strip()
    raise SystemExit(f"the emulator did not start (exit {process.wait()})")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def accounts_file(folder: Path, url: str, count: int, rate: str) -> Path:
    from mailjet_connector.emulator.seed import DEFAULT_API_KEY, DEFAULT_API_SECRET, sub_account_keys

    keys = [(DEFAULT_API_KEY, DEFAULT_API_SECRET), *sub_account_keys(count - 1)]
    lines = [f"[defaults]\nbase_url = '{url}'\nrate_limit = '{rate}'\n"]
    for index, (key, secret) in enumerate(keys):
        (folder / f"a{index:02}.secret").write_text(secret)
        lines.append(f"[accounts.a{index:02}]\napi_key = '{key}'\napi_secret = 'file:a{index:02}.secret'\n")
    path = folder / "accounts.toml"
    path.write_text("\n".join(lines))
    return path


def run_step(path: Path, names: list[str], emulator_pid: int, work: Path) -> dict[str, Any]:
    """One `sync --accounts` of the named accounts into fresh datasets; its rows/s and CPU use."""
    for stale in work.glob("a*.duckdb*"):
        stale.unlink()
    shutil.rmtree(work / "pipelines", ignore_errors=True)
    picks = [arg for name in names for arg in ("--account", name)]
    command = [
        sys.executable, "-m", "mailjet_connector", "sync", "--accounts", str(path), *picks,
        "--resources", ",".join(RESOURCES), "--pipelines-dir", str(work / "pipelines"),
        "--json",
    ]  # fmt: skip
    load_before = os.getloadavg()[0]
    before_emulator = cpu_seconds(emulator_pid)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    emulator_cpu = cpu_seconds(emulator_pid) - before_emulator
    if done.returncode != 0:
        raise SystemExit(f"sync --accounts exited {done.returncode}: {done.stderr[-2000:]}")
    summary = json.loads(done.stdout)
    rows = sum(account["rows"] for account in summary["accounts"])
    sync_cpu = sum(account["cpu_seconds"] for account in summary["accounts"])  # the accounts' own runs
    cores = os.cpu_count() or 1
    from mailjet_connector.sync.multi import default_jobs

    return {
        "accounts": len(names),
        "jobs": default_jobs(len(names)),
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds),
        "api_calls": sum(account["api_calls"] for account in summary["accounts"]),
        "rate_limited": sum(account["rate_limited"] for account in summary["accounts"]),
        "sync_cpu_share": round(sync_cpu / seconds / cores, 3),
        # What the cores would carry if nothing else ran: rows per CPU-second of the syncs and the emulator,
        # times the cores (start-up and the CLI's own process left out).
        "cpu_bound_rows_per_s": round(rows * cores / (sync_cpu + emulator_cpu))
        if sync_cpu + emulator_cpu
        else None,
        "emulator_cpu_share": round(emulator_cpu / seconds / cores, 3),
        "per_account_seconds_max": max(account["seconds"] for account in summary["accounts"]),
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", default="1,2,5,10,20", help="steps: accounts synced at once")
    parser.add_argument(
        "--rows", type=int, default=5000, help=f"rows of each of {', '.join(RESOURCES)} per account"
    )
    parser.add_argument("--rate", default="10/s", help="each key's rate limit (emulator and client alike)")
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    steps = [int(step) for step in args.accounts.split(",")]
    from mailjet_connector.wire.rates import parse_rate

    per_key = parse_rate(args.rate).per_second
    emulator, url = start_emulator(args.rows, args.rate, max(steps), args.port)
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-accounts-") as tmp:
            work = Path(tmp)
            path = accounts_file(work, url, max(steps), args.rate)
            names = [f"a{index:02}" for index in range(max(steps))]
            for step in steps:
                result = run_step(path, names[:step], emulator.pid, work)
                result["rate_ceiling_rows_per_s"] = round(step * per_key * PAGE)
                results.append(result)
                print(json.dumps(result), flush=True)
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)
    one = results[0]["rows_per_s"] / results[0]["accounts"]
    for result in results:
        result["speedup_vs_one"] = round(result["rows_per_s"] / one, 2) if one else None
        result["efficiency"] = round(result["rows_per_s"] / one / result["accounts"], 3) if one else None
    best = max(results, key=lambda r: r["rows_per_s"])
    data = {
        "name": "accounts",
        "metrics": {
            "steps": results,
            "one_account_rows_per_s": results[0]["rows_per_s"],
            "best_rows_per_s": best["rows_per_s"],
            "best_at_accounts": best["accounts"],
            "best_speedup_vs_one": best["speedup_vs_one"],
        },
        "setup": {
            "rows_per_resource_per_account": args.rows,
            "resources": list(RESOURCES),
            "rate_per_key": args.rate,
            "cpus": os.cpu_count(),
            "machine": platform.platform(),
            "python": platform.python_version(),
        },
        "notes": (
            "sync --accounts FILE (default --jobs) against one emulator process (20 keys, each rate-limited); "
            "fresh datasets per step; rows/s = all accounts' rows / wall time of the command (start-up "
            "included); efficiency = speed-up over one account / N; CPU shares are of all cores: the accounts' "
            "sync runs (worker CPU time) and the emulator; load_average shows what else the machine ran"
        ),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
