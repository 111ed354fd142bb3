"""Report fixtures: the emulator's small preset synced (only the report's tables) into a temp DuckDB file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mailjet_connector.report.queries import TABLES as REPORT_RESOURCES  # the tables the report reads


@dataclass(frozen=True)
class SyncedDataset:
    """A running emulator and the DuckDB file its account was synced into."""

    server: Any
    path: Path


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncedDataset]:
    from mailjet_connector.emulator import start_emulator
    from mailjet_connector.sync import SyncOptions, run_sync

    root = tmp_path_factory.mktemp("report")
    server = start_emulator(scale="small", seed=0)
    try:
        run_sync(
            SyncOptions(
                server.api_key,
                server.api_secret,
                base_url=server.url,
                resources=REPORT_RESOURCES,
                dataset_url=str(root / "small.duckdb"),
                pipelines_dir=str(root / "pipelines"),
                clock=server.state.clock.now,
                rate_limit="5000/s",  # the emulator has no limit: keep the adaptive pacer out of the way
                counter_sources=("APIKey", "Campaign", "List"),
                counter_timings=("Message",),
                counter_resolutions=("Lifetime", "Day"),
            )
        )
        yield SyncedDataset(server, root / "small.duckdb")
    finally:
        server.stop()
