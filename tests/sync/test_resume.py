"""A sync killed with SIGKILL at a random point, then re-run, ends with exactly the API's data."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

from mailjet_connector.sync import run_sync
from tests.sync.conftest import assert_table_matches, dataset_rows, make_options

RESOURCES = ("contact", "contactslist", "listrecipient", "message", "messagehistory", "openinformation")
SCRIPT = """
import sys, httpx
from mailjet_connector.sync import SyncOptions, run_sync
url, key, secret, db, pdir = sys.argv[1:6]
now = httpx.get(url + "/_emulator/clock").json()["now"]
run_sync(SyncOptions(key, secret, base_url=url, dataset_url=db, pipelines_dir=pdir, clock=lambda: now,
    resources=%r, page_limit=20, checkpoint_pages=2))
"""


def test_kill9_then_rerun_gives_exact_data(small_emulator, tmp_path):
    server = small_emulator
    options = make_options(server, tmp_path, resources=RESOURCES, page_limit=20, checkpoint_pages=2)
    args = [server.url, server.api_key, server.api_secret, options.dataset_url, options.pipelines_dir]
    child = subprocess.Popen([sys.executable, "-c", SCRIPT % (RESOURCES,), *args])
    # Long enough to commit some loads (imports take ~3 s), short enough to die mid-way.
    time.sleep(random.uniform(4.0, 9.0))
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, "the sync finished before the kill: nothing tested"

    report = run_sync(options)
    now = int(server.state.clock.now())
    for table in RESOURCES:
        assert_table_matches(server, options, table, now)
        rows = dataset_rows(options, table)
        assert len(rows) == len({r["_mj_key"] for r in rows.values()})
    print("resumed", report.resumed, "loads", report.loads, "calls", report.api_calls)
    assert report.loads >= 1
