"""A local SQLite checkpoint journal: per (job, row key) status, committed durably around each API write."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

__all__ = ["DEFAULT_JOURNAL", "DONE", "FAILED", "PENDING", "Entry", "Journal", "job_id"]

DEFAULT_JOURNAL = Path(".mailjet-connector") / "journal.sqlite"
PENDING = "pending"  # the write was about to be sent: after a crash its outcome is unknown
DONE = "done"
FAILED = "failed"

# What `erase` searches: table, key column, and the text of a record (key, error, result or value).
_ERASABLE = (
    ("entry", "key", "key || ' ' || coalesce(error, '') || ' ' || coalesce(cast(result as text), '')"),
    ("job_meta", "name", "coalesce(cast(value as text), '')"),
)

_SCHEMA = """
create table if not exists entry (
    job text not null, key text not null, status text not null,
    result blob, error text, updated real not null,
    primary key (job, key)
) without rowid;
create table if not exists job_meta (
    job text not null, name text not null, value blob,
    primary key (job, name)
) without rowid;
"""


@dataclass(frozen=True)
class Entry:
    """What the journal knows about one row of one job."""

    key: str
    status: str
    result: Any = None
    error: str | None = None


def job_id(*parts: object) -> str:
    """A stable job id from what defines a job (resource, mode, file digest, ...).

    Args:
        parts: values whose `str()` identifies the job; the same parts give the same id.

    Returns:
        A short hex digest.
    """
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode())
    return digest.hexdigest()[:24]


class Journal:
    """Checkpoints of idempotent jobs (imports, bulk contact jobs, mail-merge sends).

    The protocol for one write: `begin(job, key)` before sending it, then `done(...)` or `fail(...)` after.
    Each call commits with `synchronous=FULL`, so after a crash (even kill -9) a re-run sees every row as
    done, failed, pending (in flight: its outcome is unknown and must be checked before retrying), or absent.
    The `*_many` forms write a whole batch in one transaction, for bulk jobs.

    Args:
        path: the SQLite file; its directory is created when missing.
    """

    def __init__(self, path: str | Path = DEFAULT_JOURNAL) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by worker threads, serialised by a lock: writes are tiny.
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("pragma journal_mode=wal")
            self._conn.execute("pragma synchronous=full")
            self._conn.executescript(_SCHEMA)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r})"

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def begin(self, job: str, key: str) -> None:
        """Record that the write for `key` is about to be sent."""
        self.begin_many(job, [key])

    def done(self, job: str, key: str, result: Any = None) -> None:
        """Record that the write for `key` succeeded, with a JSON-ready result (an ID, a record)."""
        self.finish_many(job, [(key, DONE, result, None)])

    def fail(self, job: str, key: str, error: str) -> None:
        """Record that the write for `key` was refused, with Mailjet's reason."""
        self.finish_many(job, [(key, FAILED, None, error)])

    def begin_many(self, job: str, keys: Iterable[str]) -> None:
        """Mark many rows in flight in one durable transaction."""
        now = time.time()
        self._write(
            "insert into entry (job, key, status, result, error, updated) values (?, ?, ?, null, null, ?)"
            " on conflict (job, key) do update set status = excluded.status, updated = excluded.updated",
            [(job, key, PENDING, now) for key in keys],
        )

    def finish_many(self, job: str, outcomes: Iterable[tuple[str, str, Any, str | None]]) -> None:
        """Record many outcomes `(key, status, result, error)` in one durable transaction.

        Raises:
            ValueError: a status other than DONE, FAILED or PENDING.
        """
        now = time.time()
        rows = []
        for key, status, result, error in outcomes:
            if status not in (DONE, FAILED, PENDING):
                raise ValueError(f"unknown journal status {status!r}")
            blob = None if result is None else orjson.dumps(result)
            rows.append((job, key, status, blob, error, now))
        self._write(
            "insert or replace into entry (job, key, status, result, error, updated) values (?, ?, ?, ?, ?, ?)",
            rows,
        )

    def get(self, job: str, key: str) -> Entry | None:
        """The entry for one row, or None when the job never touched it."""
        with self._lock:
            row = self._conn.execute(
                "select key, status, result, error from entry where job = ? and key = ?", (job, key)
            ).fetchone()
        return None if row is None else _entry(row)

    def entries(self, job: str, status: str | None = None) -> dict[str, Entry]:
        """Every entry of a job (optionally only those with `status`), by row key."""
        sql = "select key, status, result, error from entry where job = ?"
        args: tuple[str, ...] = (job,)
        if status is not None:
            sql += " and status = ?"
            args = (job, status)
        with self._lock:
            rows = self._conn.execute(sql, args).fetchall()
        return {row[0]: _entry(row) for row in rows}

    def in_flight(self, job: str) -> list[str]:
        """Keys whose write was sent but whose outcome was never recorded (a crash mid-write)."""
        return sorted(self.entries(job, PENDING))

    def counts(self, job: str) -> dict[str, int]:
        """How many rows of a job are in each status."""
        with self._lock:
            rows = self._conn.execute(
                "select status, count(*) from entry where job = ? group by status", (job,)
            ).fetchall()
        return dict(rows)

    def set_meta(self, job: str, name: str, value: Any) -> None:
        """Store a JSON-ready value about a job (a Mailjet job ID in flight, a file digest)."""
        self._write(
            "insert or replace into job_meta (job, name, value) values (?, ?, ?)",
            [(job, name, orjson.dumps(value))],
        )

    def get_meta(self, job: str, name: str, default: Any = None) -> Any:
        with self._lock:
            row = self._conn.execute(
                "select value from job_meta where job = ? and name = ?", (job, name)
            ).fetchone()
        return default if row is None or row[0] is None else orjson.loads(row[0])

    def forget(self, job: str) -> None:
        """Drop everything recorded about a job (to run it again from scratch)."""
        with self._lock:
            self._conn.execute("begin immediate")
            self._conn.execute("delete from entry where job = ?", (job,))
            self._conn.execute("delete from job_meta where job = ?", (job,))
            self._conn.execute("commit")

    def erase(self, emails: Iterable[str]) -> int:
        """Delete every record, of any job, that names one of these addresses (any case).

        For forgetting a person: import and send rows are keyed by email, and results and errors may
        quote it. An address inside a longer one (`a@x.com` in `ba@x.com`) does not count. A re-run of a
        job whose records were erased writes (or sends) those rows again.

        Returns:
            The records deleted (entries and job metadata).
        """
        wanted = sorted({e.strip().lower() for e in emails if e.strip()})
        if not wanted:
            return 0
        patterns = [re.compile(rf"(?<![\w.+-]){re.escape(e)}(?![\w-]|\.\w)") for e in wanted]
        near = " or ".join(["instr(lower(doc), ?) > 0"] * len(wanted))  # a cheap pre-filter in SQLite
        deleted = 0
        with self._lock:
            self._conn.execute("begin immediate")
            try:
                for table, name, doc in _ERASABLE:
                    rows = self._conn.execute(
                        f"select job, {name}, {doc} as doc from {table} where {near}", wanted
                    ).fetchall()
                    for job, key, text in rows:
                        if any(p.search(text.lower()) for p in patterns):
                            sql = f"delete from {table} where job = ? and {name} = ?"
                            deleted += self._conn.execute(sql, (job, key)).rowcount
            except BaseException:
                self._conn.execute("rollback")
                raise
            self._conn.execute("commit")
        return deleted

    def _write(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        with self._lock:
            self._conn.execute("begin immediate")
            try:
                self._conn.executemany(sql, rows)
            except BaseException:
                self._conn.execute("rollback")
                raise
            self._conn.execute("commit")


def _entry(row: tuple[Any, ...]) -> Entry:
    key, status, blob, error = row
    return Entry(key, status, None if blob is None else orjson.loads(blob), error)
