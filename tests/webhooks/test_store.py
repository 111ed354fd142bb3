"""The stores (SQLite and PostgreSQL): durable batches, deduplication, seq order, incremental reads."""

from __future__ import annotations

import threading

import orjson
import pytest

from mailjet_connector.errors import ConfigError
from mailjet_connector.webhooks.commit import GroupCommitter
from mailjet_connector.webhooks.dedupe import event_key, inbound_key
from mailjet_connector.webhooks.events import parse_event, parse_inbound
from mailjet_connector.webhooks.store import Batch, Row, iter_events, iter_inbound, iter_pages, open_store
from tests.webhooks.webhook_payloads import INBOUND, event


def rows(*payloads: dict) -> list[Row]:
    return [Row(event_key(p), parse_event(p).values, orjson.dumps(p).decode()) for p in payloads]


def test_a_batch_is_stored_with_typed_columns_and_raw_payload(store):
    payload = event("bounce", 1, extra_field="kept")
    (result,) = store.write([Batch("event", rows(payload), 1234.5)])
    assert (result.stored, result.duplicates) == (1, 0)
    (row,) = list(iter_events(store))
    assert row["event"] == "bounce" and row["message_id"] == 2**60 + 1
    assert row["hard_bounce"] is True and row["blocked"] is True and row["received_at"] == 1234.5
    assert orjson.loads(row["raw"]) == payload and row["dedupe_key"] == event_key(payload)


def test_duplicates_are_counted_not_stored(store):
    first, second = event("sent", 1), event("sent", 2)
    store.write([Batch("event", rows(first), 1.0)])
    results = store.write(
        [Batch("event", rows(first, second, second), 2.0), Batch("event", rows(first), 2.0)]
    )
    assert [(r.stored, r.duplicates) for r in results] == [(1, 2), (0, 1)]
    assert store.count("event") == 2


def test_reads_are_incremental_by_seq(store):
    store.write([Batch("event", rows(*(event("open", n) for n in range(25))), 1.0)])
    pages = list(iter_pages(store, "event", 0, page_size=10))
    assert [len(p) for p in pages] == [10, 10, 5]
    seqs = [r["seq"] for p in pages for r in p]
    assert seqs == sorted(seqs) and store.last_seq("event") == seqs[-1]
    assert [r["seq"] for r in iter_events(store, after_seq=seqs[19])] == seqs[20:]


def test_inbound_mails_have_their_own_table(store):
    row = Row(inbound_key(INBOUND), parse_inbound(INBOUND).values, orjson.dumps(INBOUND).decode())
    results = store.write([Batch("inbound", [row, row], 1.0)])
    assert (results[0].stored, results[0].duplicates) == (1, 1)
    (stored,) = list(iter_inbound(store))
    assert stored["recipient"] == INBOUND["Recipient"] and stored["spam_score"] == pytest.approx(0.602)
    assert store.count("event") == 0


def test_rows_survive_reopening(store_url):
    with open_store(store_url) as first:
        first.write([Batch("event", rows(event("click", 7)), 1.0)])
    with open_store(store_url) as again:
        assert [r["event"] for r in iter_events(again)] == ["click"]


def test_group_commit_shares_transactions_between_threads(store):
    with GroupCommitter(store) as committer:
        results = []

        def post(n: int) -> None:
            results.append(committer.submit_sync(Batch("event", rows(event("open", n)), 1.0), timeout=30))

        threads = [threading.Thread(target=post, args=(n,)) for n in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sum(r.stored for r in results) == 40 and store.count("event") == 40
    assert committer.stats.batches == 40 and committer.stats.commits <= 40


def test_a_failed_transaction_reports_to_every_waiter(sqlite_store):
    committer = GroupCommitter(sqlite_store).start()
    sqlite_store.close()
    with pytest.raises(Exception, match="closed"):
        committer.submit_sync(Batch("event", rows(event("sent")), 1.0), timeout=10)
    committer.stop()
    assert committer.stats.failures == 1


@pytest.mark.parametrize("url", ["mysql://x/y", "sqlite://relative.db"])
def test_unsupported_store_urls_are_config_errors(url):
    with pytest.raises(ConfigError):
        open_store(url)


def test_sqlite_store_uses_wal_and_full_sync(sqlite_store):
    conn = sqlite_store._writer  # the pragmas are the durability promise: check them on the real connection
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_postgres_store_reconnects_after_losing_its_connections(postgres_store_url):
    import psycopg

    store_url = postgres_store_url

    with open_store(store_url) as store:
        store.write([Batch("event", rows(event("sent", 1)), 1.0)])
        with psycopg.connect(store_url, autocommit=True) as admin:  # what a server restart does to sessions
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")  # fmt: skip
        with pytest.raises(psycopg.OperationalError):
            store.write([Batch("event", rows(event("sent", 2)), 1.0)])
        store.write([Batch("event", rows(event("sent", 2)), 1.0)])
        assert store.count("event") == 2
