"""`create_definitions`: assets, checks, a partitioned job and its schedule from an accounts file."""

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg

from mailjet_connector.accounts import load_accounts
from mailjet_connector.dagster.assets import sync_assets
from mailjet_connector.dagster.checks import row_count_checks

JOB = "mailjet_sync_job"
DEFAULT_CRON = "0 3 * * *"  # every day at 03:00 (the schedule's timezone, UTC by default)


def create_definitions(
    accounts_file: Path | str,
    environ: Mapping[str, str],
    *,
    cron: str = DEFAULT_CRON,
    tables: list[str] | None = None,
    sync_options: Mapping[str, Any] | None = None,
) -> dg.Definitions:
    """The Dagster definitions of the sync of every account in `accounts_file`.

    Args:
        accounts_file: the TOML accounts file (one partition per account).
        environ: where the accounts' `env:` credential references are read.
        cron: when the schedule launches one run per account.
        tables: the tables offered as assets (default: every table the sync writes).
        sync_options: other `SyncOptions` fields for every run (start_date, lookback...).

    Raises:
        AccountsError: the accounts file cannot be read or is invalid (no credential is read here).
    """
    accounts = load_accounts(accounts_file)
    partitions = dg.StaticPartitionsDefinition(list(accounts.accounts))
    assets = sync_assets(accounts, environ, partitions, tables, sync_options)
    checks = row_count_checks(accounts, environ, tables)
    job = dg.define_asset_job(JOB, selection=dg.AssetSelection.assets(assets))  # partitioned as its assets

    @dg.schedule(job=job, cron_schedule=cron, name="mailjet_sync_schedule")
    def every_account(context: dg.ScheduleEvaluationContext) -> Iterator[dg.RunRequest]:
        """One run per account: Dagster's run launcher and executor decide where each one runs."""
        tick = context.scheduled_execution_time.isoformat()
        for name in partitions.get_partition_keys():
            yield dg.RunRequest(run_key=f"{name}:{tick}", partition_key=name)

    return dg.Definitions(assets=[assets], asset_checks=[checks], jobs=[job], schedules=[every_account])
