"""The local PostgreSQL server the tests use when it is there (127.0.0.1:5432, database `test`, trust auth)."""

from __future__ import annotations

import pytest

# dlt insists on a password; trust auth ignores it.
PG_URL = "postgresql://postgres:postgres@127.0.0.1:5432/test"


def postgres_available() -> bool:
    """Whether the server answers (psycopg installed and a connection opens within 2 s)."""
    try:
        import psycopg

        psycopg.connect(PG_URL, connect_timeout=2).close()
    except Exception:
        return False
    return True


needs_postgres = pytest.mark.skipif(
    not postgres_available(), reason="no PostgreSQL server at 127.0.0.1:5432 (database test)"
)
