"""Sync benchmark: rows/s of `mailjet-connector sync` into DuckDB vs the Airbyte Mailjet connector and the raw floor,
and the API calls of a sync next to the Airbyte connector's (issue 17, items 3 and 10).

Every reader hits the same emulator, run as its own process (`mailjet-connector emulator serve`, seeded at
`--scale`, default `large`, or `--rows` of each benchmarked resource): no reader shares a process (or a GIL)
with the emulator, and the emulator counts every request it serves (`/_emulator/requests` Total).
The throughput ratios are taken `--passes` times (default 3), each reader right after its peer, and reported
as the median of the passes' ratios: this machine's speed drifts by a quarter between minutes.
- ours: `mailjet-connector sync` in a child process (its peak RSS is its own), end to end into DuckDB, for
  contact, listrecipient, message, openinformation, clickstatistics, bouncestatistics;
- the raw floor: httpx + orjson in this process fetching the same pages (Limit=1000, 4 in flight like our
  client), decoded and discarded;
- the Airbyte connector (`source-declarative-manifest` on its manifest, url_base pointed at the emulator) on
  the streams it shares with us (contacts, listrecipient, message), its output written to a file and counted
  after it ends (nothing parses it while it runs); next to it, the floor on the same three resources, so
  both ratios have the same denominator;
- calls (item 3): our first sync of the default tables and a no-change re-run, the Airbyte connector's six
  streams on the same data, each counted by the emulator; time at 300/min is calls / 300 minutes (the pacer
  runs at the limit: the rate-limited run below measures it);
- a rate-limited run: the emulator at `--rate`, ours with the same `--rate-limit`, vs 0.95 * R * 1000 / 60.

Run: `uv run python bench/bench_sync.py [--scale small] [--rows N] [--passes N] [--no-airbyte]
[--airbyte-venv DIR] [--no-rate-limited] [--port P]`; writes bench/results/sync.json. The large preset with
three passes takes about 90 minutes on 2 CPUs; `--rows 300000 --passes 1` about 15.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from mailjet_connector import catalog
from mailjet_connector.wire.rates import parse_rate

sys.path.insert(0, str(Path(__file__).resolve().parent))
import airbyte_peer  # a sibling helper module, found through the sys.path line above

RESULTS = Path(__file__).resolve().parent / "results" / "sync.json"
RESOURCES = ["contact", "listrecipient", "message", "openinformation", "clickstatistics", "bouncestatistics"]
AIRBYTE_STREAMS = {"contacts": "contact", "listrecipient": "listrecipient", "message": "message"}
# Every stream of the connector's manifest (airbyte-source-mailjet-mail 0.1.x), for the calls comparison.
AIRBYTE_ALL_STREAMS = [
    "contactslist",
    "contacts",
    "stats_api_lifetime_message",
    "campaign",
    "message",
    "listrecipient",
]
PER_MINUTE = 300  # Mailjet's documented limit: the calls comparison is timed at it
PAGE = 1000
IN_FLIGHT = 4
NOW = "2026-05-28T20:26:40Z"  # the emulator's clock (1_780_000_000), so every run sees the same data
KEY, SECRET = "emulator-key", "emulator-secret"  # `emulator serve`'s main account


@dataclass
class Emulator:
    """An emulator served by its own process (the bench started it and stops it by its PID)."""

    url: str
    api_key: str = KEY
    api_secret: str = SECRET

    def served(self) -> int:
        """Requests it has served since it started (its request counter, not the bounded log)."""
        answer = httpx.get(f"{self.url}/_emulator/requests", timeout=30)
        return int(answer.json()["Total"])


@contextlib.contextmanager
def emulator_process(
    scale: str, overrides: dict[str, int] | None, port: int, workdir: Path, rate_limit: str | None = None
) -> Iterator[Emulator]:
    """`mailjet-connector emulator serve` in a child process on `port`, until the block ends."""
    cmd = [sys.executable, "-m", "mailjet_connector", "emulator", "serve", "--port", str(port),
           "--scale", scale, "--seed", "0", "--now", NOW, "--quiet"]  # fmt: skip
    for name, rows in (overrides or {}).items():
        cmd += ["--set", f"{name}={rows}"]
    if rate_limit:
        cmd += ["--rate-limit", rate_limit]
    workdir.mkdir(parents=True, exist_ok=True)
    log = (workdir / f"emulator-{port}.log").open("wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    server = Emulator(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 1800  # seeding the large preset takes minutes
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"emulator exited {proc.returncode}: see {log.name}")
            with contextlib.suppress(httpx.HTTPError):
                server.served()
                break
            if time.monotonic() > deadline:
                raise RuntimeError("emulator did not start in 30 minutes")
            time.sleep(1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def listing_filters(name: str) -> dict[str, Any]:
    """The filters a full read needs: all time for resources that default to the current day (§8.15)."""
    res = catalog.get(name)
    if res.today_default and res.cursor is not None and res.cursor.from_filter:
        return {res.cursor.from_filter: 0}
    return {}


async def floor_resource(http: httpx.AsyncClient, name: str) -> int:
    """Fetch every page of one resource, IN_FLIGHT at a time, decode and discard. Returns rows seen."""
    path = catalog.get(name).path
    base = {**listing_filters(name), "Limit": PAGE, "Sort": "ID"}
    count = orjson.loads((await http.get(path, params={**listing_filters(name), "countOnly": 1})).content)
    offsets = list(range(0, count["Total"], PAGE))
    rows = 0
    for i in range(0, len(offsets), IN_FLIGHT):
        answers = await asyncio.gather(
            *(http.get(path, params={**base, "Offset": o}) for o in offsets[i : i + IN_FLIGHT])
        )
        rows += sum(len(orjson.loads(a.content)["Data"]) for a in answers)
    return rows


async def floor(url: str, key: str, secret: str, names: list[str] = RESOURCES) -> dict[str, Any]:
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, auth=(key, secret), timeout=120) as http:
        rows = {name: await floor_resource(http, name) for name in names}
    seconds = time.perf_counter() - started
    return {"rows": sum(rows.values()), "per_resource": rows, "seconds": round(seconds, 2)}


# The child: `mailjet-connector sync` that writes its peak RSS (VmHWM) to the file named by BENCH_PEAK_FILE as
# it exits. Not ru_maxrss from wait4: Linux carries the parent's high-water mark over exec, so a child of this
# process (which holds the seeded emulator, over a GB at the large scale) would report the parent's size.
CHILD = """
import atexit, os, sys
def peak():
    with open("/proc/self/status") as status, open(os.environ["BENCH_PEAK_FILE"], "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
atexit.register(peak)
from mailjet_connector.cli import main
sys.argv[0] = "mailjet-connector"
main()
"""


def run_ours(server: Any, workdir: Path, *extra: str) -> dict[str, Any]:
    """`mailjet-connector sync --json` in a child process; returns its report, wall time and peak RSS (MB)."""
    cmd = [
        sys.executable, "-c", CHILD, "sync", "--json",
        "--base-url", server.url,
        "--dataset-url", str(workdir / "bench.duckdb"),
        "--pipelines-dir", str(workdir / "pipelines"),
        *extra,
    ]  # fmt: skip
    out_path, err_path, peak_path = workdir / "sync.out", workdir / "sync.err", workdir / "sync.peak"
    env = {
        **os.environ,
        "MJ_APIKEY_PUBLIC": server.api_key,
        "MJ_APIKEY_PRIVATE": server.api_secret,
        "BENCH_PEAK_FILE": str(peak_path),
    }
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        returncode = subprocess.call(cmd, stdout=out, stderr=err, env=env)
    wall = time.perf_counter() - started
    if returncode != 0:
        output = (err_path.read_text() + out_path.read_text())[-2000:]
        raise RuntimeError(f"sync failed ({returncode}): {output}")
    try:
        report = json.loads(out_path.read_bytes())
    except ValueError as exc:
        raise RuntimeError(
            f"sync --json printed more than its report: {out_path.read_text()[:300]!r}"
        ) from exc
    peak_mb = int(peak_path.read_text()) / 1024
    return {"report": report, "wall_seconds": round(wall, 2), "peak_rss_mb": round(peak_mb, 1)}


def calls(report: dict[str, Any], names: list[str]) -> int:
    return sum(report["resources"].get(name, {}).get("api_calls", 0) for name in names)


def time_filterable(names: list[str]) -> list[str]:
    """Resources the API can filter by time (a cursor with a server-side lower bound)."""
    return [n for n in names if (c := catalog.get(n).cursor) is not None and c.from_filter]


def airbyte_read(server: Any, peer: tuple[Path, Path, str], workdir: Path, timeout: float) -> dict[str, Any]:
    """One read of the shared streams by the installed Airbyte connector (`peer`: `airbyte_peer.install`)."""
    entry, manifest, versions = peer
    workdir.mkdir(parents=True, exist_ok=True)
    run = airbyte_peer.read(entry, manifest, server.url, server.api_key, server.api_secret,
                            list(AIRBYTE_STREAMS), workdir, timeout)  # fmt: skip
    rows = sum(run.records.values())
    return {"rows": rows, "per_stream": run.records, "seconds": round(run.seconds, 2),
            "timed_out": run.timed_out, "versions": versions}  # fmt: skip


def rate_limited(rate: str, messages: int, workdir: Path, port: int) -> dict[str, Any]:
    """Ours against an emulator limited to `rate`, with the same configured limit: rows/s vs the ceiling."""
    spec = parse_rate(rate)
    per_minute = spec.requests * 60 / spec.seconds
    with emulator_process("tiny", {"message": messages}, port, workdir, rate_limit=rate) as server:
        run = run_ours(server, workdir, "--resources", "message", "--rate-limit", rate, "--full-refresh")
    report = run["report"]
    stats = report["resources"]["message"]
    ceiling = 0.95 * per_minute * PAGE / 60
    # End to end counts everything from the sync's start: pipeline set-up, every load, and the final load
    # after the last page (about 2-3 s in all). The client paces at 97% of the configured rate (its safety
    # margin), so the run must be long enough for those fixed seconds to weigh under 2%.
    end_to_end = stats["rows"] / max(report["seconds"], 1e-9)
    return {
        "rate": rate,
        "rows": stats["rows"],
        "seconds": report["seconds"],
        "calls_per_s": round(report["api_calls"] / max(report["seconds"], 1e-9), 3),
        "end_to_end_rows_per_s": round(end_to_end),
        "ceiling_rows_per_s": round(ceiling),
        "end_to_end_ratio_to_ceiling": round(end_to_end / ceiling, 3),
        "http_429": report["rate_limited"],
    }


def rate(rows: int, seconds: float) -> float:
    return rows / max(seconds, 1e-9)


def passes_metrics(prefix: str, values: list[float], digits: int = 0) -> dict[str, Any]:
    """`<prefix>`: the median of the passes' values; `<prefix>_passes`: each pass's value."""
    shown = [round(v, digits) if digits else round(v) for v in values]
    middle = statistics.median(values)
    return {prefix: round(middle, digits) if digits else round(middle), f"{prefix}_passes": shown}


def ours_metrics(passes: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """End-to-end rows/s of the full syncs, their peak RSS, and their ratio to the floor read just before."""
    ours = [rate(p["full"]["report"]["totals"]["rows"], p["full"]["report"]["seconds"]) for p in passes]
    floors = [rate(p["raw"]["rows"], p["raw"]["seconds"]) for p in passes]
    rows = passes[-1]["full"]["report"]["totals"]["rows"]
    metrics = {"passes": len(passes), "ours_rows": rows}
    metrics |= passes_metrics("ours_rows_per_s", ours)
    metrics["ours_seconds_passes"] = [p["full"]["report"]["seconds"] for p in passes]
    metrics["ours_peak_rss_mb"] = max(p["full"]["peak_rss_mb"] for p in passes)
    metrics |= passes_metrics("floor_rows_per_s", floors)
    metrics |= passes_metrics("ours_vs_floor", [o / f for o, f in zip(ours, floors, strict=True)], 3)
    counts = {p["raw"]["rows"] for p in passes} | {p["full"]["report"]["totals"]["rows"] for p in passes}
    notes = [] if len(counts) == 1 else [f"row counts differ between readers or passes: {sorted(counts)}"]
    return metrics, notes


def airbyte_metrics(passes: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """Airbyte's rows/s on the streams it shares with us, our end-to-end sync of them, and the raw floor on
    the same resources, each pass in a row: the honest ratio (ours vs Airbyte) next to both against the floor."""
    theirs = [rate(p["peer"]["rows"], p["peer"]["seconds"]) for p in passes]
    ours = [rate(p["ours"]["report"]["totals"]["rows"], p["ours"]["report"]["seconds"]) for p in passes]
    floors = [rate(p["raw"]["rows"], p["raw"]["seconds"]) for p in passes]
    metrics: dict[str, Any] = {"airbyte_rows": passes[-1]["peer"]["rows"]}
    metrics |= passes_metrics("airbyte_rows_per_s", theirs)
    metrics |= passes_metrics("ours_shared_rows_per_s", ours)
    metrics |= passes_metrics("floor_shared_rows_per_s", floors)
    metrics |= passes_metrics("ours_vs_airbyte", [o / t for o, t in zip(ours, theirs, strict=True)], 2)
    metrics |= passes_metrics("ours_shared_vs_floor", [o / f for o, f in zip(ours, floors, strict=True)], 3)
    metrics |= passes_metrics("airbyte_vs_floor", [t / f for t, f in zip(theirs, floors, strict=True)], 3)
    peer = passes[-1]["peer"]
    note = (
        f"Airbyte ({peer['versions']}) read {peer['per_stream']} into a file (counted after it ended), no"
        " destination; ours loaded the same resources into DuckDB; the floor fetched them"
    )
    timed_out = any(p["peer"]["timed_out"] for p in passes)
    return metrics, [note + ("; Airbyte stopped at --airbyte-timeout" if timed_out else "")]


def incremental_metrics(full: dict[str, Any], again: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """API calls of a no-change re-run against the full run's, on the time-filterable resources."""
    filterable = time_filterable(RESOURCES)
    metrics = {
        "full_calls": calls(full["report"], RESOURCES),
        "incremental_calls": calls(again["report"], RESOURCES),
        "incremental_calls_pct_time_filterable": round(
            100 * calls(again["report"], filterable) / max(calls(full["report"], filterable), 1), 2
        ),
        "incremental_seconds": again["report"]["seconds"],
        "incremental_peak_rss_mb": again["peak_rss_mb"],
    }
    return metrics, [
        f"time-filterable: {', '.join(filterable)}; contact and listrecipient are read from their highest ID"
        " (a full read every 7 days: --deletions)"
    ]


def cost_metrics(
    server: Emulator, workdir: Path, peer: tuple[Path, Path, str] | None, timeout: float
) -> tuple[dict[str, Any], list[str]]:
    """Calls (counted by the emulator) of our first sync of the default tables, of a no-change re-run, and of
    the Airbyte connector's six streams on the same data; their time at 300/min is calls / 300 minutes."""
    metrics: dict[str, Any] = {}
    shutil.rmtree(workdir, ignore_errors=True)
    children = run_ours(server, workdir, "--plan", "--children")[
        "report"
    ]  # before the first sync: every message
    metrics["cost_children_planned_calls"] = children["tables"].get("messagehistory", {}).get("calls", 0)
    for label, extra in (("first_sync", ("--full-refresh",)), ("no_change_run", ())):
        before = server.served()
        run = run_ours(server, workdir, *extra)
        calls = server.served() - before
        metrics[f"cost_{label}_calls"] = calls
        metrics[f"cost_{label}_minutes_at_300"] = round(calls / PER_MINUTE, 1)
        metrics[f"cost_{label}_rows"] = run["report"]["totals"]["rows"]
        metrics[f"cost_{label}_wall_seconds"] = run["wall_seconds"]
        metrics[f"cost_{label}_peak_rss_mb"] = run["peak_rss_mb"]  # issue 17.8: <= 500 MB on the large preset
    notes = [
        "calls: counted by the emulator (its request counter); minutes at 300/min = calls / 300 (our pacer "
        "holds the limit: see rate_limited_end_to_end_ratio_to_ceiling); first sync and no-change run of the "
        "default tables (per-row children off); cost_children_planned_calls: messagehistory by `sync --plan "
        "--children` on the empty dataset (one call per message: what a first sync with history would add)"
    ]
    if peer is not None:
        (workdir / "airbyte-all").mkdir(parents=True, exist_ok=True)
        before = server.served()
        entry, manifest, _ = peer
        run = airbyte_peer.read(entry, manifest, server.url, server.api_key, server.api_secret,
                                AIRBYTE_ALL_STREAMS, workdir / "airbyte-all", timeout)  # fmt: skip
        calls = server.served() - before
        # `discover` before the read makes no API call; every call counted is the read's.
        metrics["cost_airbyte_calls"] = calls
        metrics["cost_airbyte_minutes_at_300"] = round(calls / PER_MINUTE, 1)
        metrics["cost_airbyte_rows"] = sum(run.records.values())
        notes.append(
            f"Airbyte's six streams read {run.records} in {calls} calls (page size 100)"
            + ("; stopped at --airbyte-timeout" if run.timed_out else "")
        )
    return metrics, notes


def full_passes(server: Any, workdir: Path, count: int) -> list[dict[str, Any]]:
    """`count` passes of (floor, our full sync into a new dataset); the last pass's dataset is kept."""
    names = ",".join(RESOURCES)
    passes = []
    for i in range(count):
        if i:
            shutil.rmtree(workdir, ignore_errors=True)  # each pass is a first sync, into an empty file
        raw = asyncio.run(floor(server.url, server.api_key, server.api_secret))
        full = run_ours(server, workdir, "--resources", names, "--full-refresh")
        passes.append({"raw": raw, "full": full})
        print(f"pass {i + 1}: floor {rate(raw['rows'], raw['seconds']):,.0f} rows/s, ours"
              f" {rate(full['report']['totals']['rows'], full['report']['seconds']):,.0f}", file=sys.stderr)  # fmt: skip
    return passes


def airbyte_passes(
    server: Any, workdir: Path, args: argparse.Namespace, peer: tuple[Path, Path, str]
) -> list[dict[str, Any]]:
    """`--passes` passes of (the floor, Airbyte's read, our full sync) on the streams Airbyte shares with us."""
    shared = ",".join(AIRBYTE_STREAMS.values())
    passes = []
    for i in range(args.passes):
        raw = asyncio.run(
            floor(server.url, server.api_key, server.api_secret, list(AIRBYTE_STREAMS.values()))
        )
        theirs = airbyte_read(server, peer, workdir / "airbyte", args.airbyte_timeout)
        shutil.rmtree(workdir / "shared", ignore_errors=True)
        ours = run_ours(server, workdir / "shared", "--resources", shared, "--full-refresh")
        passes.append({"raw": raw, "peer": theirs, "ours": ours})
        print(f"pass {i + 1}: Airbyte {rate(theirs['rows'], theirs['seconds']):,.0f} rows/s, ours"
              f" {rate(ours['report']['totals']['rows'], ours['report']['seconds']):,.0f}", file=sys.stderr)  # fmt: skip
    return passes


def measure(args: argparse.Namespace, workdir: Path) -> tuple[dict[str, Any], list[str]]:
    """Every measurement of the benchmark against one emulator process (plus a rate-limited one)."""
    metrics: dict[str, Any] = {}
    notes = [f"scale {args.scale}; Python {platform.python_version()} on {os.cpu_count()} CPUs"]
    overrides = dict.fromkeys(RESOURCES, args.rows) if args.rows else None
    if overrides:
        notes[0] += f", {args.rows:,} rows of each benchmarked resource"
    notes.append(f"ratios: median of {args.passes} passes, each reader right after its peer")
    notes.append("the emulator in its own process; each reader in its own (the floor in the bench's)")
    peer = None
    if not args.no_airbyte:
        try:
            (workdir / "airbyte").mkdir(parents=True, exist_ok=True)
            peer = airbyte_peer.install(workdir / "airbyte", args.airbyte_venv)
        except (airbyte_peer.PeerUnavailableError, OSError, subprocess.SubprocessError) as exc:
            notes.append(f"Airbyte peer unavailable here: {exc}")
    with emulator_process(args.scale, overrides, args.port, workdir) as server:
        if args.only_cost:
            part = cost_metrics(server, workdir / "cost", peer, args.airbyte_timeout)
            return part[0], notes + part[1]
        passes = full_passes(server, workdir / "ours", args.passes)
        again = run_ours(server, workdir / "ours", "--resources", ",".join(RESOURCES))
        for part in (ours_metrics(passes), incremental_metrics(passes[-1]["full"], again)):
            metrics.update(part[0])
            notes += part[1]
        if peer is not None:
            part = airbyte_metrics(airbyte_passes(server, workdir, args, peer))
            metrics.update(part[0])
            notes += part[1]
        part = cost_metrics(server, workdir / "cost", peer, args.airbyte_timeout)
        metrics.update(part[0])
        notes += part[1]
    if not args.no_rate_limited:
        limited = rate_limited(args.rate, args.rate_messages, workdir / "limited", args.port + 1)
        metrics.update({f"rate_limited_{k}": v for k, v in limited.items() if k != "rate"})
        notes.append(
            f"rate-limited run: emulator and client at {limited['rate']}, {limited['rows']} messages"
        )
    return metrics, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large", help="emulator preset: tiny, small or large")
    parser.add_argument("--rows", type=int, help="rows of each benchmarked resource (overrides the preset)")
    parser.add_argument(
        "--passes", type=int, default=3, help="passes of each reader and its peer; ratios are their median"
    )
    parser.add_argument("--no-airbyte", action="store_true", help="skip the Airbyte peer")
    parser.add_argument(
        "--only-cost", action="store_true", help="only the calls comparison (item 3): no throughput passes"
    )
    parser.add_argument("--no-rate-limited", action="store_true", help="skip the rate-limited run (~4 min)")
    parser.add_argument(
        "--port", type=int, default=18210, help="the emulator's port (the rate-limited one: +1)"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the results JSON goes")
    parser.add_argument("--airbyte-venv", type=Path, help="reuse a venv that already has airbyte-cdk")
    parser.add_argument(
        "--airbyte-timeout",
        type=float,
        default=600,
        help="stop each Airbyte read after N s (its rate is then the rows it read over that time)",
    )
    parser.add_argument("--rate", default="300/min", help="emulator limit for the rate-limited run")
    parser.add_argument(
        "--rate-messages",
        type=int,
        default=1_000_000,
        help="messages read in the rate-limited run (1,000 pages: 200 s at 300/min, long enough that the"
        " fixed start and final-load seconds do not dominate a rate measurement)",
    )
    args = parser.parse_args()
    args.passes = max(1, args.passes)
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        metrics, notes = measure(args, Path(tmp))
    args.results.parent.mkdir(exist_ok=True)
    args.results.write_text(
        json.dumps({"name": args.results.stem, "metrics": metrics, "notes": "; ".join(notes)}, indent=2)
        + "\n"
    )
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
