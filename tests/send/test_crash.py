"""kill -9 in the middle of a mail merge, then the same command again: every row gets exactly one message."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from mailjet_connector.emulator.server import start_emulator

ROWS = 1000
pytestmark = pytest.mark.timeout(180)


def write_people(path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "first"])
        writer.writerows([f"c{i}@crash.example", f"N{i}"] for i in range(ROWS))


def command(source: Path, tmp: Path, url: str) -> list[str]:
    return [
        sys.executable, "-m", "mailjet_connector", "send", str(source),
        "--from", "news@example.com", "--subject", "Hi {{var:first}}", "--text", str(tmp / "body.txt"),
        "--base-url", url, "--journal", str(tmp / "journal.sqlite"), "--results", str(tmp / "results.csv"),
    ]  # fmt: skip


def test_kill_9_then_rerun_sends_nobody_twice(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    write_people(source)
    (tmp_path / "body.txt").write_text("Hello {{var:first}}")
    # Every call waits a little before Mailjet processes it, so the kill lands mid-run, often mid-call.
    with start_emulator(scale="tiny", seed=0, faults="slow:1.0:0.05") as server:
        env = {**os.environ, "MJ_APIKEY_PUBLIC": server.api_key, "MJ_APIKEY_PRIVATE": server.api_secret}
        account = server.state.accounts[server.api_key]
        sent = account.extra.setdefault("sent_messages", [])
        before = len(sent)
        first = subprocess.Popen(command(source, tmp_path, server.url), env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while len(sent) - before < 300 and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert first.returncode == -signal.SIGKILL, "the first run finished before it could be killed"
        partial = len(sent) - before
        assert 0 < partial < ROWS
        again = subprocess.run(command(source, tmp_path, server.url), env=env, capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
        content = account.extra["sent_content"]
        custom_ids = Counter(content[m]["CustomID"] for m in sent[before:])
        assert len(custom_ids) == ROWS
        assert set(custom_ids.values()) == {1}
        texts = {content[m]["Recipient"]["Email"]: content[m]["TextPart"] for m in sent[before:]}
        assert all(texts[f"c{i}@crash.example"] == f"Hello N{i}" for i in range(ROWS))
    with (tmp_path / "results.csv").open() as handle:
        results = list(csv.DictReader(handle))
    assert len(results) == ROWS and {r["status"] for r in results} == {"sent"}
    assert len({r["message_id"] for r in results}) == ROWS
