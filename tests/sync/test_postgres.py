"""The same sync into the PostgreSQL server at 127.0.0.1:5432 (database `test`, trust auth)."""

from __future__ import annotations

import uuid

import pytest

from mailjet_connector.sync import run_sync
from tests.postgres import PG_URL, needs_postgres
from tests.sync.conftest import assert_table_matches, make_options

RESOURCES = ("contact", "contactslist", "message", "openinformation", "template", "apikey", "statcounters")


@pytest.mark.postgres
@needs_postgres
def test_sync_into_postgres_matches_truth_and_reruns(small_emulator, tmp_path):
    import psycopg

    server = small_emulator
    dataset = f"mj_{uuid.uuid4().hex[:8]}"
    options = make_options(
        server,
        tmp_path,
        destination="postgres",
        dataset_url=PG_URL,
        dataset_name=dataset,
        resources=RESOURCES,
    )
    try:
        run_sync(options)
        now = int(server.state.clock.now())
        for table in RESOURCES:
            assert_table_matches(server, options, table, now)
        again = run_sync(options)
        assert (again.totals.new, again.totals.updated, again.totals.deleted) == (0, 0, 0)
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{dataset}" CASCADE')
            conn.execute(f'DROP SCHEMA IF EXISTS "{dataset}_staging" CASCADE')
