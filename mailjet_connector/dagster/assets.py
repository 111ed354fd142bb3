"""The sync's tables as dlt assets: dagster-dlt names them from `mailjet_source`, our sync engine fills them.

`@dlt_assets` turns each resource of the dlt source into an asset (`mailjet/<table>`). A run materialises one
partition, an account of the accounts file: it calls `run_sync` for that account with the selected tables,
so the run gets everything a `sync` has (its key's pacing, the dataset bound to the account and locked,
page checkpoints, resume after a crash, deletion marking), then reports each table's rows.
"""

import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import dagster as dg
import dlt
from dagster_dlt import DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData

from mailjet_connector.accounts import AccountsFile
from mailjet_connector.dataset import DEFAULT_DATASET
from mailjet_connector.sync.multi import account_options
from mailjet_connector.sync.options import SyncOptions
from mailjet_connector.sync.pipeline import run_sync
from mailjet_connector.sync.source import feeding_parent, mailjet_source

KEY_PREFIX = "mailjet"
GROUP = "mailjet"


def asset_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([KEY_PREFIX, table])


class MailjetTranslator(DagsterDltTranslator):
    """`mailjet/<table>` keys, no upstream asset (the API is not an asset of this project)."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        spec = super().get_asset_spec(data)
        return spec.replace_attributes(key=asset_key(data.resource.name), deps=[], group_name=GROUP)


def sync_assets(
    accounts: AccountsFile,
    environ: Mapping[str, str],
    partitions: dg.PartitionsDefinition,
    tables: list[str] | None = None,
    sync_options: Mapping[str, Any] | None = None,
) -> dg.AssetsDefinition:
    """The assets of every table (or of `tables`), partitioned by account.

    Args:
        accounts: the accounts file (partition keys are its account names).
        environ: where `env:` credential references are read (the code location's environment).
        partitions: the account partitions.
        tables: the tables to offer as assets (default: every table the sync writes).
        sync_options: other `SyncOptions` fields for every run (start_date, lookback...).
    """
    base = SyncOptions(**dict(sync_options or {}))  # a bad field fails here, when the definitions load
    # Only for the asset specs: dagster-dlt reads the resources and the destination's name; no call is made.
    # Every table an asset, the per-row children too (a run names its tables, so they are read when selected).
    specs_source = mailjet_source(
        api_key="-", api_secret="-", options=replace(base, resources=tables, children=True)
    )
    specs_pipeline = dlt.pipeline(
        pipeline_name="mailjet_dagster_specs",
        destination="duckdb",
        dataset_name=DEFAULT_DATASET,
        pipelines_dir=str(Path(tempfile.gettempdir()) / "mailjet-connector-dagster"),
    )

    @dlt_assets(
        dlt_source=specs_source,
        dlt_pipeline=specs_pipeline,
        name="mailjet_sync",
        partitions_def=partitions,
        dagster_dlt_translator=MailjetTranslator(),
    )
    def mailjet_sync(context: dg.AssetExecutionContext) -> Iterator[dg.MaterializeResult]:
        account = accounts.get(context.partition_key)
        selected = sorted(key.path[-1] for key in context.selected_asset_keys)
        # A content table or messagehistory is fed by its parent's read in the same sync: read the parent too.
        feeding = {p for t in selected if (p := feeding_parent(t)) is not None} - set(selected)
        wanted = replace(base, resources=[*selected, *sorted(feeding)])
        options = account_options(account, account.settings(environ), wanted)
        report = run_sync(options)
        context.log.info(
            f"{account.name}: {report.totals.rows} rows read, {report.api_calls} API calls, {report.seconds:.1f} s"
        )
        for table in selected:
            stats = report.resources.get(table)
            metadata = {"account": account.name, "dataset": account.dataset_label}
            if stats is not None:
                metadata |= {"rows_read": stats.rows, "new": stats.new, "updated": stats.updated,
                             "deleted": stats.deleted, "api_calls": stats.api_calls}  # fmt: skip
            yield dg.MaterializeResult(asset_key=asset_key(table), metadata=metadata)

    return mailjet_sync
