"""Ctrl-C (#22 item 10): one line saying how to resume, exit 130, and `"resumed": true` in the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from mailjet_connector import Client
from mailjet_connector.cli.exits import EXIT_INTERRUPTED, RESUME_HINT
from tests.signals import sigint_default

ROWS = 60


def lists_named(server: Any, prefix: str) -> int:
    """Lists whose name starts with `prefix`, as the API shows them."""
    with Client(server.api_key, server.api_secret, base_url=server.url) as client:
        return sum(1 for row in client.iter("contactslist") if str(row.get("Name", "")).startswith(prefix))


def command(server: Any, source: Path, journal: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "mailjet_connector", "import", "contactslist", str(source), "--mode", "upsert",
        "--key", "Name", "--journal", str(journal), "--json", "--base-url", server.url,
        "--api-key", server.api_key, "--api-secret", server.api_secret, *extra,
    ]  # fmt: skip


def test_an_interrupted_import_says_how_to_resume_and_the_next_run_resumes(
    emulator: Any, tmp_path: Path
) -> None:
    source = tmp_path / "lists.csv"
    source.write_text("Name\n" + "".join(f"ctrlc-{n:03d}\n" for n in range(ROWS)))
    journal = tmp_path / "journal.sqlite"
    slow = command(emulator, source, journal, "--rate-limit", "10/s", "--concurrency", "1")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        slow, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, preexec_fn=sigint_default
    )
    try:
        deadline = time.monotonic() + 120
        while lists_named(emulator, "ctrlc-") < 5 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == EXIT_INTERRUPTED, stderr
    assert stderr.strip().splitlines()[-1] == f"interrupted; {RESUME_HINT}"
    assert "Traceback" not in stderr
    assert orjson.loads(stdout)["error"]["exit_code"] == EXIT_INTERRUPTED  # --json: said on stdout too
    written = lists_named(emulator, "ctrlc-")
    assert 0 < written < ROWS

    again = subprocess.run(
        command(emulator, source, journal), capture_output=True, text=True, env=env, timeout=120
    )
    assert again.returncode == 0, again.stderr
    report = orjson.loads(again.stdout)
    assert report["resumed"] is True
    assert lists_named(emulator, "ctrlc-") == ROWS  # every row landed exactly once


def test_an_interrupted_sync_is_one_line(emulator: Any, tmp_path: Path) -> None:
    dataset = tmp_path / "mj.duckdb"
    sync = [
        sys.executable, "-m", "mailjet_connector", "sync", "--dataset-url", str(dataset),
        "--pipelines-dir", str(tmp_path / "pipelines"), "--rate-limit", "2/s", "--base-url", emulator.url,
        "--api-key", emulator.api_key, "--api-secret", emulator.api_secret,
    ]  # fmt: skip
    process = subprocess.Popen(
        sync, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=sigint_default
    )
    try:
        deadline = time.monotonic() + 120
        while not dataset.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)  # the sync holds the dataset file once it has started reading
        assert process.poll() is None, process.communicate()
        time.sleep(1)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == EXIT_INTERRUPTED, stderr
    assert stderr.strip().splitlines() == [f"interrupted; {RESUME_HINT}"]
