"""The embedded store: one SQLite file in WAL mode with synchronous=FULL (every commit reaches the disk).

WAL lets readers (`tail`, `sync`, other processes) run while the receiver writes. The writer connection
belongs to the group-commit thread; reads use their own connection behind a lock.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mailjet_connector.errors import ConfigError
from mailjet_connector.webhooks.backend import META_COLUMNS, TABLES, Batch, Kind, Store, WriteResult, columns

SQL_TYPES = {"int": "INTEGER", "str": "TEXT", "bool": "INTEGER", "num": "REAL"}
BUSY_TIMEOUT_MS = 10_000


def _ddl(kind: Kind) -> str:
    table, fields = TABLES[kind]
    typed = ", ".join(f'"{f.column}" {SQL_TYPES[f.kind]}' for f in fields)
    # AUTOINCREMENT: a seq is never reused, even after the newest rows are deleted (it is a sync cursor).
    return (
        f'CREATE TABLE IF NOT EXISTS "{table}" (seq INTEGER PRIMARY KEY AUTOINCREMENT, '
        f"dedupe_key TEXT NOT NULL UNIQUE, received_at REAL NOT NULL, {typed}, raw TEXT NOT NULL)"
    )


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
    )
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


class SQLiteStore(Store):
    """The SQLite backend.

    Args:
        path: the database file (created with its tables when missing), or ":memory:" for tests.

    Raises:
        ConfigError: the file cannot be opened or is not a database.
    """

    def __init__(self, path: str) -> None:
        self.location = f"sqlite:///{path}"
        if path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self._writer = _connect(path)
            self._writer.execute("PRAGMA journal_mode=WAL")
            self._writer.execute("PRAGMA synchronous=FULL")
            for kind in TABLES:
                self._writer.execute(_ddl(kind))  # type: ignore[arg-type]
        except sqlite3.Error as exc:
            raise ConfigError(f"cannot open the SQLite store {path!r}: {exc}") from None
        # An in-memory database is private to its connection: read through the writer then.
        self._reader = self._writer if path == ":memory:" else _connect(path)
        self._read_lock = threading.Lock() if path != ":memory:" else threading.RLock()
        self._inserts = {
            kind: f'INSERT OR IGNORE INTO "{TABLES[kind][0]}" ({", ".join(columns(kind)[1:])}) '
            f"VALUES ({', '.join('?' * (len(columns(kind)) - 1))})"
            for kind in TABLES
        }
        self._closed = False

    def write(self, batches: Sequence[Batch]) -> list[WriteResult]:
        conn = self._writer
        results = []
        # In memory, reads share the writer connection: keep them out of the transaction.
        with self._read_lock if self._reader is conn else contextlib.nullcontext():
            conn.execute("BEGIN IMMEDIATE")
            try:
                for batch in batches:
                    before = conn.total_changes
                    conn.executemany(
                        self._inserts[batch.kind],
                        [(row.key, batch.received_at, *row.values, row.raw) for row in batch.rows],
                    )
                    stored = conn.total_changes - before
                    results.append(WriteResult(stored, len(batch.rows) - stored))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return results

    def read(self, kind: Kind, after_seq: int, limit: int) -> list[dict[str, Any]]:
        names = columns(kind)
        sql = f'SELECT {", ".join(names)} FROM "{TABLES[kind][0]}" WHERE seq > ? ORDER BY seq LIMIT ?'
        with self._read_lock:
            rows = self._reader.execute(sql, (after_seq, limit)).fetchall()
        bools = [i for i, f in enumerate(TABLES[kind][1], start=len(META_COLUMNS)) if f.kind == "bool"]
        out = []
        for row in rows:
            record = dict(zip(names, row, strict=True))
            for i in bools:
                if row[i] is not None:
                    record[names[i]] = bool(row[i])
            out.append(record)
        return out

    def count(self, kind: Kind) -> int:
        with self._read_lock:
            return int(self._reader.execute(f'SELECT count(*) FROM "{TABLES[kind][0]}"').fetchone()[0])

    def last_seq(self, kind: Kind) -> int:
        with self._read_lock:
            row = self._reader.execute(f'SELECT max(seq) FROM "{TABLES[kind][0]}"').fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _delete(self, statements: Sequence[tuple[str, str, tuple[Any, ...]]]) -> dict[str, int]:
        conn = self._writer
        deleted = dict.fromkeys((table for table, _, _ in statements), 0)
        with self._read_lock if self._reader is conn else contextlib.nullcontext():
            conn.execute("BEGIN IMMEDIATE")
            try:
                for table, sql, params in statements:
                    deleted[table] += conn.execute(sql, params).rowcount
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return deleted

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._reader is not self._writer:
            self._reader.close()
        self._writer.close()
