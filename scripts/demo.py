"""`make demo`: start the local Mailjet emulator, sync the whole account into ./mailjet.duckdb, query it."""

from __future__ import annotations

import argparse
import time

from rich.console import Console

from mailjet_connector.cli.sync import quiet_dlt
from mailjet_connector.cli.sync_render import ProgressBars, render_query, render_sync
from mailjet_connector.connection import EMULATOR_RATE_LIMIT
from mailjet_connector.emulator.server import start_emulator
from mailjet_connector.query import run_query
from mailjet_connector.sync import settings
from mailjet_connector.sync.pipeline import SyncOptions, run_sync

# Left out to keep the demo well under two minutes: messagehistory costs one call per message (20,000 on
# the small preset) and statcounters one walk per campaign, list and sender at three resolutions.
DEMO_EXCLUDE = ("messagehistory", "statcounters")

# Messages, opens and clicks per campaign: the question most people sync Mailjet to answer.
EXAMPLE_QUERY = """
with sent as (select campaign_id, count(*) as messages from message group by 1),
     opened as (select campaign_id, count(distinct message_id) as opened from openinformation group by 1)
select c.id as campaign, c.subject, coalesce(s.messages, 0) as messages, coalesce(o.opened, 0) as opened,
       round(100.0 * coalesce(o.opened, 0) / nullif(s.messages, 0), 1) as open_rate_pct
from campaign c
left join sent s on s.campaign_id = c.id
left join opened o on o.campaign_id = c.id
order by messages desc, campaign
limit 8
""".strip()


def run_demo(console: Console, err: Console, dataset: str, scale: str = "small") -> None:
    """Emulator (small preset) -> full sync into ./mailjet.duckdb -> summary -> one example query.

    Args:
        console / err: where the tables and the progress bars go.
        dataset: the DuckDB file to (re)create.
        scale: the emulator preset.
    """
    started = time.perf_counter()
    with start_emulator(scale=scale, seed=0) as server:
        console.print(f"[bold]Mailjet emulator[/] on {server.url} ({scale} preset, seed 0)", highlight=False)
        with ProgressBars(err) as bars, quiet_dlt():
            options = SyncOptions(
                api_key=server.api_key,
                api_secret=server.api_secret,
                base_url=server.url,
                dataset_url=dataset,
                exclude=DEMO_EXCLUDE,
                full_refresh=True,
                progress=bars.update,
                rate_limit=EMULATOR_RATE_LIMIT,
                clock=server.state.clock.now_float,
            )
            report = run_sync(options)
    render_sync(console, report.to_dict())
    console.print(
        f"Skipped for speed: {', '.join(DEMO_EXCLUDE)} (a plain `mailjet-connector sync` reads them)."
    )
    console.print("\n[bold]Example query[/] (mailjet-connector query ...):", highlight=False)
    console.print(EXAMPLE_QUERY + "\n", highlight=False, soft_wrap=True, markup=False)
    render_query(console, run_query(EXAMPLE_QUERY, dataset), "table")
    console.print(
        f"Done in {time.perf_counter() - started:.1f} s. Try: mailjet-connector query "
        '"select status, count(*) from message group by 1"',
        highlight=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset-url", default=settings.DEFAULT_DUCKDB_PATH, help="DuckDB file to write")
    parser.add_argument("--scale", default="small", help="emulator preset: tiny, small or large")
    args = parser.parse_args()
    run_demo(Console(), Console(stderr=True), args.dataset_url, args.scale)


if __name__ == "__main__":
    main()
