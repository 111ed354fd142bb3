"""Run every benchmark in bench/ (`make bench`) and collect their results into bench/results/README.md.

Each `bench/bench_*.py` script runs standalone, measures against a peer or a floor in the same run, and
writes `bench/results/<name>.json` as `{"name": ..., "metrics": {...}, "notes": "..."}`. This runner
executes them one after another (they are not timed against each other) and renders one markdown table.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results"


def run_all(selected: list[str]) -> int:
    """Run the selected benchmarks (all when empty). Returns the number that failed."""
    scripts = sorted(BENCH_DIR.glob("bench_*.py"))
    if selected:
        scripts = [s for s in scripts if s.stem in selected or s.stem.removeprefix("bench_") in selected]
    failed = 0
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, str(script)], cwd=BENCH_DIR.parent)
        print(f"   exit {code} after {time.monotonic() - started:.1f}s", flush=True)
        failed += code != 0
    render_table()
    return failed


def render_table() -> None:
    """Write bench/results/README.md from every results JSON file."""
    lines = ["# Benchmark results", "", "Written by `make bench` (bench/run.py). One row per metric.", ""]
    lines += ["| benchmark | metric | value |", "|---|---|---|"]
    for path in sorted(RESULTS.glob("*.json")):
        data = json.loads(path.read_text())
        for key, value in data.get("metrics", {}).items():
            shown = f"{value:,.3f}" if isinstance(value, float) else f"{value}"
            lines.append(f"| {data.get('name', path.stem)} | {key} | {shown} |")
        if data.get("notes"):
            lines.append(f"| {data.get('name', path.stem)} | notes | {data['notes']} |")
    (RESULTS / "README.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    RESULTS.mkdir(exist_ok=True)
    sys.exit(1 if run_all(sys.argv[1:]) else 0)
