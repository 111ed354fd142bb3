"""`mailjet-connector report`: one self-contained HTML file with charts from the synced dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer

from mailjet_connector.cli.dataset_options import DatasetName, DatasetUrl
from mailjet_connector.cli.exits import fail
from mailjet_connector.cli.sync import parse_date
from mailjet_connector.dataset import DEFAULT_DATASET, EMULATOR_DUCKDB_PATH

REPORT_HELP = """Write one self-contained HTML report (inline CSS and SVG charts, no network) from the synced dataset.

Sections: account overview against the previous period, daily activity, campaigns, bounces and blocks by
reason and domain, list growth, top links, devices and countries. Every number comes from SQL shown in
docs/report.md. Default period: the 30 days up to the newest synced message.

Examples:

    mailjet-connector report --output report.html

    mailjet-connector report --from 2024-05-01 --to 2024-05-31 --campaign 42 --sort open_rate -o may.html

    mailjet-connector report --dataset-url postgresql://me@localhost/mj --list 7 -o list7.html

    mailjet-connector report --accounts accounts.toml -o accounts.html
"""


def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path("report.html"),
    dataset_url: DatasetUrl = None,
    dataset_name: DatasetName = DEFAULT_DATASET,
    date_from: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD, UTC).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, inclusive.")] = None,
    campaign: Annotated[list[int] | None, typer.Option("--campaign", help="Only this campaign ID.")] = None,
    list_: Annotated[list[int] | None, typer.Option("--list", help="Only this contacts list ID.")] = None,
    sort: Annotated[
        str, typer.Option("--sort", help="Campaign table order: processed, opened, open_rate, click_rate...")
    ] = "processed",
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    emulator: Annotated[
        bool,
        typer.Option(
            "--emulator", help=f"Read the dataset `sync --emulator` wrote (./{EMULATOR_DUCKDB_PATH})."
        ),
    ] = False,
    accounts: Annotated[
        Path | None,
        typer.Option(
            "--accounts",
            help="One report per account of this accounts file (OUTPUT-NAME.html, each from its own dataset), "
            "and OUTPUT adding them up.",
        ),
    ] = None,
    account: Annotated[
        list[str] | None,
        typer.Option(
            "--account", help="With --accounts: only this account (repeatable; one: written to OUTPUT)."
        ),
    ] = None,
) -> None:
    from mailjet_connector.report import build_report

    start, end = parse_date(date_from, "--from"), parse_date(date_to, "--to")
    if not output.parent.is_dir():
        fail(f"no such directory: {output.parent}")
    if account and accounts is None:
        fail("--account picks from an accounts file: add --accounts FILE")
    if accounts is not None:
        if emulator or dataset_url is not None or dataset_name != DEFAULT_DATASET:
            fail(
                "--accounts gives each account its dataset: leave out --dataset-url, --dataset-name, --emulator"
            )
        shared = {
            "date_from": start.date() if start else None,
            "date_to": end.date() if end else None,
            "campaigns": tuple(campaign or ()),
            "lists": tuple(list_ or ()),
            "sort": sort,
        }
        report_accounts(accounts, account or [], output, shared, as_json)
        return
    if emulator and dataset_url is None:
        dataset_url = EMULATOR_DUCKDB_PATH
    summary = build_report(
        dataset_url,
        date_from=start.date() if start else None,
        date_to=end.date() if end else None,
        campaigns=tuple(campaign or ()),
        lists=tuple(list_ or ()),
        output=output,
        dataset=dataset_name,
        sort=sort,
    )
    data = {
        "output": str(summary.output),
        "from": summary.params.date_from.isoformat(),
        "to": summary.params.date_to.isoformat(),
        "bytes": summary.bytes,
        "sources": summary.sources,
        "totals": summary.totals,
    }
    if as_json:
        typer.echo(orjson.dumps(data).decode())
    else:
        typer.echo(f"Wrote {summary.output} ({summary.bytes:,} bytes), {data['from']} to {data['to']}.")


report.__doc__ = REPORT_HELP


def report_accounts(path: Path, names: list[str], output: Path, shared: dict, as_json: bool) -> None:
    """Reports of the accounts file's accounts; with one --account, its report is OUTPUT itself."""
    from mailjet_connector.accounts import load_accounts
    from mailjet_connector.cli.exits import EXIT_ROWS_FAILED
    from mailjet_connector.report import build_report
    from mailjet_connector.report.accounts import build_account_reports, combined_totals, write_combined

    chosen = load_accounts(path).select(names)
    if len(names) == 1:
        only = chosen[0]
        summary = build_report(only.dataset_url, dataset=only.dataset_name, output=output, **shared)
        typer.echo(f"Wrote {summary.output} ({summary.bytes:,} bytes) for account {only.name}.")
        return
    reports = build_account_reports(chosen, output, **shared)
    size = write_combined(output, reports)
    data = {
        "output": str(output),
        "bytes": size,
        "accounts": [r.to_dict() for r in reports],
        "totals": combined_totals(reports),
        "failed": sum(not r.ok for r in reports),
    }
    if as_json:
        typer.echo(orjson.dumps(data).decode())
    else:
        for r in reports:
            line = f"{r.output} ({r.date_from} to {r.date_to})" if r.ok else f"no report: {r.error}"
            typer.echo(f"{r.account}: {line}")
        typer.echo(
            f"Wrote {output} ({size:,} bytes): {len(reports) - data['failed']} of {len(reports)} accounts."
        )
    if data["failed"]:
        raise typer.Exit(EXIT_ROWS_FAILED)
