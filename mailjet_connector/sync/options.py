"""`SyncOptions`: the one description of a sync, which the CLI builds, `run_sync` passes on and
`mailjet_source` reads.

It says what to read (resources, time window, the narrowing filters, statcounters coverage, the webhook
store), where from (the connection), where to (destination and dataset) and how (page size, checkpoints,
read-ahead). It is frozen: whoever needs other values makes a copy (`dataclasses.replace`). What a sync
learns while it runs (the client, the run's id and time, page budgets, counters) is `streams.SyncContext`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mailjet_connector.client import Client
from mailjet_connector.config import Settings
from mailjet_connector.dataset import destination_of
from mailjet_connector.sync import settings as defaults
from mailjet_connector.sync.filters import Narrowing
from mailjet_connector.sync.incremental import to_unix


@dataclass(frozen=True)
class SyncOptions:
    """What to sync, from where, to where, and how.

    Args:
        api_key / api_secret: credentials (`run_sync`; `mailjet_source` takes its own, dlt's secrets fill
            them); the key also names the local state.
        base_url / rate_limit: API root (the emulator's URL, `https://api.us.mailjet.com`), pace ("300/min").
        settings: every connection setting (region, timeout, retries, concurrency...): the client is built
            from it when given, so a sync honours what the other commands honour.
        transport: an httpx transport for the client (tests: the emulator in-process).
        resources / exclude: catalog names to sync / to skip (default: every syncable resource).
        full_refresh: ignore stored high-water marks and interrupted runs.
        start_date / end_date: bounds of incremental windows (the first run starts at start_date).
        lookback: seconds each incremental window re-reads before the last mark (message Status changes).
        deletions: seconds between full reads of the tables the API cannot filter by time (deletions and
            edits are found by them; in between only the rows above the highest synced ID); 0: every run,
            None: only the first.
        children: without `resources`, also the per-row children (`source.per_row_tables`).
        narrowing: the narrowing filters (campaigns, lists, deleted, starred, campaign status), applied to
            every resource that has the matching filter (see `filters.Narrowing`).
        counter_sources / counter_timings / counter_resolutions: statcounters coverage.
        webhook_store: the webhook receiver's store (`sqlite:///events.db`, `postgresql://...`): adds the
            `event` and `inbound_message` tables, read incrementally from it.
        page_limit: rows per API page.
        destination: a dlt destination name; default: what `dataset_url` names (DuckDB unless postgresql://).
        dataset_url: DuckDB file path (or duckdb:///path) or postgresql://...
        dataset_name: the schema the tables go to.
        pipelines_dir / pipeline_name: where dlt keeps its local state, and under which name (default:
            derived from the key, destination and dataset).
        checkpoint_pages / checkpoint_seconds: pages (or seconds) per extract before a load commits them.
        read_ahead: pages each stream reads ahead on a thread (0: none).
        progress: callback (table, rows so far).
        clock: the API's "now" (tests pass the emulator's clock).
        dlt_logs: False keeps dlt's own log lines off the terminal (the CLI shows them with -v).
        duckdb_memory_limit: DuckDB's memory limit to start a load with (raised when a load needs more).
    """

    api_key: str = ""
    api_secret: str = field(default="", repr=False)  # never in a repr, a log line or an exception
    base_url: str | None = None
    rate_limit: str | None = None
    settings: Settings | None = None
    transport: Any = None
    resources: Sequence[str] | None = None
    exclude: Sequence[str] = ()
    full_refresh: bool = False
    start_date: datetime | None = None
    end_date: datetime | None = None
    lookback: int = 0
    deletions: int | None = defaults.DELETIONS_EVERY
    children: bool = False
    narrowing: Narrowing = field(default_factory=Narrowing)
    counter_sources: Sequence[str] = defaults.COUNTER_SOURCES
    counter_timings: Sequence[str] = defaults.COUNTER_TIMINGS
    counter_resolutions: Sequence[str] = defaults.COUNTER_RESOLUTIONS
    webhook_store: str | None = None
    page_limit: int = defaults.PAGE_LIMIT
    destination: str | None = None
    dataset_url: str | None = None
    dataset_name: str = defaults.DEFAULT_DATASET
    pipelines_dir: str | None = None
    pipeline_name: str | None = None
    checkpoint_pages: int = defaults.CHECKPOINT_PAGES
    checkpoint_seconds: float | None = defaults.CHECKPOINT_SECONDS
    read_ahead: int = defaults.READ_AHEAD_PAGES
    progress: Callable[[str, int], None] | None = None
    clock: Callable[[], float] | None = None
    dlt_logs: bool = True
    duckdb_memory_limit: str = defaults.DUCKDB_MEMORY_LIMIT

    def __post_init__(self) -> None:
        # The URL's scheme picks the destination (a postgresql:// URL never becomes a DuckDB file on disk).
        object.__setattr__(self, "destination", destination_of(self.dataset_url, self.destination))

    @property
    def start(self) -> int | None:
        """`start_date` in Unix seconds."""
        return to_unix(self.start_date, 0) if self.start_date else None

    @property
    def end(self) -> int | None:
        """`end_date` in Unix seconds."""
        return to_unix(self.end_date, 0) if self.end_date else None

    def create_client(self, api_key: str | None = None, api_secret: str | None = None) -> Client:
        """The API client these options describe (`settings` when given, else the fields above).

        Args:
            api_key / api_secret: credentials that replace the options' own (`mailjet_source`'s arguments).
        """
        if self.settings is not None and api_key is None:
            return self.settings.create_client(transport=self.transport)
        return Client(
            api_key if api_key is not None else self.api_key,
            api_secret if api_secret is not None else self.api_secret,
            base_url=self.base_url,
            rate_limit=self.rate_limit,
            transport=self.transport,
        )
