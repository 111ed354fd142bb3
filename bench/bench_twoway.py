"""Two-way sync benchmark: N contacts on both sides, three properties and two lists; 1% changed on each side.

The emulator runs in its own process (`mailjet-connector emulator serve`, seeded with N contacts and their
properties and subscriptions); our code runs here, into a DuckDB file. Measured, in one run:

- initial: the first run (the table is created and filled from Mailjet);
- no change: a run with nothing changed on either side (what a scheduled run costs most of the time);
- 1% each side: 1% of the rows changed in the table (a property), another 1% of the contacts changed in
  Mailjet (a property, through one bulk job made before the run and not counted);
- the peer: an incremental sync of the same resources (`sync --resources contact,contactdata,listrecipient`,
  second pass) into its own DuckDB file, on the same emulator: a no-change two-way run must not call more
  than this plus its prerequisite lookups (property definitions, one per mapped list).

Calls are every HTTP request the run sent (its sync included); the client is paced at `--rate-limit`
(Mailjet publishes no figure for its limits, mailjet-api.md §7: this is the rate the numbers assume).

Run: `uv run python bench/bench_twoway.py [--contacts 100000] [--port 18510] [--rate-limit 50/s]`; writes
bench/results/twoway.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import httpx
from pydantic import SecretStr

from mailjet_connector.client import Client
from mailjet_connector.config import Settings
from mailjet_connector.importer.jobs import BulkContact, run_jobs
from mailjet_connector.sync import SyncOptions, run_sync
from mailjet_connector.sync.settings import DELETIONS_EVERY
from mailjet_connector.twoway import parse_mapping, run, verify
from mailjet_connector.twoway.mailjet import SYNCED

RESULTS = Path(__file__).resolve().parent / "results" / "twoway.json"
KEY, SECRET = "benchtwowaykey", "benchtwowaysecret"
PROPERTIES = {"country": "str", "age": "int", "vip": "bool"}
LISTS = {"newsletter": "Newsletter", "customers": "Customers"}


def start_emulator(port: int, contacts: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "mailjet_connector", "emulator", "serve", "--port", str(port), "--seed", "1",
               "--contacts", str(contacts), "--api-key", KEY, "--api-secret", SECRET]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/_emulator/clock", timeout=2).raise_for_status()
            return process
        except httpx.HTTPError:
            if process.poll() is not None:
                raise SystemExit(f"the emulator exited with {process.returncode}") from None
            time.sleep(0.5)
    process.kill()
    raise SystemExit("the emulator did not start in 10 minutes")


def figures(report: Any) -> dict[str, Any]:
    return {"api_calls": report.api_calls, "seconds": round(report.seconds, 2), "sync_calls": report.sync["api_calls"],
            "to_mailjet": report.to_mailjet, "to_database": report.to_database, "actions": report.actions,
            "conflicts": len(report.conflicts), "failures": len(report.failures)}  # fmt: skip


def change_mailjet(client: Client, emails: list[str]) -> None:
    contacts = [
        BulkContact(i, {}, e.lower(), {"Email": e, "Properties": {"age": 77}})
        for i, e in enumerate(emails, 1)
    ]
    result = run_jobs(client, contacts, action="addforce")
    assert not result.failures, result.failures[:3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=18510)
    parser.add_argument("--rate-limit", default="50/s")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    base_url = f"http://127.0.0.1:{args.port}"
    started = time.monotonic()
    emulator = start_emulator(args.port, args.contacts)
    seeded = time.monotonic() - started
    root = Path(tempfile.mkdtemp(prefix="bench-twoway-"))
    settings = Settings(
        api_key=SecretStr(KEY), api_secret=SecretStr(SECRET), base_url=base_url, rate_limit=args.rate_limit
    )
    mapping = parse_mapping({
        "database": {"url": str(root / "crm.duckdb"), "table": "customers", "create_table": True},
        "columns": {"name": {"field": "Name"}, **{n: {"property": n, "type": t} for n, t in PROPERTIES.items()}},
        "lists": {"flags": LISTS},
        "conflicts": {"rule": "mailjet_wins"},
    })  # fmt: skip
    kwargs = {"journal": root / "journal.sqlite", "pipelines_dir": str(root / "pipelines")}
    try:
        initial = run(mapping, settings, **kwargs)
        quiet = run(mapping, settings, **kwargs)
        peer_options = SyncOptions(KEY, SECRET, base_url=base_url, resources=SYNCED,
                                   dataset_url=str(root / "peer.duckdb"), pipelines_dir=str(root / "pipelines"),
                                   rate_limit=args.rate_limit, dlt_logs=False, deletions=0)  # fmt: skip
        run_sync(peer_options)
        peer = run_sync(peer_options)  # a second pass: what a sync that sees edits costs
        new_ids = run_sync(replace(peer_options, deletions=DELETIONS_EVERY))  # the default: new IDs only
        with duckdb.connect(str(root / "crm.duckdb")) as db:
            emails = [r[0] for r in db.execute("select email from customers order by email").fetchall()]
            step = 100
            db_side = emails[0::step]
            db.executemany("update customers set country = 'ZZ' where email = ?", [[e] for e in db_side])
        mj_side = emails[1::step]
        with Client(KEY, SECRET, base_url=base_url, rate_limit=args.rate_limit) as client:
            change_mailjet(client, mj_side)
        changed = run(mapping, settings, **kwargs)
        after = run(mapping, settings, **kwargs)
        differences = verify(mapping, settings, pipelines_dir=kwargs["pipelines_dir"])
    finally:
        emulator.terminate()
        emulator.wait(timeout=60)
    result = {
        "contacts": args.contacts,
        "rows_in_table": len(emails),
        "properties": list(PROPERTIES),
        "lists": list(LISTS.values()),
        "changed_each_side": {"database": len(db_side), "mailjet": len(mj_side)},
        "rate_limit": f"client paced at {args.rate_limit}; the emulator (own process) has no limit",
        "emulator_seed_seconds": round(seeded, 1),
        "initial_run": figures(initial),
        "no_change_run": figures(quiet),
        "changed_run": figures(changed),
        "run_after_changes": figures(after),
        "peer_incremental_sync": {
            "api_calls": peer.api_calls,
            "seconds": round(peer.seconds, 2),
            "resources": list(SYNCED),
        },
        "default_incremental_sync": {
            "api_calls": new_ids.api_calls,
            "seconds": round(new_ids.seconds, 2),
            "note": "reads only IDs above the highest synced: edits go unseen",
        },
        "no_change_calls_over_sync": quiet.api_calls - peer.api_calls,
        "no_change_seconds_ratio_to_sync": round(quiet.seconds / peer.seconds, 2) if peer.seconds else None,
        "differences_after": len(differences),
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
