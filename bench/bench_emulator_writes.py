"""Emulator write path and computed-statistics paging: bulk job throughput, POST latency, stat pages at scale.

Targets (issue: emulator performance at scale): a `managemanycontacts` job (properties and a list, tiny
preset) at >= 5,000 contacts per second; any 1000-row page of any computed resource on the large preset in
< 100 ms after the first call of a walk, the first in < 5 s. Also reported: one POST /contact in-process,
the first unique-key lookup (index build) and the first `Sort=Email` on the large contact table.

Run: `uv run python bench/bench_emulator_writes.py [--scale large] [--pages 5]`;
writes bench/results/emulator_writes.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from starlette.testclient import TestClient

from mailjet_connector.emulator import jobs
from mailjet_connector.emulator.app import create_app
from mailjet_connector.emulator.jobs import JobSettings
from mailjet_connector.emulator.seed import DEFAULT_API_KEY, DEFAULT_API_SECRET, build_state
from mailjet_connector.emulator.state import EmulatorState

RESULTS = Path(__file__).resolve().parent / "results" / "emulator_writes.json"
# The same measures before the columnar computed results and the write-path caches (commit afd549e^,
# same machine, shared and noisy): kept in the results for comparison.
BEFORE = {
    "bulk_job_contacts_per_cpu_second": "4,100-5,100",
    "post_contact_p50_ms": 2.2,
    "messageinformation_page_ms": {"first": 37542, "later_max": 35024},
    "contactstatistics_page_ms": {"first": 5272, "later_max": 7529},
    "messagesentstatistics_page_ms": {"first": 556, "later_max": 544},
    "listrecipientstatistics_page_ms": "over 30,000 per page (run stopped)",
}
NOW = 1_780_000_000
PAGE = 1000
# The computed resources whose rows grow with the data (the small ones answer in a few ms anyway).
BIG_STATS = (
    "messageinformation",
    "messagesentstatistics",
    "messagesentstatistics?AllMessages=true",
    "contactstatistics",
    "listrecipientstatistics",
    "senderstatistics",
    "domainstatistics",
    "campaignstatistics",
    "liststatistics",
)


def client_for(state: EmulatorState) -> TestClient:
    client = TestClient(create_app(state))
    client.auth = (DEFAULT_API_KEY, DEFAULT_API_SECRET)
    return client


def bulk_job(contacts: int) -> dict[str, Any]:
    """Contacts per CPU second of one managemanycontacts job with two properties and one list each."""
    state = build_state(scale="tiny", now=NOW, frozen=True)
    account = state.accounts[DEFAULT_API_KEY]
    account.extra[jobs.SETTINGS_KEY] = JobSettings(per_second=10**7, max_contacts=contacts)
    client = client_for(state)
    for name, datatype in (("city", "str"), ("score", "int")):
        client.post("/v3/REST/contactmetadata", json={"Name": name, "DataType": datatype})
    list_id = client.get("/v3/REST/contactslist?Limit=1").json()["Data"][0]["ID"]
    body = {
        "ContactsLists": [{"ListID": list_id, "Action": "addnoforce"}],
        "Contacts": [
            {"Email": f"bulk{i}@bench.example", "Name": f"B {i}", "Properties": {"city": "X", "score": i}}
            for i in range(contacts)
        ],
    }
    response = client.post("/v3/REST/contact/managemanycontacts", json=body)
    job_id = response.json()["Data"][0]["JobID"]
    state.clock.advance(10)
    started = time.process_time()  # CPU time: the job is single-threaded and the bench machine is shared
    jobs.refresh(state, account)
    elapsed = time.process_time() - started
    status = client.get(f"/v3/REST/contact/managemanycontacts/{job_id}").json()["Data"][0]
    assert status["Status"] == "Completed" and status["Count"] == contacts, status
    return {
        "contacts": contacts,
        "seconds": round(elapsed, 3),
        "contacts_per_second": round(contacts / elapsed),
    }


def post_latency(posts: int) -> dict[str, float]:
    """Milliseconds per POST /v3/REST/contact through the app, in-process."""
    client = client_for(build_state(scale="tiny", now=NOW, frozen=True))
    out = []
    for i in range(posts):
        started = time.perf_counter()
        response = client.post("/v3/REST/contact", json={"Email": f"post{i}@bench.example", "Name": "P"})
        out.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 201
    return {"p50_ms": round(statistics.median(out), 3), "p99_ms": round(float(np.percentile(out, 99)), 3)}


def timed_get(client: TestClient, path: str, params: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = client.get(path, params=params)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.text[:200]
    return elapsed, response.json()


def stat_pages(client: TestClient, name: str, pages: int) -> dict[str, float]:
    """First 1000-row page (compute) and the later pages of the same walk, milliseconds."""
    path, _, query = name.partition("?")
    extra = dict(part.split("=") for part in query.split("&") if part)
    first, body = timed_get(client, f"/v3/REST/{path}", {**extra, "Limit": PAGE, "countrecords": 1})
    total = body["Total"]
    rng = np.random.default_rng(0)
    later = [
        timed_get(client, f"/v3/REST/{path}", {**extra, "Limit": PAGE, "Offset": int(o)})[0]
        for o in rng.integers(0, max(1, total - PAGE), size=pages)
    ]
    return {"rows": total, "first_ms": round(first, 1), "later_max_ms": round(max(later), 1)}


def large(pages: int, scale: str) -> dict[str, Any]:
    started = time.perf_counter()
    state = build_state(scale=scale, now=NOW, frozen=True)
    out: dict[str, Any] = {"build_seconds": round(time.perf_counter() - started, 1)}
    client = client_for(state)
    for name in BIG_STATS:
        out[name] = stat_pages(client, name, pages)
        print(name, out[name], flush=True)
    contacts = state.accounts[DEFAULT_API_KEY].tables["contact"]
    started = time.perf_counter()
    contacts.lookup(("Email",), ("nobody@nowhere.example",), ci=True)
    out["contact_email_index_ms"] = round((time.perf_counter() - started) * 1000, 1)
    out["contact_sort_email_first_ms"] = round(
        timed_get(client, "/v3/REST/contact", {"Limit": PAGE, "Sort": "Email"})[0], 1
    )
    # Cached frames hold columns of millions of rows: watch what they cost (ru_maxrss is KiB on Linux).
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="large")
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--contacts", type=int, default=10_000)
    args = parser.parse_args()
    metrics: dict[str, Any] = {
        "bulk_job": bulk_job(args.contacts),
        "post_contact": post_latency(500),
    }
    print(metrics, flush=True)
    metrics["computed"] = large(args.pages, args.scale)
    result = {
        "name": "emulator_writes",
        "metrics": metrics,
        "before": BEFORE,
        "notes": f"scale={args.scale}; bulk job on tiny with 2 properties and 1 list per contact; "
        f"{args.pages} random 1000-row pages per computed resource after the first",
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
