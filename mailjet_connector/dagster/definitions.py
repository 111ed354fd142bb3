"""The code location Dagster loads: `dagster dev -m mailjet_connector.dagster.definitions`.

The accounts file comes from `MAILJET_ACCOUNTS` (default `accounts.toml` in the working directory), the
schedule from `MAILJET_DAGSTER_CRON` (default every day at 03:00); `env:` credential references are read from
this process's environment when a run starts.
"""

from __future__ import annotations

import os

from mailjet_connector.dagster.factory import DEFAULT_CRON, create_definitions

defs = create_definitions(
    os.environ.get("MAILJET_ACCOUNTS", "accounts.toml"),
    os.environ,
    cron=os.environ.get("MAILJET_DAGSTER_CRON", DEFAULT_CRON),
)
