"""The server store: PostgreSQL through psycopg 3 (synchronous_commit as the server sets it, `on` by default).

Several receivers may share one database. Each write transaction first takes a transaction-scoped
advisory lock, so transactions commit one after the other and `seq` (a BIGSERIAL) grows in commit order:
a reader walking `seq > cursor` can never skip a row that commits late.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from mailjet_connector.errors import ConfigError
from mailjet_connector.redaction import redact_url
from mailjet_connector.webhooks.backend import TABLES, Batch, Kind, Store, WriteResult, columns

SQL_TYPES = {"int": "BIGINT", "str": "TEXT", "bool": "BOOLEAN", "num": "DOUBLE PRECISION"}
WRITE_LOCK_ID = 0x6D6A7765  # "mjwe": the advisory lock serialising writers
CONNECT_TIMEOUT = 10


def _ddl(kind: Kind) -> str:
    table, fields = TABLES[kind]
    typed = ", ".join(f'"{f.column}" {SQL_TYPES[f.kind]}' for f in fields)
    return (
        f'CREATE TABLE IF NOT EXISTS "{table}" (seq BIGSERIAL PRIMARY KEY, dedupe_key TEXT NOT NULL UNIQUE, '
        f"received_at DOUBLE PRECISION NOT NULL, {typed}, raw TEXT NOT NULL)"
    )


class PostgresStore(Store):
    """The PostgreSQL backend.

    Args:
        url: a libpq URL, `postgresql://user:password@host:5432/db`.

    Raises:
        ConfigError: psycopg is missing or the server cannot be reached.
    """

    placeholder = "%s"
    contains = "strpos"

    def __init__(self, url: str) -> None:
        self.location = redact_url(url)
        self._url = url
        try:
            import psycopg
        except ModuleNotFoundError:
            raise ConfigError("the PostgreSQL store needs psycopg: pip install 'psycopg[binary]'") from None
        self._psycopg = psycopg
        try:
            self._writer = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT)
            self._reader = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, autocommit=True)
        except psycopg.Error as exc:
            # The driver's message names host and port, never the password.
            raise ConfigError(
                f"cannot open the PostgreSQL store {self.location}: {exc}".splitlines()[0]
            ) from None
        with self._writer.transaction():
            self._writer.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_ID,))
            for kind in TABLES:
                self._writer.execute(_ddl(kind))  # type: ignore[arg-type]
        self._read_lock = threading.Lock()
        self._inserts = {
            kind: f'INSERT INTO "{TABLES[kind][0]}" ({", ".join(columns(kind)[1:])}) '
            f"VALUES ({', '.join(['%s'] * (len(columns(kind)) - 1))}) ON CONFLICT (dedupe_key) DO NOTHING"
            for kind in TABLES
        }
        self._closed = False

    def _live_writer(self) -> Any:
        # A server restart breaks the connection: reconnect on the next write (the failed one got a 503
        # and Mailjet retries it), instead of failing every write until the receiver restarts.
        if self._writer.broken and not self._closed:
            self._writer = self._psycopg.connect(self._url, connect_timeout=CONNECT_TIMEOUT)
        return self._writer

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        # Reads are idempotent: after a lost connection, reconnect and run the query once more.
        with self._read_lock:
            try:
                return self._reader.execute(sql, params).fetchall()
            except self._psycopg.OperationalError:
                if not self._reader.broken or self._closed:
                    raise
            self._reader = self._psycopg.connect(self._url, connect_timeout=CONNECT_TIMEOUT, autocommit=True)
            return self._reader.execute(sql, params).fetchall()

    def write(self, batches: Sequence[Batch]) -> list[WriteResult]:
        results = []
        writer = self._live_writer()
        with writer.transaction(), writer.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_ID,))
            for batch in batches:
                params = [(row.key, batch.received_at, *row.values, row.raw) for row in batch.rows]
                stored = 0
                if params:
                    cur.executemany(self._inserts[batch.kind], params)
                    stored = max(cur.rowcount, 0)  # psycopg >= 3.1 sums the rowcounts of executemany
                results.append(WriteResult(stored, len(batch.rows) - stored))
        return results

    def read(self, kind: Kind, after_seq: int, limit: int) -> list[dict[str, Any]]:
        names = columns(kind)
        sql = f'SELECT {", ".join(names)} FROM "{TABLES[kind][0]}" WHERE seq > %s ORDER BY seq LIMIT %s'
        rows = self._query(sql, (after_seq, limit))
        return [dict(zip(names, row, strict=True)) for row in rows]

    def count(self, kind: Kind) -> int:
        (row,) = self._query(f'SELECT count(*) FROM "{TABLES[kind][0]}"')
        return int(row[0])

    def last_seq(self, kind: Kind) -> int:
        (row,) = self._query(f'SELECT max(seq) FROM "{TABLES[kind][0]}"')
        return int(row[0] or 0)

    def _delete(self, statements: Sequence[tuple[str, str, tuple[Any, ...]]]) -> dict[str, int]:
        deleted = dict.fromkeys((table for table, _, _ in statements), 0)
        writer = self._live_writer()
        with writer.transaction(), writer.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_ID,))
            for table, sql, params in statements:
                cur.execute(sql, params)  # type: ignore[arg-type]
                deleted[table] += max(cur.rowcount, 0)
        return deleted

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._reader.close()
        self._writer.close()
