"""Report benchmark: `mailjet-connector report` on a synced preset must stay under 30 s and 500 MB (issue #9).

Syncs the report's tables of the emulator preset (`--scale`, default `large`) into a DuckDB file once (kept
with `--dataset PATH` and reused when it exists), then builds the report in a child process, so its wall time
and peak RSS are its own, for the default period and for all time. The budget ratios (seconds / 30,
MB / 500) must stay below 1; the floor is the time DuckDB takes to scan the same tables once (`count(*)` of
each), to show what share of the time is the report's own work.

Run: `uv run python bench/bench_report.py [--scale small] [--dataset /tmp/report-large.duckdb]`;
writes bench/results/report.json. The first large run syncs for about 30 minutes on 2 cores (8.6 M rows);
the file is kept in the temp directory and reused. Peak RSS is read from /proc (Linux).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mailjet_connector.dataset import DEFAULT_DATASET
from mailjet_connector.report.queries import TABLES as RESOURCES  # every table a report query reads

RESULTS = Path(__file__).resolve().parent / "results" / "report.json"
BUDGET_SECONDS, BUDGET_MB = 30.0, 500.0

# The child: build the report, print its seconds (imports included: what a user waits for) and peak RSS.
CHILD = """
import datetime, sys, time
started = time.perf_counter()
from mailjet_connector.report import build_report
kw = {"date_from": datetime.date(2000, 1, 1)} if sys.argv[3] == "all" else {}
summary = build_report(sys.argv[1], output=sys.argv[2], **kw)
# VmHWM, not ru_maxrss: ru_maxrss survives exec, so a child forked from a big parent would report the parent.
peak_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(time.perf_counter() - started, peak_kb, summary.bytes, summary.totals.get("processed", 0))
"""


def sync_dataset(scale: str, path: Path) -> float:
    """Sync the report's tables of the preset into `path`; returns the seconds it took (0 when reused)."""
    if path.exists():
        return 0.0
    from mailjet_connector.emulator import start_emulator
    from mailjet_connector.sync import SyncOptions, run_sync

    started = time.perf_counter()
    server = start_emulator(scale=scale, seed=0)
    try:
        run_sync(
            SyncOptions(
                server.api_key,
                server.api_secret,
                base_url=server.url,
                resources=RESOURCES,
                dataset_url=str(path),
                pipelines_dir=str(path.parent / f"{path.stem}-pipelines"),
                clock=server.state.clock.now,
                rate_limit="5000/s",
                counter_sources=("APIKey", "Campaign", "List"),
                counter_timings=("Message",),
                counter_resolutions=("Lifetime", "Day"),
            )
        )
    finally:
        server.stop()
    return time.perf_counter() - started


def run_report(dataset: Path, period: str) -> dict[str, float]:
    """Build the report in a child process; returns its seconds, peak RSS (MB) and output size."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(dataset), str(Path(tmp) / "report.html"), period],
            capture_output=True,
            text=True,
            check=True,
        )
    seconds, peak_kb, size, processed = done.stdout.split()
    return {"seconds": float(seconds), "peak_rss_mb": int(peak_kb) / 1024, "bytes": int(size),
            "processed": int(processed)}  # fmt: skip


def scan_floor(dataset: Path) -> float:
    """Seconds DuckDB needs to count every row of the report's tables once."""
    from mailjet_connector.query import run_query

    started = time.perf_counter()
    for table in RESOURCES:
        run_query(f"select count(*) from {table}", str(dataset), DEFAULT_DATASET)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large")
    parser.add_argument(
        "--dataset", type=Path, default=None, help="DuckDB file to reuse (synced if missing)."
    )
    args = parser.parse_args()
    dataset = args.dataset or Path(tempfile.gettempdir()) / f"mj-report-{args.scale}.duckdb"
    sync_seconds = sync_dataset(args.scale, dataset)
    default = run_report(dataset, "default")
    everything = run_report(dataset, "all")
    floor = scan_floor(dataset)
    worst_s = max(default["seconds"], everything["seconds"])
    worst_mb = max(default["peak_rss_mb"], everything["peak_rss_mb"])
    metrics = {
        "default_period_seconds": round(default["seconds"], 3),
        "all_time_seconds": round(everything["seconds"], 3),
        "peak_rss_mb": round(worst_mb, 1),
        "seconds_vs_budget": round(worst_s / BUDGET_SECONDS, 3),
        "rss_vs_budget": round(worst_mb / BUDGET_MB, 3),
        "scan_floor_seconds": round(floor, 3),
        "all_time_vs_scan_floor": round(everything["seconds"] / floor, 2) if floor else None,
        "report_bytes": everything["bytes"],
        "processed_messages": everything["processed"],
    }
    notes = (
        f"scale {args.scale}; Python {platform.python_version()}; budget {BUDGET_SECONDS:.0f} s and "
        f"{BUDGET_MB:.0f} MB per report (child process, imports included); "
        + (f"sync of the report's tables took {sync_seconds:.0f} s" if sync_seconds else "dataset reused")
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"name": "report", "metrics": metrics, "notes": notes}, indent=2) + "\n")
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
