"""The same sync into the PostgreSQL server at 127.0.0.1:5432 (database `test`, trust auth)."""

from __future__ import annotations

import uuid

import pytest

from mailjet_connector.sync import run_sync
from tests.sync.conftest import assert_table_matches, make_options

# dlt insists on a password; trust auth ignores it.
PG_URL = "postgresql://postgres:postgres@127.0.0.1:5432/test"
RESOURCES = ("contact", "contactslist", "message", "openinformation", "template", "apikey", "statcounters")


def _postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_URL, connect_timeout=2).close()
    except Exception:
        return False
    return True


@pytest.mark.postgres
@pytest.mark.skipif(
    not _postgres_available(), reason="no PostgreSQL server at 127.0.0.1:5432 (database test)"
)
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
