"""The dlt resources `event` and `inbound_message`: the store into a dataset, incrementally, exactly once."""

from __future__ import annotations

from pathlib import Path

import dlt
import duckdb
import orjson

from mailjet_connector.webhooks.dedupe import event_key, inbound_key
from mailjet_connector.webhooks.events import parse_event, parse_inbound
from mailjet_connector.webhooks.source import arrow_schema, to_arrow, webhook_source
from mailjet_connector.webhooks.store import Batch, Row, Store
from tests.webhooks.webhook_payloads import INBOUND, event


def add_events(store: Store, *payloads: dict) -> None:
    rows = [Row(event_key(p), parse_event(p).values, orjson.dumps(p).decode()) for p in payloads]
    store.write([Batch("event", rows, 1_700_000_000.0)])


def run(tmp_path: Path, store: Store) -> duckdb.DuckDBPyConnection:
    pipeline = dlt.pipeline("webhooks_test", destination=dlt.destinations.duckdb(str(tmp_path / "d.duckdb")),
                            dataset_name="mailjet", pipelines_dir=str(tmp_path / "pipelines"))  # fmt: skip
    pipeline.run(webhook_source(store.location))
    return duckdb.connect(str(tmp_path / "d.duckdb"))


def test_events_and_inbound_mails_reach_the_dataset_once(tmp_path, sqlite_store):
    add_events(sqlite_store, *(event(kind, n) for n, kind in enumerate(["sent", "open", "click", "bounce"])))
    inbound = Row(inbound_key(INBOUND), parse_inbound(INBOUND).values, orjson.dumps(INBOUND).decode())
    sqlite_store.write([Batch("inbound", [inbound], 1.0)])
    with run(tmp_path, sqlite_store) as db:
        rows = db.sql("select event, message_id, hard_bounce, raw from mailjet.event order by seq").fetchall()
        assert [r[0] for r in rows] == ["sent", "open", "click", "bounce"]
        assert rows[0][1] == 2**60 and rows[3][2] is True
        assert orjson.loads(rows[2][3])["url"] == "http://example.com"
        assert db.sql("select recipient from mailjet.inbound_message").fetchall() == [(INBOUND["Recipient"],)]

    with run(tmp_path, sqlite_store) as db:  # a second run loads nothing new
        assert db.sql("select count(*) from mailjet.event").fetchall() == [(4,)]

    add_events(sqlite_store, event("unsub", 10), event("sent", 0))  # one new, one re-delivery (stored once)
    with run(tmp_path, sqlite_store) as db:
        assert db.sql("select count(*), count(distinct dedupe_key) from mailjet.event").fetchall() == [(5, 5)]


def test_arrow_pages_follow_the_store_schema(sqlite_store):
    add_events(sqlite_store, event("spam", 1))
    table = to_arrow("event", sqlite_store.read("event", 0, 10))
    assert table.schema == arrow_schema("event") and table.num_rows == 1
    assert table.column("source").to_pylist() == ["greylisted"]
