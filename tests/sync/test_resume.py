"""A sync killed with SIGKILL at a random point, then re-run, ends with exactly the API's data."""

from __future__ import annotations

import random
import signal
import subprocess
import sys

import pytest

from mailjet_connector.sync import run_sync
from tests.sync.conftest import assert_table_matches, dataset_rows, make_options

RESOURCES = ("contact", "contactslist", "listrecipient", "message", "messagehistory", "openinformation")
SCRIPT = """
import sys, httpx
from mailjet_connector.sync import Narrowing, SyncOptions, run_sync
url, key, secret, db, pdir = sys.argv[1:6]
now = httpx.get(url + "/_emulator/clock").json()["now"]
def progress(resource, rows):
    print(resource, rows, flush=True)
run_sync(SyncOptions(key, secret, base_url=url, dataset_url=db, pipelines_dir=pdir, clock=lambda: now,
    resources=%r, page_limit=20, checkpoint_pages=2, rate_limit="5000/s", progress=progress,
    narrowing=Narrowing(include_deleted_campaigns=True, include_deleted_lists=True)))
"""


@pytest.mark.slow
def test_kill9_then_rerun_gives_exact_data(small_emulator, tmp_path):
    server = small_emulator
    options = make_options(server, tmp_path, resources=RESOURCES, page_limit=20, checkpoint_pages=2)
    args = [server.url, server.api_key, server.api_secret, options.dataset_url, options.pipelines_dir]
    child = subprocess.Popen([sys.executable, "-c", SCRIPT % (RESOURCES,), *args], stdout=subprocess.PIPE)
    # Kill after a random number of pages: a run commits every two pages, so some loads are in by then.
    for _ in range(random.randint(8, 40)):
        assert child.stdout is not None and child.stdout.readline(), "the sync ended before the kill"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, "the sync finished before the kill: nothing tested"

    report = run_sync(options)
    now = int(server.state.clock.now())
    for table in RESOURCES:
        assert_table_matches(server, options, table, now)
        rows = dataset_rows(options, table)
        assert len(rows) == len({r["_mj_key"] for r in rows.values()})
    assert report.resumed  # the interrupted run went on where it stopped
