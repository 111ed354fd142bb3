"""Defaults of the sync engine: where data goes, page and checkpoint sizes, statcounters coverage."""

from __future__ import annotations

from mailjet_connector.catalog import enums
from mailjet_connector.catalog.counters import SLICE_SECONDS
from mailjet_connector.dataset import DEFAULT_DATASET, DEFAULT_DUCKDB_PATH  # noqa: F401 (the sync defaults)

PIPELINE_NAME = "mailjet"
SOURCE_NAME = "mailjet"

PAGE_LIMIT = 1000  # Mailjet's maximum Limit
# Pages extracted per pipeline run before the load commits, and the longest an extract runs before it commits
# anyway: the checkpoint unit, so a crash re-reads at most this much. Each commit has a fixed cost (dlt's
# normalize and load steps, ~0.3 s) while the readers read on. At full speed the 10 s bound ends the chunks
# (measured: 100 -> 300 pages took 1.2M rows of six resources from 58-67k to 72k rows/s, 300 -> 1000 pages
# 1.5M rows of three from 74-77k to 79-81k); a slow, rate-limited sync still checkpoints every 10 s.
CHECKPOINT_PAGES = 1000
CHECKPOINT_SECONDS = 10.0
# Pages each stream reads ahead on its own thread (converted to arrow: ~0.3 MB a page of 1000 messages).
READ_AHEAD_PAGES = 12
# Rows handed to dlt per item: its cost is per item (schema checks), so pages are gathered up to this.
YIELD_ROWS = 20_000

# DuckDB settings of the sync's connection. DuckDB keeps table blocks it has read in memory up to its
# memory_limit (default 80% of RAM), and the sync holds its connection open from start to end: the limit is
# what DuckDB adds to the sync's peak memory (measured on the large preset: 256MB peaked at 627 MB, 64MB at
# 428 MB, for a few percent of speed). A load that needs more gets it (`duckdb_memory.load_within_memory`
# doubles the limit for the rest of the sync instead of failing). preserve_insertion_order off: the tables
# have no order to keep, and inserts and merges then stream instead of buffering.
DUCKDB_MEMORY_LIMIT = "64MB"
DUCKDB_CONFIG = {"memory_limit": DUCKDB_MEMORY_LIMIT, "preserve_insertion_order": False}

# dlt settings of the sync's pipeline (set under its name, so they never change the user's other pipelines).
# The staging schema (`<dataset>_staging`, where dlt puts merged rows before its MERGE) is emptied after each
# load: it would otherwise keep a second copy of every row last merged (contact emails included). One load
# worker: dlt's default of 20 parallel jobs on the sync's one DuckDB connection ran the large preset's first
# load out of its memory limit, and DuckDB then invalidates the database ("FATAL Error: ... must be restarted"),
# which no retry survives (docs/sync.md, "Memory").
PIPELINE_CONFIG = {"load.delete_completed_jobs": True, "load.truncate_staging_dataset": True}
DUCKDB_PIPELINE_CONFIG = {"load.workers": 1}

# How dlt merges a load into its tables, on every destination: delete the rows whose `_mj_key` is in the load,
# then insert the load. "deduplicated": the sync hands dlt each key at most once per load (walks in ID order
# never repeat a key; other walks keep each key once, `SyncContext.extract_keys`), so dlt's per-load
# deduplication (a window over the staging table) is skipped. DuckDB's MERGE statement (dlt's "upsert") holds
# the whole load in memory: at the 64MB limit it failed from 100,000 new message rows, and the large preset's
# first sync raised the limit to 256MB; delete-insert loads 1,000,000 rows at 64MB, and faster (1.5 s vs 1.8 s
# for MERGE at 1GB; docs/sync.md, "Memory").
MERGE_DISPOSITION = {"disposition": "merge", "strategy": "delete-insert", "deduplicated": True}

# Bookkeeping columns added to every table (dlt keeps names starting with "_" as they are).
KEY_COLUMN = "_mj_key"  # the merge key: the catalog primary key (plus context) joined with "|"
HASH_COLUMN = "_mj_hash"  # content hash: unchanged rows are not loaded again
DELETED_COLUMN = "_mj_deleted_at"  # set when the row disappeared upstream, cleared when it comes back

# statcounters coverage (mailjet-api.md §3): one walk per legal source x timing x resolution (the API's rules,
# `catalog.counters`, leave out Event x Lifetime, List with anything but Message x Lifetime, Sender x Event).
COUNTER_SOURCES = enums.COUNTER_SOURCES
COUNTER_TIMINGS = enums.COUNTER_TIMINGS
# Every resolution but Highest (5-minute slices): Hour is the finest a warehouse usually wants.
COUNTER_RESOLUTIONS = tuple(r for r in enums.COUNTER_RESOLUTIONS if r != "Highest")
# Without --start-date, how far back the first run reads each statcounters resolution. A request spans at
# most 100 slices, so the first run reads these in parts: Day 4 requests, Hour 8, Highest 3 per source.
COUNTER_LOOKBACK = {"Day": 366 * 86400, "Hour": 31 * 86400, "Highest": 86400}
COUNTER_SLICE = SLICE_SECONDS

# Which catalog resource lists the IDs of each counter source.
COUNTER_SOURCE_PARENT = {"Campaign": "campaign", "List": "contactslist", "Sender": "sender"}

# Resources read whole on every run although the API filters them by a cursor: edits that do not move the
# cursor (starring or deleting a campaign leaves SendStartAt where it was) would be missed by a window, and
# these are small (one row per campaign), so a full read with deletion marking costs a few pages.
READ_WHOLE = frozenset({"campaign"})

# Lower bound of the first incremental window when no start date is given (Unix seconds).
EPOCH_START = 0

# How often the tables the API cannot filter by time (contact, listrecipient, contactslist...) are read whole,
# which is how deletions and edits of their rows are found; in between, a run reads only the rows added since
# (IDs above the highest synced): one call where a full read of a million contacts takes 1,000 (`--deletions`).
DELETIONS_EVERY = 7 * 86400
