"""Issue #7 acceptance: kill -9 the receiver under load, restart it: every event that got a 200 is stored.

The receiver runs as a real `mailjet-connector webhooks serve` process on a loopback port; a bounded load
generator (threads posting single events and grouped arrays) records which events were acknowledged.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
import orjson

from mailjet_connector.webhooks.store import iter_events, open_store
from tests.webhooks.receiver_process import TOKEN, free_port, start_receiver
from tests.webhooks.webhook_payloads import event

THREADS = 6
MAX_REQUESTS = 4000  # the generator's bound: it stops after this many requests whatever happens


class Load:
    """Threads posting distinct events until told to stop, the server dies, or the request bound is hit."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.acked: set[int] = set()
        self.sent = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def _next(self) -> int | None:
        with self.lock:
            if self.sent >= MAX_REQUESTS or self.stop.is_set():
                return None
            self.sent += 1
            return self.sent

    def _worker(self) -> None:
        with httpx.Client(trust_env=False, timeout=5) as http:
            while (n := self._next()) is not None:
                ids = [n * 100 + i for i in range(1 if n % 2 else 20)]  # singles and grouped arrays
                body = [event("open", i) for i in ids] if len(ids) > 1 else event("open", ids[0])
                try:
                    response = http.post(self.url, content=orjson.dumps(body))
                except httpx.TransportError:
                    return  # the receiver is gone
                if response.status_code == 200:
                    with self.lock:
                        self.acked.update(2**60 + i for i in ids)

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._worker, daemon=True) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        return threads


def test_kill_9_under_load_loses_no_acknowledged_event(tmp_path: Path, processes):
    store_url = f"sqlite:///{tmp_path / 'events.db'}"
    port = free_port()
    processes.append(receiver := start_receiver(store_url, port))
    load = Load(f"http://127.0.0.1:{port}/events/{TOKEN}")
    threads = load.run()
    deadline = time.monotonic() + 20
    while len(load.acked) < 3000 and time.monotonic() < deadline and any(t.is_alive() for t in threads):
        time.sleep(0.02)
    os.kill(receiver.pid, signal.SIGKILL)  # mid-load: requests are in flight and commits under way
    receiver.wait(10)
    load.stop.set()
    for thread in threads:
        thread.join(10)
    assert len(load.acked) >= 1000, "the load did not get going before the kill"

    processes.append(start_receiver(store_url, port))  # restart on the same store: recovery runs here
    with open_store(store_url) as store:
        stored = {row["message_id"] for row in iter_events(store)}
    assert load.acked <= stored
    with httpx.Client(trust_env=False) as http:  # the restarted receiver works and sees the same store
        health = http.get(f"http://127.0.0.1:{port}/health").json()
    assert health["events"] == len(stored)
