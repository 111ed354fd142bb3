"""Import benchmark: 100k contacts with properties and a list, ours (bulk jobs) vs an official per-contact loop.

Ours: `importer.import_rows(client, "contact", rows, "upsert", lists=[...])`, which reads what exists, plans,
and sends the contacts through the planner's bulk-job backend (managemanycontacts jobs). The peer: the official
`mailjet-rest` client doing what a script would do per contact (POST contact, PUT contactdata, POST
listrecipient). Both run against one real emulator server on loopback, in the same run. The peer does three
calls per contact whatever the count, so it is measured on a sample (`--peer-sample`) and its seconds and
calls are scaled linearly to the full count; the notes say so. Emulator jobs are set to process 100k
contacts per emulator second (the default 1,000/s models nothing Mailjet publishes): the bench measures
client-side work and calls, not a made-up server queue.

Run: `uv run python bench/bench_import.py [--contacts 100000] [--peer-sample 1000]`; writes
bench/results/import.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import httpx
from mailjet_rest import Client as OfficialClient

from mailjet_connector.client import Client
from mailjet_connector.emulator.jobs import SETTINGS_KEY, JobSettings
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from mailjet_connector.importer import import_rows
from mailjet_connector.ratelimit import Pacer

RESULTS = Path(__file__).resolve().parent / "results" / "import.json"
LIST_NAME = "Bench import"


class CountingTransport(httpx.HTTPTransport):
    """A real HTTP transport that counts the requests it sends (retries included)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        return super().handle_request(request)


def rows(count: int, prefix: str) -> list[dict[str, Any]]:
    return [
        {
            "Email": f"{prefix}{i}@bench.example",
            "Name": f"Person {i}",
            "firstname": f"F{i}",
            "age": str(i % 90),
        }
        for i in range(count)
    ]


def fast_jobs(server: EmulatorServer) -> None:
    account = server.state.accounts[server.api_key]
    account.extra[SETTINGS_KEY] = JobSettings(
        queue_seconds=0, prepare_seconds=0, per_second=100_000, max_contacts=10_000
    )


def run_ours(server: EmulatorServer, count: int) -> dict[str, Any]:
    transport = CountingTransport()
    with Client(
        server.api_key, server.api_secret, base_url=server.url, transport=transport, pacer=Pacer(1e6)
    ) as client:
        client.create("contactslist", {"Name": LIST_NAME})
        started = time.perf_counter()
        result = import_rows(client, "contact", rows(count, "ours"), "upsert", lists=[LIST_NAME])
        seconds = time.perf_counter() - started
    assert result.ok and result.done.get("create") == count, result.to_dict()
    return {"contacts": count, "calls": transport.calls - 1, "seconds": round(seconds, 2)}


def run_peer(server: EmulatorServer, sample: int, full: int) -> dict[str, Any]:
    official = OfficialClient(auth=(server.api_key, server.api_secret), api_url=server.url + "/", timeout=60)
    list_id = official.contactslist.create(data={"Name": LIST_NAME + " peer"}).json()["Data"][0]["ID"]
    calls = 0
    started = time.perf_counter()
    for row in rows(sample, "peer"):
        contact = official.contact.create(data={"Email": row["Email"], "Name": row["Name"]}).json()["Data"][0]
        data = [{"Name": "firstname", "Value": row["firstname"]}, {"Name": "age", "Value": int(row["age"])}]
        official.contactdata.update(id=contact["ID"], data={"Data": data})
        official.listrecipient.create(data={"ContactID": contact["ID"], "ListID": list_id})
        calls += 3
    seconds = time.perf_counter() - started
    scale = full / sample
    return {
        "contacts_measured": sample,
        "calls_measured": calls,
        "seconds_measured": round(seconds, 2),
        "calls": round(calls * scale),
        "seconds": round(seconds * scale, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--peer-sample", type=int, default=1_000)
    args = parser.parse_args()
    with start_emulator(scale="tiny") as server:
        fast_jobs(server)
        ours = run_ours(server, args.contacts)
        print("ours", ours, flush=True)
        peer = run_peer(server, min(args.peer_sample, args.contacts), args.contacts)
        print("official mailjet-rest loop", peer, flush=True)
    metrics = {
        "ours_importer_bulk": ours,
        "official_mailjet_rest_per_contact": peer,
        "calls_ratio": round(ours["calls"] / peer["calls"], 5),
        "speedup": round(peer["seconds"] / ours["seconds"], 1),
    }
    result = {
        "name": "import",
        "metrics": metrics,
        "notes": f"{args.contacts} contacts with 2 properties and 1 list; the official loop measured on "
        f"{peer['contacts_measured']} contacts and scaled linearly; one uvicorn emulator on loopback "
        f"(same process), emulator jobs at 100k contacts/s; {platform.machine()}",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
