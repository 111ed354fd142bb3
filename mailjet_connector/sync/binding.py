"""One dataset, one account: the dataset records which account it was synced from, and refuses any other.

The first sync into a dataset writes the account's identity into the table `_mj_account` of the dataset: a
hash of the API key (never the key, never the secret) and the API host it came from. Every later sync
compares: another account's sync stops before it reads or writes anything, with a one-line error saying how
to sync it elsewhere. So two keys never merge silently into one dataset, and `report`, `query` and
`export` over a dataset always see a single account.

A dataset synced before this table existed is bound to the first account that syncs into it afterwards.
Destinations without SQL (files, buckets) have no such table: there, keep one dataset per account yourself.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from mailjet_connector.errors import DatasetAccountError

__all__ = ["BINDING_TABLE", "account_identity", "bind_dataset", "bound_account"]

BINDING_TABLE = "_mj_account"
_SALT = b"mailjet-connector account v1:"


def account_identity(api_key: str) -> str:
    """The identity a dataset stores for an account: `mj-` and 16 hex digits of a salted SHA-256 of the key.

    Stable for a key, different for two keys, and it does not give the key back.
    """
    return "mj-" + hashlib.sha256(_SALT + api_key.encode("utf-8")).hexdigest()[:16]


def api_host(base_url: str | None) -> str:
    """Where the data came from, for the error message: `api.mailjet.com`, `127.0.0.1:8025`..."""
    if not base_url:
        return "api.mailjet.com"
    return urlsplit(base_url).netloc or base_url


def bound_account(pipeline: Any) -> tuple[str, str] | None:
    """(identity, host) the pipeline's dataset is bound to, or None (unbound, missing, or no SQL)."""
    from dlt.common.destination.exceptions import SqlClientNotAvailable

    try:
        client = pipeline.sql_client()
    except SqlClientNotAvailable:
        return None
    with client:
        if not client.has_dataset():
            return None
        return _read(client)


def bind_dataset(pipeline: Any, api_key: str, base_url: str | None, where: str) -> str | None:
    """Bind the pipeline's dataset to this account, or check that it is bound to it.

    Args:
        pipeline: the sync's dlt pipeline (its destination and dataset).
        api_key: the account's API key (only its hash is stored).
        base_url: the API root the sync reads (its host is stored, for people).
        where: the dataset as people name it, e.g. `mailjet_data in ./mailjet.duckdb`.

    Returns:
        The account identity, or None for a destination without SQL (nothing is bound there).

    Raises:
        DatasetAccountError: the dataset was synced from another account.
    """
    from dlt.common.destination.exceptions import SqlClientNotAvailable

    identity = account_identity(api_key)
    try:
        client = pipeline.sql_client()
    except SqlClientNotAvailable:
        return None
    with client:
        if not client.has_dataset():
            client.create_dataset()
        table = client.make_qualified_table_name(BINDING_TABLE)
        client.execute_sql(
            f"CREATE TABLE IF NOT EXISTS {table} (account_id varchar(64) NOT NULL, "
            "api_host varchar(255) NOT NULL, bound_at timestamp with time zone NOT NULL)"
        )
        found = _read(client)
        if found is None:
            client.execute_sql(
                f"INSERT INTO {table} (account_id, api_host, bound_at) VALUES (%s, %s, %s)",
                identity,
                api_host(base_url),
                datetime.now(UTC),
            )
            return identity
    bound, host = found
    if bound != identity:
        raise DatasetAccountError(
            f"dataset {where} holds the data of account {bound} (from {host}), not of this API key's "
            f"account {identity}: sync this account into its own dataset (--dataset-url another file, or "
            "--dataset-name another schema)"
        )
    return identity


def _read(client: Any) -> tuple[str, str] | None:
    from dlt.destinations.exceptions import DatabaseUndefinedRelation

    table = client.make_qualified_table_name(BINDING_TABLE)
    try:
        rows = client.execute_sql(f"SELECT account_id, api_host FROM {table} ORDER BY bound_at LIMIT 1")
    except DatabaseUndefinedRelation:
        return None
    return (str(rows[0][0]), str(rows[0][1])) if rows else None
