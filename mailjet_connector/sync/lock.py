"""A lock per dataset: two syncs of the same dataset never run at once; the second refuses in one line.

A scheduled sync that outlasts its interval (cron or a systemd timer starting the next run) must not race
the first one into the same tables. The lock is taken before any work and released when the sync ends,
however it ends (the operating system drops it when the process dies, so a killed run leaves no stale lock):

- DuckDB: an exclusive `flock` on `<file>.lock` next to the dataset file.
- PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) keyed by the database and schema, so runs on
  different machines exclude each other too.
- Other destinations: a `flock` on a file in the pipelines folder, keyed by destination and dataset.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mailjet_connector.errors import DatasetBusyError

__all__ = ["dataset_lock"]

_REFUSED = "another sync of {where} is running{holder}: this run stops without changes; let that one finish"


@contextlib.contextmanager
def dataset_lock(
    destination: str, location: str | None, dataset_name: str, where: str, lock_dir: Path
) -> Iterator[None]:
    """Hold the dataset's lock for the block.

    Args:
        destination: duckdb, postgres or another dlt destination name.
        location: the DuckDB file (absolute) or the database URL.
        dataset_name: the schema.
        where: the dataset as people name it (no secret), for the refusal.
        lock_dir: where the lock files of non-DuckDB, non-PostgreSQL destinations live.

    Raises:
        DatasetBusyError: another sync holds the lock.
    """
    if destination == "postgres" and location:
        with _advisory_lock(location, dataset_name, where):
            yield
        return
    if destination == "duckdb" and location:
        path = Path(f"{location}.lock")
    else:
        digest = hashlib.sha256(f"{destination}|{location}|{dataset_name}".encode()).hexdigest()[:16]
        path = lock_dir / f"mailjet-sync-{digest}.lock"
    with _file_lock(path, where):
        yield


@contextlib.contextmanager
def _file_lock(path: Path, where: str) -> Iterator[None]:
    try:
        import fcntl
    except (
        ImportError
    ):  # no flock on this system (Windows): DuckDB's own file lock still refuses a second writer
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            raise DatasetBusyError(
                _REFUSED.format(where=where, holder=f" ({holder})" if holder else "")
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def _advisory_lock(url: str, dataset_name: str, where: str) -> Iterator[None]:
    import psycopg

    key = int.from_bytes(
        hashlib.sha256(f"mailjet-sync|{dataset_name}".encode()).digest()[:8], "big", signed=True
    )
    connection: Any = psycopg.connect(url, autocommit=True)
    try:
        row = connection.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
        if not row or not row[0]:
            raise DatasetBusyError(_REFUSED.format(where=where, holder=""))
        yield
    finally:
        connection.close()  # ends the session: the lock goes with it
