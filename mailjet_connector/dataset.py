"""Where the synced dataset lives by default: one fact for sync, query, report, importer and agents."""

from __future__ import annotations

import re
from pathlib import Path

from mailjet_connector.errors import ConfigError

DEFAULT_DUCKDB_PATH = "mailjet.duckdb"
# Not "mailjet": DuckDB names a file's catalog after the file, and a schema of the same name makes dlt
# fail with `Ambiguous reference to catalog or schema "mailjet"`.
DEFAULT_DATASET = "mailjet_data"

# What a dataset URL's scheme names (sync's --destination follows it; query, report and importer read it).
DUCKDB = "duckdb"
POSTGRES = "postgres"
POSTGRES_SCHEMES = ("postgresql", "postgres")
DUCKDB_PREFIX = "duckdb:///"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")  # two letters at least: `C:\data` is a path


def destination_of(url: str | None, destination: str | None = None) -> str:
    """The destination a dataset URL names: a file path or `duckdb:///path` is DuckDB, `postgresql://` (or
    `postgres://`) is PostgreSQL; `destination` (sync's --destination) must agree with it when given, and
    any other dlt destination named there takes the URL as its credentials.

    Raises:
        ConfigError: a scheme that names no destination, or one that contradicts `destination`.
    """
    scheme = _scheme(url)
    if scheme in POSTGRES_SCHEMES:
        named = POSTGRES
    elif scheme is None or (scheme == DUCKDB and url is not None and url.startswith(DUCKDB_PREFIX)):
        named = DUCKDB
    elif destination not in (None, DUCKDB, POSTGRES):
        return destination  # another dlt destination: the URL is its business
    else:
        raise ConfigError(
            f"--dataset-url {scheme}://... names no destination: give a DuckDB file (or duckdb:///path) or "
            "postgresql://user@host/db; for another dlt destination add --destination NAME; for files use export"
        )
    if destination in (DUCKDB, POSTGRES) and destination != named:
        raise ConfigError(
            f"--destination {destination} does not match --dataset-url (a {named} dataset): drop --destination, "
            "the URL picks it"
        )
    return destination or named


def duckdb_file(url: str | None) -> Path:
    """The DuckDB file a dataset URL names: a plain path or `duckdb:///path` (default ./mailjet.duckdb)."""
    url = url or DEFAULT_DUCKDB_PATH
    return Path(url.removeprefix(DUCKDB_PREFIX))


def is_postgres(url: str | None) -> bool:
    """Whether a dataset URL names a PostgreSQL database (`postgresql://` or `postgres://`)."""
    return _scheme(url) in POSTGRES_SCHEMES


def _scheme(url: str | None) -> str | None:
    found = _SCHEME.match(url or "")
    return found.group(1).lower() if found else None


# Where `sync --emulator` (and `query --emulator`) go without --dataset-url: emulator rows never land in the
# dataset of a real account (a dataset holds one account: see sync/binding.py).
EMULATOR_DUCKDB_PATH = "mailjet-emulator.duckdb"
