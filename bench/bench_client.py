"""Client benchmark: rows/s of `Client.iter` against the official `mailjet-rest` `stream()` and the raw floor.

All three read the same contacts from one real emulator server (uvicorn on a loopback port), 1000 rows per
page, in the same run. The floor is httpx + orjson fetching the same pages with no logic at all; the peer is
`mailjet_rest.Client(...).contact.stream()`. Ours runs with the pacer out of the way (no configured limit
would start at 50 req/s) once sequentially (concurrency 1) and once with the default concurrency 4.

Run: `uv run python bench/bench_client.py [--contacts 1000000] [--rounds 2]`; writes bench/results/client.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
import orjson
from mailjet_rest import Client as OfficialClient

from mailjet_connector.client import Client
from mailjet_connector.emulator.server import start_emulator
from mailjet_connector.ratelimit import Pacer

RESULTS = Path(__file__).resolve().parent / "results" / "client.json"
PAGE = 1000
NOW = 1_780_000_000


def floor_rows(url: str, key: str, secret: str) -> Iterable[Any]:
    """The raw floor: sequential httpx GETs decoded with orjson, stopping at the first short page."""
    with httpx.Client(base_url=url, auth=(key, secret), timeout=60) as http:
        offset = 0
        while True:
            response = http.get("/v3/REST/contact", params={"Limit": PAGE, "Offset": offset, "Sort": "ID"})
            data = orjson.loads(response.content)["Data"]
            yield from data
            if len(data) < PAGE:
                return
            offset += PAGE


def official_rows(url: str, key: str, secret: str) -> Iterable[Any]:
    """The official client's own paging helper."""
    client = OfficialClient(auth=(key, secret), api_url=url + "/", timeout=60)
    return client.contact.stream(chunk_size=PAGE)


def ours(concurrency: int) -> Callable[[str, str, str], Iterable[Any]]:
    def rows(url: str, key: str, secret: str) -> Iterable[Any]:
        client = Client(key, secret, base_url=url, concurrency=concurrency, pacer=Pacer(1e6))
        return client.iter("contact")

    return rows


def measure(
    reader: Callable[[str, str, str], Iterable[Any]], url: str, key: str, secret: str
) -> dict[str, Any]:
    started = time.perf_counter()
    ids = {row["ID"] for row in reader(url, key, secret)}
    seconds = time.perf_counter() - started
    return {"rows": len(ids), "seconds": round(seconds, 2), "rows_per_s": round(len(ids) / seconds)}


def best_of(rounds: int, reader: Callable[[str, str, str], Iterable[Any]], *server: str) -> dict[str, Any]:
    """The best of several runs: the first pass over the emulator also pays its warm-up."""
    return max((measure(reader, *server) for _ in range(rounds)), key=lambda m: m["rows_per_s"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2, help="runs per reader; the best one counts")
    args = parser.parse_args()
    with start_emulator(scale="tiny", overrides={"contact": args.contacts}, now=NOW) as server:
        url, key, secret = server.url, server.api_key, server.api_secret
        runs = {
            "floor_httpx_orjson": floor_rows,
            "official_mailjet_rest_stream": official_rows,
            "ours_iter_concurrency_1": ours(1),
            "ours_iter_concurrency_4": ours(4),
        }
        metrics: dict[str, Any] = {}
        for name, reader in runs.items():
            metrics[name] = best_of(args.rounds, reader, url, key, secret)
            print(name, metrics[name], flush=True)
    floor = metrics["floor_httpx_orjson"]["rows_per_s"]
    peer = metrics["official_mailjet_rest_stream"]["rows_per_s"]
    for name in ("ours_iter_concurrency_1", "ours_iter_concurrency_4"):
        metrics[f"{name}_over_floor"] = round(metrics[name]["rows_per_s"] / floor, 2)
        metrics[f"{name}_over_official"] = round(metrics[name]["rows_per_s"] / peer, 2)
    result = {
        "name": "client",
        "metrics": metrics,
        "notes": f"{args.contacts} contacts, best of {args.rounds}, one uvicorn emulator on loopback "
        f"(same process), {platform.machine()}",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
