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
from mailjet_connector.sync.filters import Narrowing
from mailjet_connector.sync.multi import account_options
from mailjet_connector.sync.options import SyncOptions
from mailjet_connector.sync.pipeline import create_pipeline
from mailjet_connector.sync.settings import DELETED_COLUMN
from mailjet_connector.sync.source import syncable
from mailjet_connector.sync.stream_sets import plain_streams
from mailjet_connector.sync.streams import FULL
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
        and all(stream.mode == FULL for stream in plain_streams(res, Narrowing()))
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
        pipeline = create_pipeline(account_options(account, settings, SyncOptions()))
        with settings.create_client() as client, pipeline.sql_client() as sql:
            for name in (n for n in names if n in selected):
                stored = _live_rows(sql, name)
                expected = api_count(client, name)
                yield dg.AssetCheckResult(
                    asset_key=asset_key(name),
                    check_name=CHECK_NAME,
                    passed=stored == expected,
                    # Deletions upstream are marked at the sync's next full read (weekly by default, the
                    # `deletions` option): until then the counts may differ without anything being lost.
                    severity=dg.AssetCheckSeverity.WARN,
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


def api_count(client: Any, table: str) -> int:
    """What the API counts for `table` with the filters the sync lists it with (deleted lists left out...)."""
    res = catalog.get(table)
    return sum(client.count(res.name, dict(stream.filters)) for stream in plain_streams(res, Narrowing()))
