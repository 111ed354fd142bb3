"""DuckDB memory during a sync: a small limit for a small footprint, raised for one load rather than failing it.

The sync holds one DuckDB connection from start to end, and DuckDB keeps the blocks it has read in memory up to
its `memory_limit`: the limit is what DuckDB adds to the sync's peak memory. Sorts, joins and inserts spill to
the temp directory (`<dataset>.tmp`, DuckDB's default, removed on close) past it, but a merge of a large chunk
into a large table can still need more than a small limit holds ("Out of Memory Error: failed to pin block").
Such a load is retried with the limit doubled (up to `MEMORY_CEILING_MB`), so a load never fails on memory
while a sync that does not need more never takes more.

Committed rows that are not yet checkpointed stay in DuckDB's buffer pool as in-memory table blocks (spilled to
the temp directory past the limit), and DuckDB's automatic checkpoint did not run while the sync held its
connection: on the large preset's first sync the WAL reached 461 MB, 523 MB of table blocks sat in temp files,
and loads ran out of memory at 64MB with most of the limit taken by them. `checkpoint_when_due` writes the
loads into the database file once the WAL outgrows half the memory limit, leaving the other half to the loads
(docs/sync.md, "Memory").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger("mailjet_connector.sync")

MEMORY_CEILING_MB = 4096
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|KiB|MiB|GiB)?\s*$", re.IGNORECASE)
_UNIT_MB = {"kb": 1 / 1000, "kib": 1 / 1024, "mb": 1, "mib": 1, "gb": 1000, "gib": 1024}


def megabytes(size: str) -> float:
    """`64MB`, `1GB`, `512MiB` in megabytes (a bare number is megabytes).

    Raises:
        ValueError: not a size.
    """
    found = _SIZE.match(size)
    if not found:
        raise ValueError(f"{size!r} is not a memory size like 64MB or 1GB")
    return float(found.group(1)) * _UNIT_MB[(found.group(2) or "MB").lower()]


def is_out_of_memory(exc: BaseException) -> bool:
    """Whether DuckDB's out-of-memory error is anywhere in the exception's chain (dlt wraps it twice)."""
    import duckdb

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, duckdb.OutOfMemoryException) or "Out of Memory Error" in str(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def load_within_memory(load: Callable[[], Any], connection: Any, limit: str) -> str:
    """Run `load`; when DuckDB runs out of memory, double the connection's limit and run it again.

    Args:
        load: the load step (dlt resumes the package it did not finish).
        connection: the sync's DuckDB connection (None: another destination, `load` runs once).
        limit: the connection's current memory limit.

    Returns:
        The limit in force after the load (the next loads keep it).

    Raises:
        Exception: whatever `load` raised, when it is not out of memory or the ceiling is reached.
    """
    while True:
        try:
            load()
            return limit
        except Exception as exc:
            raised = f"{min(MEMORY_CEILING_MB, int(megabytes(limit) * 2))}MB"
            if connection is None or not is_out_of_memory(exc) or megabytes(limit) >= MEMORY_CEILING_MB:
                raise
            logger.info("DuckDB ran out of memory at %s during a load: loading again at %s", limit, raised)
            connection.execute(f"SET memory_limit = '{raised}'")
            limit = raised


def checkpoint_when_due(connection: Any, database: str | None, limit: str) -> bool:
    """CHECKPOINT the sync's database once its write-ahead log (`<file>.wal`) holds more than half the memory limit.

    Args:
        connection: the sync's DuckDB connection (None: another destination, nothing to do).
        database: the database file.
        limit: the connection's current memory limit.

    Returns:
        Whether a checkpoint ran.
    """
    if connection is None or database is None:
        return False
    try:
        size = Path(f"{database}.wal").stat().st_size
    except FileNotFoundError:
        return False
    if size < megabytes(limit) * 2**20 / 2:
        return False
    connection.execute("CHECKPOINT")
    logger.info("DuckDB checkpoint: the WAL held %.0f MB", size / 2**20)
    return True
