"""Webhook receiver benchmark: events/s stored durably and p50/p99 latency, against a floor that stores nothing.

Two servers, each a separate process on a loopback port, one uvicorn worker each:
- ours: `mailjet-connector webhooks serve` (path token auth, validation, dedupe keys, SQLite WAL +
  synchronous=FULL with group commit: every 200 means the events are on disk);
- the floor: a bare Starlette endpoint that reads the body and answers 200 (no parsing, no storage).
Two payload shapes: grouped arrays of 100 events (Version 2) and single events (Version 1).
The load generator is a minimal keep-alive HTTP/1.1 client on asyncio streams (httpx would cost more CPU
than the servers), several connections in parallel, each sending its next request when the previous
answer arrives. Latency = request written -> answer read.

Run: `uv run python bench/bench_webhooks.py [--seconds 5] [--grouped-connections 4] [--single-connections 32]`; writes bench/results/webhooks.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

RESULTS = Path(__file__).resolve().parent / "results" / "webhooks.json"
TOKEN = "bench-token"
FLOOR_APP = textwrap.dedent(
    """
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def receive(request):
        await request.body()
        return Response(b'{"stored":0,"duplicates":0}', media_type="application/json")

    app = Starlette(routes=[Route("/events/{token}", receive, methods=["POST"])])
    """
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    with httpx.Client(trust_env=False, timeout=1) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("server exited at start")
            try:
                http.post(f"http://127.0.0.1:{port}/events/{TOKEN}", content=b"[]")
                return
            except httpx.TransportError:
                time.sleep(0.05)
    raise RuntimeError("server did not start")


def start_ours(port: int, store: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "mailjet_connector", "webhooks", "serve", "--port", str(port),
               "--store", store, "--token", TOKEN]  # fmt: skip
    return subprocess.Popen(command, stderr=subprocess.DEVNULL)


def start_floor(port: int, workdir: str) -> subprocess.Popen:
    Path(workdir, "floor_app.py").write_text(FLOOR_APP)
    command = [sys.executable, "-m", "uvicorn", "--app-dir", workdir, "floor_app:app", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]  # fmt: skip
    return subprocess.Popen(command, stderr=subprocess.DEVNULL)


class Bodies:
    """Distinct event bodies (no duplicates: every event must really be stored)."""

    def __init__(self, per_request: int, first_id: int) -> None:
        self.per_request, self.next_id = per_request, first_id

    def next(self) -> bytes:
        events = []
        for _ in range(self.per_request):
            self.next_id += 1
            n = self.next_id
            events.append({"event": "open", "time": 1_700_000_000 + n // 1000, "MessageID": 2**60 + n,
                           "Message_GUID": f"guid-{n}", "email": f"r{n}@example.org", "mj_campaign_id": 7,
                           "mj_contact_id": n, "customcampaign": "", "ip": "192.0.2.1", "geo": "FR",
                           "agent": "Mozilla/5.0", "CustomID": "", "Payload": ""})  # fmt: skip
        return orjson.dumps(events if self.per_request > 1 else events[0])


async def connection_loop(port: int, bodies: Bodies, stop_at: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    head = f"POST /events/{TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    try:
        while time.perf_counter() < stop_at:
            body = bodies.next()
            started = time.perf_counter()
            writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            if status != 200:
                raise RuntimeError(f"status {status}")
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def load(
    port: int, per_request: int, seconds: float, connections: int, first_id: int
) -> dict[str, Any]:
    bodies, latencies = Bodies(per_request, first_id), []
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*(connection_loop(port, bodies, stop_at, latencies) for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    events = len(latencies) * per_request
    return {
        "events": events,
        "requests": len(latencies),
        "events_per_s": round(events / elapsed),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
    }


def stored_count(port: int) -> int:
    with httpx.Client(trust_env=False) as http:
        return int(http.get(f"http://127.0.0.1:{port}/health").json()["events"])


def receiver_metrics(port: int) -> dict[str, Any]:
    with httpx.Client(trust_env=False) as http:
        return http.get(f"http://127.0.0.1:{port}/metrics").json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="load duration per scenario")
    # Mailjet posts one grouped array per URL and second, so grouped traffic has little concurrency; single
    # events (Version 1) arrive one request per event, many at once.
    parser.add_argument("--grouped-connections", type=int, default=4, help="connections posting arrays")
    parser.add_argument(
        "--single-connections", type=int, default=32, help="connections posting single events"
    )
    args = parser.parse_args()
    metrics: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as workdir:
        for name, starter in (("floor", lambda p: start_floor(p, workdir)),
                              ("ours", lambda p: start_ours(p, f"sqlite:///{workdir}/events.db"))):  # fmt: skip
            port = free_port()
            process = starter(port)
            try:
                wait_ready(port, process)
                for shape, per_request, connections in (("grouped100", 100, args.grouped_connections),
                                                        ("single", 1, args.single_connections)):  # fmt: skip
                    # Each scenario its own ID range: the stored check below must not meet duplicates.
                    first_id = 10**12 * per_request
                    result = asyncio.run(load(port, per_request, args.seconds, connections, first_id))
                    metrics[f"{name}_{shape}"] = result
                    print(f"{name:5} {shape:10} {result}", flush=True)
                if name == "ours":
                    expected = sum(metrics[f"ours_{s}"]["events"] for s in ("grouped100", "single"))
                    metrics["ours_stored_check"] = {"acknowledged": expected, "stored": stored_count(port)}
                    metrics["ours_batches_per_commit"] = receiver_metrics(port)["batches_per_commit"]
            finally:
                process.terminate()
                process.wait(10)
    for shape in ("grouped100", "single"):
        ours, floor = metrics[f"ours_{shape}"], metrics[f"floor_{shape}"]
        metrics[f"ours_{shape}_over_floor"] = round(ours["events_per_s"] / floor["events_per_s"], 2)
    notes = (f"grouped: {args.grouped_connections} connections, single: {args.single_connections} connections, "
             f"{args.seconds:.0f} s per scenario, one uvicorn worker per server, "
             f"SQLite WAL synchronous=FULL on {platform.machine()}, {os.cpu_count()} CPUs shared with the "
             "load generator")  # fmt: skip
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"name": "webhooks", "metrics": metrics, "notes": notes}, indent=1) + "\n")


if __name__ == "__main__":
    main()
