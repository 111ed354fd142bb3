"""kill -9 in the middle of `contacts import`, then re-run: the final state is exact (subprocess test)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.emulator import jobs
from mailjet_connector.emulator.server import EmulatorServer
from tests.contacts.conftest import KEY, SECRET, contact_properties, live_records
from tests.contacts.test_bulk import people, write_csv

ROWS, BATCH = 1_000, 50


def command(server: EmulatorServer, source: Path, journal: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "mailjet_connector",
        "contacts",
        "import",
        str(source),
        "--list",
        "News",
        "--base-url",
        server.url,
        "--api-key",
        KEY,
        "--api-secret",
        SECRET,
        "--journal",
        str(journal),
        "--batch-size",
        str(BATCH),
        "--parallel-jobs",
        "4",
        "--poll-interval",
        "0.01",
        "--json",
    ]


def test_kill_9_mid_import_then_rerun_gives_the_exact_final_state(fast_server: Any, tmp_path: Path) -> None:
    account = fast_server.state.accounts[KEY]
    rows = people(ROWS)
    args = command(fast_server, write_csv(tmp_path / "people.csv", rows), tmp_path / "journal.sqlite")
    victim = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(jobs.registry(account)) < 6 and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)  # watching a real process: there is no clock to inject here
    victim.kill()
    victim.wait()
    started = len(jobs.registry(account))
    assert 6 <= started < ROWS // BATCH, "the import was not interrupted mid-way"

    # The re-run goes in-process: a second interpreter start would only add seconds.
    rerun = CliRunner().invoke(app, args[3:])
    assert rerun.exit_code == 0, rerun.output
    report = orjson.loads(rerun.stdout)
    # Batches finished before the kill are skipped; jobs in flight are polled, not sent again.
    assert report["skipped_batches"] + len(report["resumed_jobs"]) >= started - 4
    assert len(jobs.registry(account)) <= ROWS // BATCH + 4
    contacts = live_records(account, "contact")
    assert sorted(c["Email"] for c in contacts) == sorted(r["email"] for r in rows)
    assert len(live_records(account, "listrecipient")) == ROWS
    props = contact_properties(account)
    assert props["user42@example.com"]["city"] == "Paris" and props["user42@example.com"]["age"] == "60"
