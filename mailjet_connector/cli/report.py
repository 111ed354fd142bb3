"""`mailjet-connector report`: one self-contained HTML file with charts from the synced dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer

from mailjet_connector.cli.dataset_options import DatasetName, DatasetUrl
from mailjet_connector.cli.exits import fail
from mailjet_connector.cli.sync import parse_date
from mailjet_connector.dataset import DEFAULT_DATASET

REPORT_HELP = """Write one self-contained HTML report (inline CSS and SVG charts, no network) from the synced dataset.

Sections: account overview against the previous period, daily activity, campaigns, bounces and blocks by
reason and domain, list growth, top links, devices and countries. Every number comes from SQL shown in
docs/report.md. Default period: the 30 days up to the newest synced message.

Examples:

    mailjet-connector report --output report.html

    mailjet-connector report --from 2024-05-01 --to 2024-05-31 --campaign 42 --sort open_rate -o may.html

    mailjet-connector report --dataset-url postgresql://me@localhost/mj --list 7 -o list7.html
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
) -> None:
    from mailjet_connector.report import build_report

    start, end = parse_date(date_from, "--from"), parse_date(date_to, "--to")
    if not output.parent.is_dir():
        fail(f"no such directory: {output.parent}")
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
