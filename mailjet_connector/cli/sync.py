"""`mailjet-connector sync | export | query`: the account into a database or files, and SQL over it."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Annotated

import orjson
import typer

from mailjet_connector import catalog
from mailjet_connector.catalog.enums import CONTACTFILTER_STATUSES as SEGMENT_STATUSES
from mailjet_connector.cli.dataset_options import DatasetName, DatasetUrl
from mailjet_connector.cli.exits import EXIT_PARTIAL, fail
from mailjet_connector.cli.livesql import (
    DEFAULT_MAX_CALLS,
    QUERY_LIVE_HELP,
    Explain,
    Live,
    MaxCalls,
    Yes,
    run_live_command,
)
from mailjet_connector.cli.options import CONNECTION, SMALL_EMULATOR, ConnectionOptions
from mailjet_connector.cli.output import make_console, progress_enabled, verbosity
from mailjet_connector.cli.sync_flags import (
    AccountFlag,
    AccountsFlag,
    CampaignFlag,
    CampaignStatusFlag,
    ChildrenFlag,
    CounterResolutionFlag,
    CounterSourceFlag,
    CounterTimingFlag,
    DeletionsFlag,
    DestinationFlag,
    EndDateFlag,
    ExcludeFlag,
    FullRefreshFlag,
    IncludeDeletedCampaignsFlag,
    IncludeDeletedFlag,
    IncludeDeletedListsFlag,
    JobsFlag,
    ListFlag,
    LookbackFlag,
    NewsletterToolFlag,
    PipelinesDirFlag,
    PlanFlag,
    ResourcesFlag,
    SegmentStatusFlag,
    StarredOnlyFlag,
    StartDateFlag,
    SyncDatasetNameFlag,
    SyncDatasetUrlFlag,
    SyncJsonFlag,
    WebhookStoreFlag,
    choose,
    counter_options,
)
from mailjet_connector.cli.sync_render import (
    ProgressBars,
    render_export,
    render_plan,
    render_query,
    render_refusals,
    render_sync,
)
from mailjet_connector.dataset import DEFAULT_DATASET, EMULATOR_DUCKDB_PATH
from mailjet_connector.exporting import ExportFormat, export_resource, parse_where
from mailjet_connector.sqlsandbox import run_readonly
from mailjet_connector.wire.timestamps import parse_moment

SYNC_HELP = """Copy the account into DuckDB (default ./mailjet.duckdb), Postgres or any dlt destination.

Incremental by default: a re-run reads only what changed. Progress bars go to stderr, the summary
(rows, new, updated, deleted, API calls, 429s, seconds) to stdout; --json prints it as JSON.
A resource the API refuses (400, 403, 404) is reported failed while the others load: exit code 1 (partial).

Examples:

    mailjet-connector sync --emulator

    mailjet-connector sync --emulator --plan

    mailjet-connector sync --resources contact,listrecipient,message --start-date 2024-01-01

    mailjet-connector sync --dataset-url postgresql://me@localhost/mj

    mailjet-connector sync --accounts accounts.toml --json
"""

EXPORT_HELP = """Stream one resource straight from the API to CSV, JSONL or Parquet, one page at a time.

Memory stays bounded whatever the size. CSV and JSONL go to stdout without --output.
--escape-formulas (csv) writes cells starting with = + - @ as text, for files opened in a spreadsheet.

Examples:

    mailjet-connector export contact --format csv --emulator > contacts.csv

    mailjet-connector export message --format parquet -o messages.parquet --where CampaignID=42
"""

QUERY_HELP = """Run one read-only SELECT on the synced dataset; its tables need no schema prefix.

Nothing is written, one statement runs, and files are out of reach unless --allow-files is given
(see docs/sql.md).

Examples:

    mailjet-connector query "select count(*) from contact"

    mailjet-connector query "select status, count(*) n from message group by 1" --format csv

    mailjet-connector query "select * from contactslist" --dataset-url postgresql://me@localhost/mj
"""

FORMATS = ("table", "csv", "json")


def sync(
    resources: ResourcesFlag = None,
    exclude: ExcludeFlag = None,
    destination: DestinationFlag = None,
    dataset_url: SyncDatasetUrlFlag = None,
    dataset_name: SyncDatasetNameFlag = DEFAULT_DATASET,
    full_refresh: FullRefreshFlag = False,
    start_date: StartDateFlag = None,
    end_date: EndDateFlag = None,
    lookback: LookbackFlag = None,
    deletions: DeletionsFlag = "7d",
    children: ChildrenFlag = False,
    campaign: CampaignFlag = None,
    list_: ListFlag = None,
    include_deleted: IncludeDeletedFlag = False,
    include_deleted_campaigns: IncludeDeletedCampaignsFlag = False,
    include_deleted_lists: IncludeDeletedListsFlag = False,
    starred_only: StarredOnlyFlag = False,
    campaign_status: CampaignStatusFlag = None,
    newsletter_tool: NewsletterToolFlag = None,
    segment_status: SegmentStatusFlag = None,
    counter_source: CounterSourceFlag = None,
    counter_timing: CounterTimingFlag = None,
    counter_resolution: CounterResolutionFlag = None,
    webhook_store: WebhookStoreFlag = None,
    plan: PlanFlag = False,
    as_json: SyncJsonFlag = False,
    pipelines_dir: PipelinesDirFlag = None,
    accounts: AccountsFlag = None,
    account: AccountFlag = None,
    jobs: JobsFlag = None,
    conn: ConnectionOptions = SMALL_EMULATOR,
) -> None:
    if resources and exclude:
        fail("--resources and --exclude do not go together")
    only, skipped = split_names(resources), split_names(exclude)
    counters = counter_options(counter_source, counter_timing, counter_resolution)
    segments = choose(segment_status, SEGMENT_STATUSES, "--segment-status")
    start, end = parse_date(start_date, "--start-date"), parse_date(end_date, "--end-date")
    try:
        from mailjet_connector.sync import Narrowing, SyncOptions, plan_sync, run_sync
        from mailjet_connector.sync.incremental import parse_duration, parse_schedule
    except ModuleNotFoundError as exc:
        fail(f"sync needs the [sync] extra: pip install 'mailjet-connector[sync]' ({exc.name} missing)")
    if account and accounts is None:
        fail("--account picks from an accounts file: add --accounts FILE")
    # What every sync of this command shares; the connection and the dataset are added below (per account
    # with --accounts).
    options = SyncOptions(
        resources=only or None,
        exclude=tuple(skipped),
        pipelines_dir=pipelines_dir,
        full_refresh=full_refresh,
        start_date=start,
        end_date=end,
        lookback=parse_duration(lookback) if lookback else 0,
        deletions=parse_schedule(deletions),
        children=children,
        narrowing=Narrowing(
            campaigns=tuple(campaign or ()),
            lists=tuple(list_ or ()),
            include_deleted_campaigns=include_deleted or include_deleted_campaigns,
            include_deleted_lists=include_deleted or include_deleted_lists,
            starred_only=starred_only,
            campaign_status=tuple(campaign_status or ()),
            newsletter_tool=newsletter_tool,
            segment_status=segments,
        ),
        **counters,
        webhook_store=webhook_store,
        dlt_logs=verbosity().verbose,
    )
    if accounts is not None:
        from mailjet_connector.cli.sync_accounts import check_flags, run_accounts

        check_flags(
            conn,
            {
                "--destination": destination not in (None, "duckdb"),
                "--dataset-url": dataset_url is not None,
                "--dataset-name": dataset_name != DEFAULT_DATASET,
                "--campaign": bool(campaign),
                "--list": bool(list_),
                "--webhook-store": webhook_store is not None,
            },
        )
        run_accounts(accounts, account or [], jobs, options, conn, as_json)
        return
    dataset_url = emulator_dataset(dataset_url, destination, conn)
    with conn.open() as connection:
        bars = ProgressBars(make_console(stderr=True), enabled=progress_enabled(as_json) and not plan)
        with bars:
            options = replace(
                options,
                api_key=connection.api_key,
                api_secret=connection.api_secret,
                base_url=connection.base_url,
                rate_limit=connection.rate_limit,
                settings=connection.settings,
                destination=destination,
                dataset_url=dataset_url,
                dataset_name=dataset_name,
                progress=bars.update,
                clock=connection.clock,
            )
            if plan:
                show_plan(plan_sync(options).to_dict(), as_json)
                return
            report = run_sync(options)
    data = report.to_dict()
    if as_json:
        typer.echo(orjson.dumps(data, default=str).decode())
    else:
        render_sync(make_console(), data)
        render_refusals(make_console(stderr=True), data)
    if report.partial:
        raise typer.Exit(EXIT_PARTIAL)


sync.__doc__ = SYNC_HELP


def show_plan(plan: dict[str, object], as_json: bool) -> None:
    if as_json:
        typer.echo(orjson.dumps(plan).decode())
    else:
        render_plan(make_console(), plan)


def emulator_dataset(dataset_url: str | None, destination: str | None, conn: ConnectionOptions) -> str | None:
    """The dataset a command uses: with --emulator and no --dataset-url, the emulator's own DuckDB file."""
    if dataset_url is None and conn.emulator and destination in (None, "duckdb"):
        return EMULATOR_DUCKDB_PATH
    return dataset_url


def parse_date(value: str | None, option: str) -> datetime | None:
    """A date (`2024-05-01`) or RFC 3339 timestamp as an aware datetime; naive values are UTC.

    Raises:
        ValueError: neither form.
    """
    if value is None:
        return None
    try:
        return parse_moment(value)
    except ValueError:
        raise ValueError(
            f"{option} expects a date like 2024-05-01 or 2024-05-01T12:00:00Z, got {value!r}"
        ) from None


def export(
    resource: Annotated[str, typer.Argument(help="Catalog name, e.g. contact, message, listrecipient.")],
    format_: Annotated[str, typer.Option("--format", help="csv, jsonl or parquet.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default stdout; parquet needs one).")
    ] = None,
    where: Annotated[
        list[str] | None, typer.Option("--where", help="A query filter FILTER=VALUE (repeatable).")
    ] = None,
    escape_formulas: Annotated[
        bool,
        typer.Option(
            "--escape-formulas",
            help="csv: prefix cells starting with = + - @ (tab, CR) with ' so spreadsheets show, not run them.",
        ),
    ] = False,
    conn: ConnectionOptions = SMALL_EMULATOR,
) -> None:
    fmt = ExportFormat(format_.lower()) if format_.lower() in set(ExportFormat) else None
    if fmt is None:
        fail(f"--format must be csv, jsonl or parquet, not {format_!r}")
    if escape_formulas and fmt is not ExportFormat.CSV:
        fail("--escape-formulas applies to --format csv only")
    if fmt is ExportFormat.PARQUET and output is None:
        fail("parquet needs --output PATH (it cannot be streamed to stdout)")
    if output is not None and not output.parent.is_dir():
        fail(f"no such directory: {output.parent}")
    res = catalog.get(resource)
    filters = parse_where(res, where or [])
    bars = ProgressBars(make_console(stderr=True), enabled=progress_enabled())
    with conn.client() as client, bars:
        report = export_resource(
            client,
            res.name,
            fmt,
            output or sys.stdout.buffer,
            filters=filters,
            progress=lambda rows: bars.update(res.name, rows),
            escape_formulas=escape_formulas,
        )
    render_export(make_console(stderr=True), report, output)


export.__doc__ = EXPORT_HELP


def query(
    sql: Annotated[str, typer.Argument(help="One SQL statement.")],
    dataset_url: DatasetUrl = None,
    dataset_name: DatasetName = DEFAULT_DATASET,
    format_: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    allow_files: Annotated[
        bool, typer.Option("--allow-files", help="Let the SELECT read files (read_csv, FROM 'x.parquet').")
    ] = False,
    live: Live = False,
    explain: Explain = False,
    max_calls: MaxCalls = DEFAULT_MAX_CALLS,
    yes: Yes = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    if format_ not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not {format_!r}")
    if live or explain:
        run_live_command(sql, format_, conn, explain=explain, max_calls=max_calls, yes=yes)
        return
    result = run_readonly(
        sql, emulator_dataset(dataset_url, "duckdb", conn), dataset_name, allow_files=allow_files
    )
    render_query(make_console(), result, format_)


query.__doc__ = QUERY_HELP + QUERY_LIVE_HELP


def split_names(values: list[str] | None) -> list[str]:
    """`--resources a,b --resources c` -> ["a", "b", "c"], each checked against the catalog.

    Raises:
        UnknownResourceError: a name that is not in the catalog.
    """
    names = [part.strip() for value in values or [] for part in value.split(",") if part.strip()]
    return [catalog.get(name).name for name in names]
