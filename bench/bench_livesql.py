"""Live SQL benchmark: typical lookups answered live (`query --live`) vs sync-then-query, calls and seconds.

The emulator runs in its own process (`mailjet-connector emulator serve`, `--scale`, default small); this
process runs both paths with the library, one after the other, against the same data:

- live: each lookup through `livesql.run_live` (its calls are the API calls it made);
- sync then query: `run_sync` of the tables the lookups read (fresh DuckDB file), then each lookup through
  `query.run_query` on it; its calls are the sync's.

Every lookup must give the same rows both ways (the bench stops otherwise). The metrics are the calls and
seconds of each path and their ratios, measured in the same run.

Run: `uv run python bench/bench_livesql.py [--scale small]`; writes bench/results/livesql.json.
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
from typing import Any

import httpx

from mailjet_connector.client import Client
from mailjet_connector.livesql import run_live
from mailjet_connector.query import run_query
from mailjet_connector.sync import SyncOptions, run_sync

RESULTS = Path(__file__).resolve().parent / "results" / "livesql.json"
KEY, SECRET = "emulator-key", "emulator-secret"  # the emulator's default main account
RATE = "5000/s"  # the emulator has no limit: pace high rather than let the adaptive pacer start low

# (name, SQL with {placeholders}, tables a sync must read for it)
LOOKUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("contact by email", "select id, email, name from contact where email = '{email}'", ("contact",)),
    ("newest contacts", "select id, email from contact order by created_at desc, id limit 10", ("contact",)),
    ("unsubscribed count", "select count(*) from contact where unsubscribed_at is not null", ("contact",)),
    ("messages of a campaign", "select count(*) from message where campaign_id = {campaign}", ("message",)),
    (
        "lists of a contact",
        "select l.name from listrecipient lr join contactslist l on l.id = lr.list_id "
        "where lr.contact_id = {contact} order by 1",
        ("listrecipient", "contactslist"),
    ),
    (
        "subscribers of a list",
        "select c.email from listrecipient lr join contact c on c.id = lr.contact_id "
        "where lr.list_id = {list} and not lr.is_unsubscribed order by 1 limit 20",
        ("listrecipient", "contact"),
    ),
    (
        "opens of a campaign",
        "select count(*) from openinformation where campaign_id = {campaign}",
        ("openinformation",),
    ),
    (
        "events of a message",
        "select event_type, event_at from messagehistory where message_id = {message} order by 2, 1",
        ("message", "messagehistory"),
    ),
)


def start_server(scale: str, seed: int) -> tuple[subprocess.Popen[str], str]:
    """`mailjet-connector emulator serve --port 0` in a child process; (process, base URL)."""
    cmd = [sys.executable, "-m", "mailjet_connector", "emulator", "serve", "--port", "0"]
    cmd += ["--scale", scale, "--seed", str(seed)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if "listening on" in line:
            url = line.strip().split()[-1]
            break
    else:
        raise SystemExit(f"the emulator did not start (exit {proc.wait()})")
    for _ in range(100):
        try:
            httpx.get(f"{url}/_emulator/clock", timeout=5).raise_for_status()
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the emulator did not answer")


def parameters(client: Client) -> dict[str, Any]:
    """Values the lookups use: a real email, campaign, contact with lists, list, message with events."""
    message = next(m for m in client.page("message", limit=50).rows if m["CampaignID"])
    subscription = client.page("listrecipient", limit=1).rows[0]
    return {
        "email": client.page("contact", limit=1, offset=7).rows[0]["Email"],
        "campaign": message["CampaignID"],
        "contact": subscription["ContactID"],
        "list": subscription["ListID"],
        "message": message["ID"],
    }


def run_live_path(client: Client, sqls: list[tuple[str, str]]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    run_live(client, "select 1")  # warm up (imports, the first DuckDB connection): not a lookup
    per, rows = {}, {}
    for name, sql in sqls:
        started = time.perf_counter()
        result = run_live(client, sql, max_calls=None)
        per[name] = {"calls": len(result.calls), "seconds": round(time.perf_counter() - started, 3)}
        rows[name] = result.rows
    return per, rows


def run_sync_path(
    url: str, sqls: list[tuple[str, str]], tables: list[str], workdir: Path
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    options = SyncOptions(
        KEY, SECRET, base_url=url, resources=tables, rate_limit=RATE,
        dataset_url=str(workdir / "bench.duckdb"), pipelines_dir=str(workdir / "pipelines"),
    )  # fmt: skip
    started = time.perf_counter()
    report = run_sync(options)
    sync_seconds = time.perf_counter() - started
    run_query("select 1", options.dataset_url)  # warm up, as the live path does
    per, rows = {}, {}
    for name, sql in sqls:
        started = time.perf_counter()
        rows[name] = run_query(sql, options.dataset_url).rows
        per[name] = {"seconds": round(time.perf_counter() - started, 3)}
    summary = {
        "tables": tables,
        "sync_calls": report.api_calls,
        "sync_calls_per_table": {name: stats.api_calls for name, stats in sorted(report.resources.items())},
        "sync_seconds_per_table": {name: round(s.seconds, 2) for name, s in sorted(report.resources.items())},
        "sync_seconds": round(sync_seconds, 2),
        "query_seconds": round(sum(p["seconds"] for p in per.values()), 3),
        "per_lookup": per,
    }
    return summary, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", help="emulator preset (tiny for a smoke run)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    proc, url = start_server(args.scale, args.seed)
    try:
        with Client(KEY, SECRET, base_url=url, rate_limit=RATE) as client:
            values = parameters(client)
            sqls = [(name, sql.format(**values)) for name, sql, _ in LOOKUPS]
            live, live_rows = run_live_path(client, sqls)
        tables = sorted({t for _, _, ts in LOOKUPS for t in ts})
        with tempfile.TemporaryDirectory(prefix="bench-livesql-") as tmp:
            synced, synced_rows = run_sync_path(url, sqls, tables, Path(tmp))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    for name, _ in sqls:
        if sorted(live_rows[name], key=repr) != sorted(synced_rows[name], key=repr):
            raise SystemExit(f"{name}: live and synced answers differ")
    live_calls = sum(p["calls"] for p in live.values())
    live_seconds = sum(p["seconds"] for p in live.values())
    synced_seconds = synced["sync_seconds"] + synced["query_seconds"]
    metrics = {
        "live": {"calls": live_calls, "seconds": round(live_seconds, 3), "per_lookup": live},
        "sync_then_query": {**synced, "calls": synced["sync_calls"], "seconds": round(synced_seconds, 2)},
        "calls_ratio": round(live_calls / max(1, synced["sync_calls"]), 5),
        "seconds_ratio": round(live_seconds / synced_seconds, 4),
    }
    result = {
        "name": "livesql",
        "metrics": metrics,
        "notes": f"{len(LOOKUPS)} lookups on the {args.scale} preset (seed {args.seed}); live answers equal the "
        f"synced ones; emulator in its own process on loopback; {platform.machine()}",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
