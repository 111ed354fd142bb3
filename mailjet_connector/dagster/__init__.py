"""The sync as Dagster assets (extra: [dagster]): one asset per table, partitioned per account of an accounts
file, a schedule, and row-count checks against the API's `countOnly`.

`mailjet_connector.dagster.definitions` is the code location (`dagster dev -m mailjet_connector.dagster.definitions`,
accounts file from `MAILJET_ACCOUNTS`); `create_definitions` builds the same from arguments.
"""

from __future__ import annotations

from mailjet_connector.dagster.factory import create_definitions

__all__ = ["create_definitions"]
