"""Live SQL fixtures: one frozen emulator per module, a client on it, its request log, and a synced copy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mailjet_connector.client import Client

# Fewer messages than tiny: messagehistory is read one call per message, by the sync as by live queries.
OVERRIDES = {"message": 40, "openinformation": 30, "clickstatistics": 10, "bouncestatistics": 5}
RATE = "5000/s"  # the emulator has no limit: keep the adaptive pacer from slowing tests down


@pytest.fixture(scope="session")
def server() -> Iterator[Any]:
    """A frozen emulator (the data cannot move between a sync and a live query); read-only tests share it."""
    from mailjet_connector.emulator import start_emulator

    with start_emulator(scale="tiny", seed=1, overrides=OVERRIDES, frozen=True) as running:
        yield running


@pytest.fixture(scope="session")
def client(server: Any) -> Iterator[Client]:
    with Client(server.api_key, server.api_secret, base_url=server.url, rate_limit=RATE) as mailjet:
        yield mailjet


def requests_made(server: Any) -> list[dict[str, Any]]:
    """The REST calls the emulator received since the last `forget_requests` (its request log)."""
    entries = httpx.get(f"{server.url}/_emulator/requests").json()["Data"]
    return [e for e in entries if e["path"].startswith("/v3/")]


def forget_requests(server: Any) -> None:
    httpx.delete(f"{server.url}/_emulator/requests").raise_for_status()


def query_params(entry: dict[str, Any]) -> dict[str, str]:
    """A logged request's query parameters (names as sent)."""
    return dict(httpx.QueryParams(entry["query"]).multi_items())


@pytest.fixture(scope="session")
def synced(server: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh sync of every table of the emulator into a DuckDB file; its path."""
    from mailjet_connector.sync import Narrowing, SyncOptions, run_sync, table_names

    where: Path = tmp_path_factory.mktemp("synced")
    options = SyncOptions(
        server.api_key,
        server.api_secret,
        base_url=server.url,
        resources=table_names(),
        dataset_url=str(where / "mailjet.duckdb"),
        pipelines_dir=str(where / "pipelines"),
        clock=server.state.clock.now,
        rate_limit=RATE,
        counter_sources=("APIKey", "Campaign"),
        counter_timings=("Message",),
        counter_resolutions=("Lifetime",),
        # Every row the API has, deleted campaigns and lists included (the sync leaves them out by default,
        # #17): live SQL reads them all, and the equivalence tests compare the two.
        narrowing=Narrowing(include_deleted_campaigns=True, include_deleted_lists=True),
    )
    run_sync(options)
    return options.dataset_url  # type: ignore[return-value]
