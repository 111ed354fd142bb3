"""Where the synced dataset lives by default: one fact for sync, query, report, importer and agents."""

from __future__ import annotations

DEFAULT_DUCKDB_PATH = "mailjet.duckdb"
# Not "mailjet": DuckDB names a file's catalog after the file, and a schema of the same name makes dlt
# fail with `Ambiguous reference to catalog or schema "mailjet"`.
DEFAULT_DATASET = "mailjet_data"
# Where `sync --emulator` (and `query --emulator`) go without --dataset-url: emulator rows never land in the
# dataset of a real account (a dataset holds one account: see sync/binding.py).
EMULATOR_DUCKDB_PATH = "mailjet-emulator.duckdb"
