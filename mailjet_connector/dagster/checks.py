"""Asset checks: the rows a table holds (not marked deleted) equal what the API counts (`countOnly`).

Checked: the tables the sync reads whole at every run (full reads with deletion marking), so that after a
sync the two numbers must agree; windowed, per-parent and statistics tables are not comparable this way.
"""

from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg

from mailjet_connector import catalog
from mailjet_connector.accounts import AccountsFile
from mailjet_connector.dagster.assets import asset_key
from mailjet_connector.sync.multi import account_options
from mailjet_connector.sync.options import SyncOptions
from mailjet_connector.sync.pipeline import create_pipeline
from mailjet_connector.sync.settings import DELETED_COLUMN
from mailjet_connector.sync.source import syncable
from mailjet_connector.sync.streams import FULL, stream_mode
from mailjet_connector.sync.walk import keyed

CHECK_NAME = "row_count_matches_api"
DESCRIPTION = "rows not marked deleted = the API's countOnly total"


def countable(tables: list[str] | None = None) -> list[str]:
    """The tables whose row count must equal the API's `countOnly` after a sync (of `tables`, or all)."""
    return [
        res.name
        for res in syncable()
        if (tables is None or res.name in tables)
        and res.parent is None
        and res.name != "statcounters"
        and stream_mode(res, narrowed=False) == FULL
        and keyed(res.name)
    ]


def row_count_checks(
    accounts: AccountsFile,
    environ: Mapping[str, str],
    tables: list[str] | None = None,
) -> dg.AssetChecksDefinition:
    """One check per countable table; it runs in the partition's run and checks that account's dataset."""
    names = countable(tables)
    specs = [
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=asset_key(name),
            description="rows not marked deleted = the API's countOnly total",
        )
        for name in names
    ]

    @dg.multi_asset_check(specs=specs, name="mailjet_row_counts", can_subset=True)
    def mailjet_row_counts(context: dg.AssetCheckExecutionContext) -> Iterator[dg.AssetCheckResult]:
        account = accounts.get(context.partition_key)
        settings = account.settings(environ)
        selected = {key.asset_key.path[-1] for key in context.selected_asset_check_keys}
        options = account_options(account, settings, SyncOptions())
        pipeline = create_pipeline(options)
        with settings.create_client() as client, pipeline.sql_client() as sql:
            for name in (n for n in names if n in selected):
                stored = _live_rows(sql, name)
                expected = _api_rows(client, catalog.get(name), options.narrowing)
                yield dg.AssetCheckResult(
                    asset_key=asset_key(name),
                    check_name=CHECK_NAME,
                    passed=stored == expected,
                    metadata={"dataset_rows": stored, "api_count": expected, "account": account.name},
                )

    return mailjet_row_counts


def _live_rows(sql: Any, table: str) -> int:
    """Rows of a dataset table not marked deleted (0 when the sync never got a row: dlt made no table)."""
    from dlt.destinations.exceptions import DatabaseUndefinedRelation

    qualified = sql.make_qualified_table_name(table)
    try:
        ((count,),) = sql.execute_sql(f"SELECT count(*) FROM {qualified} WHERE {DELETED_COLUMN} IS NULL")
    except DatabaseUndefinedRelation:
        return 0
    return int(count)


def _api_rows(client: Any, res: Any, narrowing: Any) -> int:
    """What the API counts of the rows a sync reads: under the sync's default narrowing (deleted campaigns
    and lists are left out, #17), one `countOnly` per filter set."""
    return sum(client.count(res.name, filters) for filters in narrowing.reads(res).filter_sets)
