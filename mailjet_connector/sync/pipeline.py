"""`run_sync`: one sync of a Mailjet account into a dlt destination, checkpointed, resumable, with a report.

The source is run in *chunks*: each `pipeline.run` extracts at most `checkpoint_pages` pages, then dlt loads
them and commits the resource state (page positions, high-water marks) with them. A sync killed at any point
resumes: dlt first finishes the load packages that were extracted, then the streams that did not finish go on
from their last committed page under the same run (same time, same windows). Merging on `_mj_key` makes any
re-load idempotent. After the last chunk, rows that vanished upstream get `_mj_deleted_at`.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import dlt

from mailjet_connector import duckdb_connect
from mailjet_connector.dataset import duckdb_file
from mailjet_connector.errors import ConfigError
from mailjet_connector.protocol import resolve_base_url
from mailjet_connector.redaction import redact_url
from mailjet_connector.sync import settings
from mailjet_connector.sync.binding import bind_dataset
from mailjet_connector.sync.deletions import apply_deletions, empty_tables
from mailjet_connector.sync.dlt_logs import quiet_dlt
from mailjet_connector.sync.duckdb_memory import checkpoint_when_due, load_within_memory
from mailjet_connector.sync.lock import dataset_lock
from mailjet_connector.sync.options import SyncOptions
from mailjet_connector.sync.plan import DEFAULT_PLAN_RATE, SyncPlan, plan_tables, row_counts
from mailjet_connector.sync.source import mailjet_source, sync_tables
from mailjet_connector.sync.step_errors import unwrap_step_errors
from mailjet_connector.sync.streams import Budget, ResourceStats, SyncContext

__all__ = ["SyncOptions", "SyncReport", "create_pipeline", "plan_sync", "run_sync"]


@dataclass
class SyncReport:
    """What a sync did: per resource and in total."""

    resources: dict[str, ResourceStats] = field(default_factory=dict)
    run_id: str = ""
    resumed: bool = False
    loads: int = 0
    seconds: float = 0.0
    api_calls: int = 0  # HTTP requests sent, retries included
    rate_limited: int = 0  # 429 answers seen (the client retried them)

    @property
    def totals(self) -> ResourceStats:
        total = ResourceStats()
        for stats in self.resources.values():
            for name in ("rows", "new", "updated", "deleted", "api_calls", "failed"):
                setattr(total, name, getattr(total, name) + getattr(stats, name))
            total.seconds += stats.seconds
        return total

    @property
    def failed(self) -> dict[str, str]:
        """Tables the API refused to serve (whole or in part) -> the first refusal: the sync was partial."""
        return {name: stats.error for name, stats in sorted(self.resources.items()) if stats.failed}

    @property
    def partial(self) -> bool:
        """Some reads were refused by the API; everything else was loaded."""
        return bool(self.failed)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (`--json`)."""
        return {
            "run_id": self.run_id,
            "resumed": self.resumed,
            "partial": self.partial,
            "failed": self.failed,
            "loads": self.loads,
            "seconds": round(self.seconds, 3),
            "api_calls": self.api_calls,
            "rate_limited": self.rate_limited,
            "resources": {name: asdict(stats) for name, stats in sorted(self.resources.items())},
            "totals": asdict(self.totals),
        }


def create_pipeline(options: SyncOptions, connection: Any = None) -> Any:
    """The dlt pipeline a sync with these options uses (also for reading the dataset afterwards).

    Args:
        options: the sync's options.
        connection: an open DuckDB connection to the dataset file, used by every load instead of one opened
            and closed per load (`run_sync` holds one for the whole sync).
    """
    name = options.pipeline_name or _pipeline_name(options)
    _configure(name, options.destination)
    return dlt.pipeline(
        pipeline_name=name,
        destination=_destination(options, connection),
        dataset_name=options.dataset_name,
        pipelines_dir=options.pipelines_dir,
    )


def _configure(pipeline_name: str, destination: str) -> None:
    """dlt settings of this pipeline only (scoped by its name: other pipelines of the process keep theirs).

    Loaded files are deleted (dlt keeps them by default: a copy of every row ever synced, growing without
    end in the pipelines dir). Files bound for a database are written uncompressed: they live seconds.
    """
    wanted = dict(settings.PIPELINE_CONFIG)
    if destination in ("duckdb", "postgres"):
        wanted["data_writer.compression"] = "none"
    if destination == "duckdb":
        wanted |= settings.DUCKDB_PIPELINE_CONFIG
    for key, value in wanted.items():
        if dlt.config.get(f"{pipeline_name}.{key}") is None:  # the user's own setting wins
            dlt.config[f"{pipeline_name}.{key}"] = value


def _pipeline_name(options: SyncOptions) -> str:
    # One local state per (account, destination, dataset): two datasets never share checkpoints. A DuckDB
    # path counts as absolute: `mailjet.duckdb` in two folders is two datasets (dlt remembers the file it
    # loaded into, so a shared name would send the second folder's sync into the first folder's file).
    ident = f"{options.api_key}|{options.destination}|{_dataset_location(options)}|{options.dataset_name}"
    return f"{settings.PIPELINE_NAME}_{hashlib.sha256(ident.encode()).hexdigest()[:10]}"


def _dataset_location(options: SyncOptions) -> str | None:
    if options.destination == "duckdb":
        return str(duckdb_file(options.dataset_url).resolve())
    return options.dataset_url


def _destination(options: SyncOptions, connection: Any = None) -> Any:
    if options.destination == "duckdb":
        from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

        if connection is not None:
            return dlt.destinations.duckdb(DuckDbCredentials(connection))
        location = _dataset_location(options)
        return dlt.destinations.duckdb(
            DuckDbCredentials(location, global_config=dict(settings.DUCKDB_CONFIG))
        )
    if options.destination == "postgres":
        return dlt.destinations.postgres(credentials=_postgres_credentials(options.dataset_url))
    from dlt.common.destination import Destination

    return Destination.from_reference(options.destination, credentials=options.dataset_url)


def _postgres_credentials(url: str | None) -> Any:
    """dlt's credentials for a libpq URL, in every form libpq takes: without a password (trust or peer auth,
    ~/.pgpass, PGPASSWORD), without a user (libpq's default: PGUSER, else the login name), a socket directory
    (`postgresql:///db?host=/var/run/postgresql`), sslmode and other parameters (kept in the query)."""
    if url is None:
        return None
    from dlt.destinations.impl.postgres.configuration import PostgresCredentials

    credentials = PostgresCredentials(url)
    if credentials.password is None:
        credentials.password = ""  # dlt stops at "Missing 1 field(s)... password" where libpq needs none
    if credentials.username is None:
        credentials.username = _libpq_default("user")  # dlt requires one; libpq would pick this one
    if credentials.host is None:
        # dlt requires a host name; libpq lets the query's `host` (a socket directory, or empty for its default
        # socket) override the one in the URL, so the connection goes where the URL without a host meant.
        credentials.host = "localhost"
        credentials.query = {"host": "", **(credentials.query or {})}
    return credentials


def _libpq_default(keyword: str) -> str | None:
    import psycopg

    for option in psycopg.pq.Conninfo.get_defaults():
        if option.keyword == keyword.encode() and option.val is not None:
            return option.val.decode()
    return None


def run_sync(options: SyncOptions) -> SyncReport:
    """Sync the account into the destination and report what changed.

    Args:
        options: the sync's options.

    Returns:
        Per-resource rows read, new, updated, deleted, API calls and time.

    Raises:
        MailjetError: the API failed beyond the client's retries (the sync resumes on the next call), or
            another step failed (`SyncError`: destination, dlt configuration...).
        UnknownResourceError: a resource name that is not in the catalog, or not synced.
    """
    sync_tables(options)  # a bad name fails before the dataset is created
    quiet = contextlib.nullcontext() if options.dlt_logs else quiet_dlt()
    lock = dataset_lock(
        options.destination,
        _dataset_location(options),
        options.dataset_name,
        dataset_label(options),
        Path(options.pipelines_dir or _default_pipelines_dir()),
    )
    with lock, quiet, unwrap_step_errors(), _held_connection(options) as connection:
        return _run(options, connection)


def dataset_label(options: SyncOptions) -> str:
    """The dataset as people name it, without secrets: `mailjet_data in /home/me/mailjet.duckdb`."""
    location = _dataset_location(options)
    return f"{options.dataset_name} in {redact_url(location) if location else options.destination}"


def _default_pipelines_dir() -> str:
    from dlt.common.pipeline import get_dlt_pipelines_dir

    return get_dlt_pipelines_dir()


def _api_root(options: SyncOptions) -> str:
    if options.settings is not None:
        return resolve_base_url(options.settings.base_url, options.settings.region)
    return resolve_base_url(options.base_url, None)


def plan_sync(options: SyncOptions) -> SyncPlan:
    """The calls each table of `run_sync(options)` would take now, counted before any work (`sync --plan`).

    Reads the dataset's state and row counts, and makes one `countOnly` call per walk (plus the parent
    listings); writes nothing.
    """
    tables = sync_tables(options)
    quiet = contextlib.nullcontext() if options.dlt_logs else quiet_dlt()
    with quiet, unwrap_step_errors():
        pipeline = create_pipeline(options)
        # A DuckDB file that does not exist yet is a first sync: the plan does not create it.
        exists = options.destination != "duckdb" or Path(_dataset_location(options) or "").exists()
        if exists:
            _restore(pipeline)
        client = options.create_client()
        now = int((options.clock or time.time)())
        ctx = SyncContext(client=client, run_id="plan", now=now, options=options, tables=tables)
        states = pipeline.state.get("sources", {}).get(settings.SOURCE_NAME, {}).get("resources", {})
        with client, _dataset_client(pipeline) if exists else contextlib.nullcontext() as sql:
            ctx.sql = sql
            sent = client.pacer.sent
            lines = plan_tables(ctx, tables, states, row_counts(sql, tables) if sql else {})
            return SyncPlan(lines, options.rate_limit or DEFAULT_PLAN_RATE, client.pacer.sent - sent)


@contextlib.contextmanager
def _dataset_client(pipeline: Any) -> Iterator[Any]:
    """An open sql client of the dataset, or None before the first sync created it."""
    try:
        client = pipeline.sql_client()
        client.open_connection()
    except Exception:
        yield None
        return
    try:
        yield client if client.has_dataset() else None
    finally:
        client.close_connection()


@contextlib.contextmanager
def _held_connection(options: SyncOptions) -> Iterator[Any]:
    """One DuckDB connection for the whole sync (None for other destinations).

    dlt otherwise opens the file for each load and closes it after, and closing a DuckDB database
    checkpoints it: every chunk paid for writing the whole file's changes again (about half of each load).
    The database is checkpointed once, when the sync closes it; a killed sync leaves a WAL that DuckDB
    replays on the next open, so committed loads are kept either way.
    """
    if options.destination != "duckdb":
        yield None
        return
    import duckdb

    location = _dataset_location(options)
    assert location is not None
    Path(location).parent.mkdir(parents=True, exist_ok=True)
    try:
        config = {**settings.DUCKDB_CONFIG, "memory_limit": options.duckdb_memory_limit}
        connection = duckdb_connect.connect(location, config=config)  # no progress bar in `sync --json`
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(
            f"cannot open the dataset {location} ({first}): if another sync or query has it open, wait for it"
            " to end, or sync into another file (--dataset-url)"
        ) from None
    try:
        yield connection
    finally:
        connection.close()


def _run(options: SyncOptions, connection: Any) -> SyncReport:
    started = time.monotonic()
    pipeline = create_pipeline(options, connection)
    _restore(pipeline)
    # Before anything is read or written: another account's dataset stops the sync here.
    bind_dataset(pipeline, options.api_key, _api_root(options), dataset_label(options))
    now = int((options.clock or time.time)())
    interrupted = None if options.full_refresh else _interrupted_run(pipeline)
    client = options.create_client()
    ctx = SyncContext(
        client=client,
        run_id=interrupted[0] if interrupted else uuid.uuid4().hex,
        now=interrupted[1] if interrupted else now,
        options=options,
    )
    report = SyncReport(ctx.stats, ctx.run_id, resumed=interrupted is not None)
    # The pacer is shared by every client of this key in the process: count from here on.
    sent, throttled = client.pacer.sent, client.pacer.throttled
    tables = sync_tables(options)
    memory = options.duckdb_memory_limit
    with client, contextlib.closing(ctx):  # closing stops the read-ahead threads
        _finish_pending(pipeline)  # packages a killed sync extracted but did not load
        _mark_deleted(pipeline, ctx)  # a sync killed after its last load still owes its deletion marks
        ctx.empty_tables = empty_tables(pipeline, tables)
        while tables:
            ctx.budget = Budget(max(1, options.checkpoint_pages), _deadline(options.checkpoint_seconds))
            ctx.extract_keys.clear()
            ctx.tables, ctx.chunk = tables, report.loads
            try:
                source = mailjet_source(options.api_key, options.api_secret, context=ctx)
                pipeline.extract(source, loader_file_format=_file_format(options))
            finally:
                ctx.close_sql()
            pipeline.normalize()
            memory = load_within_memory(pipeline.load, connection, memory)
            checkpoint_when_due(connection, _dataset_location(options), memory)
            report.loads += 1
            # Only the resources that stopped on the budget or got child work take part in the next run.
            tables = [t for t in tables if t in ctx.budget.pending]
        _mark_deleted(pipeline, ctx)
    report.api_calls = client.pacer.sent - sent
    report.rate_limited = client.pacer.throttled - throttled
    report.seconds = time.monotonic() - started
    return report


def _deadline(seconds: float | None) -> float | None:
    return None if seconds is None else time.monotonic() + seconds


def _file_format(options: SyncOptions) -> str | None:
    # dlt loads arrow into Postgres through CSV by default, where "" and NULL are the same: keep them apart.
    return "insert_values" if options.destination == "postgres" else None


def _finish_pending(pipeline: Any) -> None:
    if pipeline.list_extracted_load_packages():
        pipeline.normalize()
    if pipeline.list_normalized_load_packages():
        pipeline.load()


def _restore(pipeline: Any) -> None:
    # A fresh machine (or a deleted pipelines dir) gets its checkpoints back from the destination.
    with contextlib.suppress(Exception):
        pipeline.sync_destination()


def _streams(pipeline: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, stream state) for every stream with a run in the pipeline state."""
    sources = pipeline.state.get("sources", {})
    resources = sources.get(settings.SOURCE_NAME, {}).get("resources", {})
    for table, state in resources.items():
        for stream in state.get("streams", {}).values():
            if isinstance(stream, dict) and isinstance(stream.get("run"), dict):
                yield table, stream


def _interrupted_run(pipeline: Any) -> tuple[str, int] | None:
    """(run id, time) of a sync that stopped before all its streams finished, if any."""
    for _, stream in _streams(pipeline):
        run = stream["run"]
        if not run.get("done"):
            return run["id"], int(run["time"])
    return None


def _mark_deleted(pipeline: Any, ctx: SyncContext) -> None:
    """Apply the deletion marks of finished full reads (re-applying keeps each row's first mark)."""
    pending: dict[tuple[str, int], list[str]] = {}
    for table, stream in _streams(pipeline):
        run = stream["run"]
        if run.get("done") and run.get("deleted"):
            pending.setdefault((table, int(run["time"])), []).extend(run["deleted"])
            if run["id"] == ctx.run_id:
                ctx.stats_for(table).deleted = len(run["deleted"])
    for (table, when), keys in pending.items():
        apply_deletions(pipeline, table, keys, when)
