"""Sync a Mailjet account into DuckDB, PostgreSQL or any dlt destination (issue #4)."""

from __future__ import annotations

from mailjet_connector.sync.filters import Narrowing
from mailjet_connector.sync.options import SyncOptions
from mailjet_connector.sync.pipeline import SyncReport, create_pipeline, plan_sync, run_sync
from mailjet_connector.sync.source import mailjet_source, select_tables, table_names
from mailjet_connector.sync.streams import ResourceStats

__all__ = [
    "Narrowing",
    "ResourceStats",
    "SyncOptions",
    "SyncReport",
    "create_pipeline",
    "mailjet_source",
    "plan_sync",
    "run_sync",
    "select_tables",
    "table_names",
]
