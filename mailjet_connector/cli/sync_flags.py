"""The `sync` command's flags, declared here so that the command reads as a list of them.

The command builds one `SyncOptions` from them: the narrowing flags become its `narrowing` (a
`sync.filters.Narrowing`; `sync.filters.FLAGS` names which field each sets), the others its fields of the
same name, and the connection options (`cli.options`) its connection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mailjet_connector.catalog import enums

ResourcesFlag = Annotated[
    list[str] | None, typer.Option("--resources", help="Only these resources (comma-separated).")
]
ExcludeFlag = Annotated[list[str] | None, typer.Option("--exclude", help="Skip these resources.")]
DestinationFlag = Annotated[
    str | None,
    typer.Option(
        "--destination",
        help="Any other dlt destination name (duckdb and postgres follow from --dataset-url).",
    ),
]
SyncDatasetUrlFlag = Annotated[
    str | None,
    typer.Option(
        "--dataset-url",
        help="Where the data goes, and its scheme picks the destination: a DuckDB file (default "
        "./mailjet.duckdb; with --emulator ./mailjet-emulator.duckdb; or duckdb:///path) or a libpq URL (postgresql://user@host/db, no password needed,"
        " ?host=/socket/dir, ?sslmode=...).",
    ),
]
SyncDatasetNameFlag = Annotated[str, typer.Option("--dataset-name", help="Schema the tables go to.")]
FullRefreshFlag = Annotated[bool, typer.Option("--full-refresh", help="Forget the state; read all.")]
StartDateFlag = Annotated[str | None, typer.Option("--start-date", help="Read events from this date.")]
EndDateFlag = Annotated[str | None, typer.Option("--end-date", help="Read events up to this date.")]
LookbackFlag = Annotated[
    str | None,
    typer.Option(
        "--lookback",
        help="Re-read this much before the last sync's mark (3d, 12h, 30m): catches messages whose "
        "Status changed after they were synced.",
    ),
]
WebhookStoreFlag = Annotated[
    str | None,
    typer.Option(
        "--webhook-store",
        envvar="MAILJET_WEBHOOK_STORE",
        help="The webhook receiver's store (sqlite:///events.db or postgresql://...): adds `event` and "
        "`inbound_message` tables.",
    ),
]
SyncJsonFlag = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]
PipelinesDirFlag = Annotated[
    str | None,
    typer.Option(
        "--pipelines-dir",
        help="Where dlt keeps its local state (dlt's default: ~/.dlt/pipelines; /var/dlt/pipelines for root).",
    ),
]
AccountsFlag = Annotated[
    Path | None,
    typer.Option(
        "--accounts",
        help="Sync every account of this accounts file (TOML, see docs/deploy.md) at once, each into its own "
        "dataset; one summary row per account.",
    ),
]
AccountFlag = Annotated[
    list[str] | None, typer.Option("--account", help="With --accounts: only this account (repeatable).")
]
JobsFlag = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        min=1,
        help="With --accounts: accounts synced at once (default: all, up to 2 per CPU, at least 4).",
    ),
]

DeletionsFlag = Annotated[
    str,
    typer.Option(
        "--deletions",
        help="How often tables the API cannot filter by time (contact, listrecipient, contactslist...) are "
        "read whole, which finds deleted and edited rows: always, never, or a period (7d). In between, "
        "only rows added since are read (one call); edits and deletions wait for the next full read.",
    ),
]
ChildrenFlag = Annotated[
    bool,
    typer.Option(
        "--children",
        help="Also read the per-row children (one call per parent row: messagehistory per message, "
        "link clicks and recipient ESPs per campaign, draft and template contents), for the parent rows "
        "new or changed in this run. Off by default; naming one in --resources reads it too.",
    ),
]
PlanFlag = Annotated[
    bool,
    typer.Option(
        "--plan",
        help="Print the API calls each table will take and the time at the configured rate (default "
        "300/min), then stop: no row is read or loaded (one countOnly call per walk).",
    ),
]
CampaignFlag = Annotated[
    list[int] | None,
    typer.Option(
        "--campaign", help="Only this campaign ID (repeatable); see docs/sync.md for what it narrows."
    ),
]
ListFlag = Annotated[
    list[int] | None,
    typer.Option(
        "--list", help="Only this contacts list ID (repeatable); messages via the list's campaigns."
    ),
]
IncludeDeletedFlag = Annotated[
    bool,
    typer.Option("--include-deleted", help="Also read deleted campaigns and lists (left out by default)."),
]
IncludeDeletedCampaignsFlag = Annotated[
    bool, typer.Option("--include-deleted-campaigns", help="Also read deleted campaigns.")
]
IncludeDeletedListsFlag = Annotated[
    bool, typer.Option("--include-deleted-lists", help="Also read deleted lists and their recipients.")
]
StarredOnlyFlag = Annotated[bool, typer.Option("--starred-only", help="Only starred campaigns.")]
CampaignStatusFlag = Annotated[
    list[int] | None,
    typer.Option("--campaign-status", help="Only campaigns of this status code (repeatable)."),
]
NewsletterToolFlag = Annotated[
    bool | None,
    typer.Option(
        "--newsletter-tool/--no-newsletter-tool",
        help="Only campaigns made with the legacy newsletter tool / none of them (default: both).",
    ),
]
SegmentStatusFlag = Annotated[
    list[str] | None,
    typer.Option(
        "--segment-status",
        help=f"Only segments with this status: {', '.join(enums.CONTACTFILTER_STATUSES)} (comma list).",
    ),
]
CounterSourceFlag = Annotated[
    list[str] | None,
    typer.Option(
        "--counter-source", help=f"statcounters sources: {', '.join(enums.COUNTER_SOURCES)} (comma list)."
    ),
]
CounterTimingFlag = Annotated[
    list[str] | None,
    typer.Option(
        "--counter-timing", help=f"statcounters timings: {', '.join(enums.COUNTER_TIMINGS)} (comma list)."
    ),
]
CounterResolutionFlag = Annotated[
    list[str] | None,
    typer.Option(
        "--counter-resolution",
        help=f"statcounters resolutions: {', '.join(enums.COUNTER_RESOLUTIONS)} (comma list; default "
        "Lifetime,Day,Hour).",
    ),
]


def choose(values: list[str] | None, choices: tuple[str, ...], option: str) -> tuple[str, ...]:
    """`--opt a,b --opt c` -> the values in their catalog spelling (case-insensitive).

    Raises:
        ValueError: a value not among `choices`.
    """
    spelled = {c.lower(): c for c in choices}
    parts = [part.strip() for value in values or [] for part in value.split(",") if part.strip()]
    unknown = [p for p in parts if p.lower() not in spelled]
    if unknown:
        raise ValueError(f"{option} takes {', '.join(choices)}, not {unknown[0]!r}")
    return tuple(dict.fromkeys(spelled[p.lower()] for p in parts))


def counter_options(
    sources: list[str] | None, timings: list[str] | None, resolutions: list[str] | None
) -> dict[str, tuple[str, ...]]:
    """The statcounters options given (the sync's defaults for the others; the sync refuses a choice that
    leaves no combination the API serves).

    Raises:
        ValueError: an unknown value.
    """
    given = {
        "counter_sources": choose(sources, enums.COUNTER_SOURCES, "--counter-source"),
        "counter_timings": choose(timings, enums.COUNTER_TIMINGS, "--counter-timing"),
        "counter_resolutions": choose(resolutions, enums.COUNTER_RESOLUTIONS, "--counter-resolution"),
    }
    chosen = {name: value for name, value in given.items() if value}
    return chosen
