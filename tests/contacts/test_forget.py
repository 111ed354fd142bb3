"""Forgetting a person forgets them everywhere we keep them (#22 item 6): Mailjet, receiver store, dataset,
journal; other people, and rows that only carry a contact's numeric ID, stay."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.contacts.erase import EraseError, erase_dataset
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from mailjet_connector.journal import DONE, Journal
from mailjet_connector.webhooks.dedupe import event_key, inbound_key
from mailjet_connector.webhooks.events import parse_event, parse_inbound
from mailjet_connector.webhooks.store import Batch, Row, Store, open_store
from tests.webhooks.conftest import drop_database
from tests.webhooks.conftest import postgres_url as fresh_database
from tests.webhooks.webhook_payloads import INBOUND, event

GONE, KEPT = "gone@example.org", "kept@example.org"
SUPERSTRING = "notgone@example.org"  # holds GONE as a substring: another person, who stays
TRACE = re.compile(r"(?<![\w.+-])gone@example\.org")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh database on the local PostgreSQL (the test skips when it is absent)."""
    url = fresh_database()
    try:
        yield url
    finally:
        drop_database(url)


def add(store: Store, *events: dict[str, Any], inbound: tuple[dict[str, Any], ...] = ()) -> None:
    rows = [Row(event_key(p), parse_event(p).values, orjson.dumps(p).decode()) for p in events]
    mails = [Row(inbound_key(m), parse_inbound(m).values, orjson.dumps(m).decode()) for m in inbound]
    store.write([Batch("event", rows, 1.0), Batch("inbound", mails, 1.0)])


def mail(n: int, sender: str, from_header: str) -> dict[str, Any]:
    headers = {**INBOUND["Headers"], "Message-ID": f"<m{n}@example.org>"}
    return {**INBOUND, "Sender": sender, "From": from_header, "Headers": headers}


def people_store(url: str) -> None:
    with open_store(url) as store:
        add(
            store,
            event("sent", 1, email=GONE),
            event("open", 2, email=GONE.upper()),
            event("sent", 3, email=KEPT),
            event("sent", 4, email=SUPERSTRING),
            inbound=(
                mail(1, GONE, "Gone <gone@example.org>"),
                mail(2, "relay@example.net", "Gone Again <GONE@example.org>"),
                mail(3, KEPT, f"Kept <{KEPT}>"),
            ),
        )


def test_the_store_loses_their_events_and_mails_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    people_store(url)
    with open_store(url) as store:
        before = store.last_seq("event")
        assert store.forget([f" {GONE.upper()} "]) == {"event": 2, "inbound_message": 2}
        assert {r["email"] for r in store.read("event", 0, 100)} == {KEPT, SUPERSTRING}
        assert [r["sender"] for r in store.read("inbound", 0, 100)] == [KEPT]
        add(store, event("click", 9, email=KEPT))
        assert store.last_seq("event") > before  # seq never reused: sync cursors stay valid


@pytest.mark.postgres
def test_the_postgres_store_forgets_too(postgres_url: str) -> None:
    people_store(postgres_url)
    with open_store(postgres_url) as store:
        assert store.forget([GONE]) == {"event": 2, "inbound_message": 2}
        assert {r["email"] for r in store.read("event", 0, 100)} == {KEPT, SUPERSTRING}


DATASET_SQL = """
create schema {s};
create table {s}.contact (id bigint, email varchar, name varchar);
insert into {s}.contact values (7, 'Gone@example.org', 'Gone'), (8, 'kept@example.org', 'Kept');
create table {s}.contactdata (id bigint, contact_id bigint, data varchar);
insert into {s}.contactdata values (70, 7, '[{{"Name": "city", "Value": "Lyon"}}]'), (80, 8, '[]');
create table {s}.messagesentstatistics (message_id bigint, contact_id bigint, to_email varchar);
insert into {s}.messagesentstatistics values (1, 7, 'gone@example.org'), (2, 8, 'kept@example.org');
create table {s}.message (id bigint, contact_id bigint);
insert into {s}.message values (1, 7), (2, 8);
create table {s}.event (email varchar, event varchar);
insert into {s}.event values ('gone@example.org', 'sent'), ('notgone@example.org', 'sent');
create table {s}.inbound_message (sender varchar, from_header varchar);
insert into {s}.inbound_message values ('relay@x.net', 'Gone <gone@example.org>'), ('kept@example.org', '');
"""


def build_duckdb(path: Path, schema: str) -> None:
    with duckdb.connect(str(path)) as conn:
        for name in (schema, f"{schema}_staging"):
            conn.execute(DATASET_SQL.format(s=name))


def remaining(conn: Any, schema: str) -> dict[str, int]:
    tables = ["contact", "contactdata", "messagesentstatistics", "message", "event", "inbound_message"]
    return {t: conn.execute(f"select count(*) from {schema}.{t}").fetchone()[0] for t in tables}


def test_the_dataset_loses_their_rows_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "mailjet.duckdb"
    build_duckdb(path, "mailjet_data")
    erased = erase_dataset(str(path), [GONE], dataset="mailjet_data")
    assert erased.rows == {
        "contact": 1,
        "contactdata": 1,  # by the contact ID found in `contact`: the person's property values
        "event": 1,
        "inbound_message": 1,
        "messagesentstatistics": 1,
        "mailjet_data_staging.contact": 1,
        "mailjet_data_staging.contactdata": 1,
        "mailjet_data_staging.event": 1,
        "mailjet_data_staging.inbound_message": 1,
        "mailjet_data_staging.messagesentstatistics": 1,
    }
    with duckdb.connect(str(path)) as conn:
        for schema in ("mailjet_data", "mailjet_data_staging"):
            assert remaining(conn, schema) == {
                "contact": 1,
                "contactdata": 1,
                "messagesentstatistics": 1,
                "message": 2,  # only the numeric contact ID: kept
                "event": 1,
                "inbound_message": 1,
            }


@pytest.mark.postgres
def test_a_postgres_dataset_forgets_too(postgres_url: str) -> None:
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        for name in ("mailjet_data", "mailjet_data_staging"):
            for statement in DATASET_SQL.format(s=name).split(";"):
                if statement.strip():
                    conn.execute(statement)
        erased = erase_dataset(postgres_url, [GONE], contact_ids=[8])
        assert erased.rows["contactdata"] == 2  # contact 7 (found in `contact`) and 8 (given)
        assert erased.rows["contact"] == 1 and erased.rows["mailjet_data_staging.event"] == 1
        counts = {
            t: conn.execute(f"select count(*) from mailjet_data.{t}").fetchone()[0]  # type: ignore[index]
            for t in ("message", "event", "inbound_message")
        }
        assert counts == {"message": 2, "event": 1, "inbound_message": 1}


def test_a_missing_or_busy_dataset_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EraseError, match="no dataset at"):
        erase_dataset(str(tmp_path / "none.duckdb"), [GONE])


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", seed=21) as running:
        yield running


def test_forget_everywhere_from_the_command_line(server: EmulatorServer, tmp_path: Path) -> None:
    store, dataset, journal = (
        f"sqlite:///{tmp_path / 'events.db'}",
        tmp_path / "m.duckdb",
        tmp_path / "j.sqlite",
    )
    people_store(store)
    build_duckdb(dataset, "mailjet_data")
    with Journal(journal) as checkpoints:
        checkpoints.finish_many("import1", [(GONE, DONE, {"ID": 7}, None), (KEPT, DONE, {"ID": 8}, None)])
    connection = ["--base-url", server.url, "--api-key", server.api_key, "--api-secret", server.api_secret]
    runner = CliRunner()
    assert runner.invoke(app, ["contacts", "subscribe", GONE, "--list", "1", *connection]).exit_code == 0
    local = ["--webhook-store", store, "--dataset-url", str(dataset), "--journal", str(journal)]
    result = runner.invoke(app, ["contacts", "forget", GONE, "--yes", "--json", *local, *connection])
    assert result.exit_code == 0, result.output
    report = orjson.loads(result.output)
    assert report["mailjet"][0]["ok"] and report["mailjet"][0]["detail"].startswith("forgotten (contact")
    removed = {s["store"]: s["rows"] for s in report["stores"]}
    assert removed["webhook store"] == {"event": 2, "inbound_message": 2}
    assert removed["dataset"]["event"] == 1 and removed["journal"] == {"entry": 1}
    text = runner.invoke(app, ["contacts", "forget", GONE, "--yes", *local, *connection]).output
    assert "no contact with this email" in text and "Kept:" in text  # a re-run: Mailjet knows them no more
    traces = everything_in(dataset) + everything_in(tmp_path / "events.db", sqlite=True)
    assert not TRACE.search(traces) and KEPT in traces and SUPERSTRING in traces


def everything_in(path: Path, *, sqlite: bool = False) -> str:
    """Every text cell of every table of a database, lower-cased, as one string."""
    if sqlite:
        with sqlite3.connect(path) as conn:
            tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
            return " ".join(
                str(v).lower() for t in tables for row in conn.execute(f'select * from "{t}"') for v in row
            )
    with duckdb.connect(str(path), read_only=True) as conn:
        tables = conn.execute("select table_schema, table_name from information_schema.tables").fetchall()
        return " ".join(
            str(v).lower()
            for s, t in tables
            for row in conn.execute(f'select * from "{s}"."{t}"').fetchall()
            for v in row
        )


@pytest.mark.slow
def test_a_synced_person_is_gone_and_stays_gone_after_the_next_sync(
    server: EmulatorServer, tmp_path: Path
) -> None:
    # The try from #22: after `contacts forget`, the email stayed in the store and the dataset's `event` table.
    store, dataset = f"sqlite:///{tmp_path / 'events.db'}", tmp_path / "mailjet.duckdb"
    connection = ["--base-url", server.url, "--api-key", server.api_key, "--api-secret", server.api_secret]
    runner = CliRunner()
    assert (
        runner.invoke(app, ["contacts", "subscribe", GONE, KEPT, "--list", "1", *connection]).exit_code == 0
    )
    people_store(store)
    sync = [
        "sync",
        "--resources",
        "contact,contactdata,listrecipient",
        "--webhook-store",
        store,
        "--dataset-url",
        str(dataset),
        "--pipelines-dir",
        str(tmp_path / "pipelines"),
        *connection,
    ]
    first = runner.invoke(app, sync)
    assert first.exit_code == 0, first.output
    assert TRACE.search(everything_in(dataset))  # synced: the contact row and two events name them
    local = ["--webhook-store", store, "--dataset-url", str(dataset)]
    result = runner.invoke(app, ["contacts", "forget", GONE, "--yes", "--json", *local, *connection])
    assert result.exit_code == 0, result.output
    rows = {s["store"]: s["rows"] for s in orjson.loads(result.output)["stores"]}
    assert rows["dataset"]["event"] == 2 and rows["dataset"]["contact"] == 1
    again = runner.invoke(app, sync)
    assert again.exit_code == 0, again.output
    traces = everything_in(dataset)
    assert not TRACE.search(traces) and KEPT in traces  # Mailjet sends the contact back anonymised
