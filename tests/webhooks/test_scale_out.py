"""Issue #21.4: several receivers on one PostgreSQL store behind a load balancer store each event once.

Mailjet re-delivers a batch it got no 200 for, and a load balancer may hand the re-delivery to another
receiver while the first is still committing. Two real `webhooks serve` processes share one database; every
batch is posted to both at the same instant (a barrier), twice over. Each event must be stored exactly
once, and the two answers of one delivery must split the batch between `stored` and `duplicates`.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import orjson
import pytest

from mailjet_connector.webhooks.store import iter_events, open_store
from tests.webhooks.receiver_process import TOKEN, free_port, spawn_receiver, wait_ready
from tests.webhooks.webhook_payloads import event

pytestmark = pytest.mark.postgres

BATCHES = 12
BATCH_SIZE = 40
KINDS = ("sent", "open", "click", "bounce", "unsub")


def batch(number: int) -> list[dict]:
    """Batch `number`: BATCH_SIZE distinct events; it shares half of them with the batch before it."""
    first = number * BATCH_SIZE // 2
    return [event(KINDS[n % len(KINDS)], n) for n in range(first, first + BATCH_SIZE)]


def post_together(urls: list[str], body: bytes) -> list[dict]:
    """POST the same body to every URL at the same instant; the answers, in URL order."""
    barrier = threading.Barrier(len(urls))

    def post(url: str) -> dict:
        with httpx.Client(trust_env=False, timeout=30) as http:
            barrier.wait()
            response = http.post(url, content=body)
        assert response.status_code == 200, response.text
        return response.json()

    with ThreadPoolExecutor(len(urls)) as pool:
        return list(pool.map(post, urls))


def test_concurrent_redeliveries_to_two_receivers_are_stored_once(postgres_store_url, processes):
    ports = [free_port(), free_port()]
    # Both start together on an empty database: creating the tables must not race either.
    processes.extend(spawn_receiver(postgres_store_url, port) for port in ports)
    for process, port in zip(processes, ports, strict=True):
        wait_ready(process, port)
    urls = [f"http://127.0.0.1:{port}/events/{TOKEN}" for port in ports]

    expected: set[int] = set()
    for _ in range(2):  # the second pass is a late re-delivery of everything
        for number in range(BATCHES):
            body = batch(number)
            new = {e["MessageID"] for e in body} - expected
            answers = post_together(urls, orjson.dumps(body))
            assert sum(a["stored"] for a in answers) == len(new)
            assert all(a["stored"] + a["duplicates"] == len(body) for a in answers)
            expected |= new

    assert len(expected) == (BATCHES + 1) * BATCH_SIZE // 2
    with open_store(postgres_store_url) as store:
        rows = list(iter_events(store))
    assert sorted(row["message_id"] for row in rows) == sorted(expected)  # each one once
    seqs = [row["seq"] for row in rows]
    assert seqs == sorted(set(seqs))
    with httpx.Client(trust_env=False) as http:  # both receivers see the one store
        assert {http.get(f"http://127.0.0.1:{p}/health").json()["events"] for p in ports} == {len(expected)}
