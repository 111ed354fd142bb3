"""Webhook test fixtures: stores (SQLite always, PostgreSQL when the server is there) and receivers."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailjet_connector.webhooks.store import Store, open_store
from tests.webhooks.receiver_process import stop

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    """A fresh schema-free database URL on the local server; skips the test when PostgreSQL is absent."""
    try:
        import psycopg
    except ModuleNotFoundError:
        pytest.skip("psycopg is not installed")
    try:
        with psycopg.connect(PG_URL, connect_timeout=2, autocommit=True) as conn:
            name = f"mjwh_{uuid.uuid4().hex[:12]}"
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is not available: {str(exc).splitlines()[0]}")
    return PG_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store URL: a SQLite file, then a fresh PostgreSQL database (skipped when absent)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'events.db'}"
        return
    url = postgres_url()
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture
def postgres_store_url() -> Iterator[str]:
    """A fresh PostgreSQL database URL (skipped when the server is absent)."""
    url = postgres_url()
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url) as opened:
        yield opened


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'events.db'}") as opened:
        yield opened


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    """Receiver processes a test starts; killed (when still running) and reaped afterwards."""
    started: list[subprocess.Popen] = []
    yield started
    stop(started)
