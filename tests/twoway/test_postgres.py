"""Two-way runs with the table in PostgreSQL (127.0.0.1:5432, database `test`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailjet_connector.emulator.server import EmulatorServer
from tests.postgres import needs_postgres
from tests.twoway.conftest import Harness, new_harness

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    needs_postgres,
]


@pytest.fixture
def pg_harness(server: EmulatorServer, tmp_path: Path) -> Iterator[Harness]:
    import psycopg

    schema = f"twoway_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'create schema "{schema}"')
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    harness = new_harness(server, tmp_path, url)
    try:
        yield harness
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            for name in (schema, "twoway_state", "twoway_state_mailjet", "twoway_state_mailjet_staging"):
                conn.execute(f'drop schema if exists "{name}" cascade')


def test_postgres_table_both_ways_with_a_conflict_and_no_echo(pg_harness: Harness) -> None:
    h = pg_harness
    h.remap(conflicts={"rule": "newest"}, database={"updated_at": "updated_at"})
    h.sql("insert into customers (email, name, plan, news) values ('ann@crm.example', 'Ann', 'pro', true)")
    assert h.run().actions == {"create_mailjet": 1, "insert_database": 6}
    assert h.verify() == []
    with h.client() as client:
        client.update("contact", h.mailjet("ann@crm.example")["id"], {"Name": "Ann (mj)"})
    h.server.state.clock.advance(5)
    h.sql("update customers set name = 'Ann (db)', plan = 'team', updated_at = now() + interval '1 hour'"
          " where email = 'ann@crm.example'")  # fmt: skip
    report = h.run()
    assert [(c.target, c.kept, c.rule) for c in report.conflicts] == [("field:Name", "database", "newest")]
    ann = h.mailjet("ann@crm.example")
    assert (ann["name"], ann["plan"]) == ("Ann (db)", "team")
    assert h.verify() == []
    again = h.run()
    assert (again.to_mailjet, again.to_database) == (0, 0)
