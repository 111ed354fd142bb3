"""`mailjet-connector import`: dry-run table, errors file, exit codes, and a kill -9 mid-import then re-run."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.client import Client
from mailjet_connector.emulator.server import start_emulator
from mailjet_connector.ratelimit import Pacer

runner = CliRunner()


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_dry_run_prints_counts_and_first_writes(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "lists.csv", ["Name"], [["Newsletter"], ["Fresh"]])
    journal = str(tmp_path / "j.sqlite")
    args = [
        "import",
        "contactslist",
        str(source),
        "--key",
        "Name",
        "--dry-run",
        "--emulator",
        "--journal",
        journal,
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "create" in result.output and "unchanged" in result.output
    assert '{"Name":"Fresh"}' in result.output


def test_failed_rows_go_to_the_errors_file_and_exit_1(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "lists.csv", ["Name"], [["Newsletter"], ["Fresh"]])
    errors = tmp_path / "errors.csv"
    args = ["import", "contactslist", str(source), "--mode", "insert", "--errors", str(errors), "--emulator"]
    result = runner.invoke(app, [*args, "--journal", str(tmp_path / "j.sqlite"), "--json"])
    assert result.exit_code == 1, result.output
    assert '"failed":1' in result.output
    with errors.open() as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["Name"] == "Newsletter" and "already exists" in rows[0]["error"]


def test_usage_problems_exit_2(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "c.csv", ["Email", "favourite"], [["a@b.co", "x"]])
    journal = ["--journal", str(tmp_path / "j.sqlite")]
    unknown = runner.invoke(app, ["import", "contact", str(source), "--emulator", *journal])
    assert unknown.exit_code == 2 and "unknown column(s) for contact: favourite" in unknown.output
    missing = runner.invoke(app, ["import", "contact", str(tmp_path / "none.csv"), "--emulator", *journal])
    assert missing.exit_code == 2 and "no such file" in missing.output
    bad_mode = runner.invoke(app, ["import", "contact", str(source), "--mode", "merge", *journal])
    assert bad_mode.exit_code == 2 and "--mode must be" in bad_mode.output
    no_delete = runner.invoke(
        app, ["import", "contact", str(source), "--mode", "delete", "--emulator", *journal]
    )
    assert no_delete.exit_code == 2 and "contacts forget" in no_delete.output


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab")])
@pytest.mark.parametrize(
    "command", [["import", "contact"], ["import", "contact", "--mode", "insert"], ["contacts", "import"]]
)
def test_a_file_separated_by_another_delimiter_gets_a_hint(
    tmp_path: Path, delimiter: str, name: str, command: list[str]
) -> None:
    source = tmp_path / "c.csv"
    source.write_text(f"Email{delimiter}Name\na@b.co{delimiter}A\n")
    journal = ["--journal", str(tmp_path / "j.sqlite")]
    result = runner.invoke(app, [*command, str(source), "--dry-run", "--emulator", *journal])
    assert result.exit_code == 2, result.output
    assert f"holds a {name}: is the file {name}-separated?" in result.output


@pytest.mark.slow
def test_kill_9_mid_import_then_rerun_gives_the_exact_state(tmp_path: Path) -> None:
    count = 1500
    rows = [[f"kill-{i}@example.org", f"K{i}", str(i % 90)] for i in range(count)]
    source = write_csv(tmp_path / "contacts.csv", ["Email", "Name", "age"], rows)
    journal_path = tmp_path / "journal.sqlite"
    with start_emulator(scale="tiny", seed=9) as server:
        env = {
            **os.environ,
            "MJ_APIKEY_PUBLIC": server.api_key,
            "MJ_APIKEY_PRIVATE": server.api_secret,
            "MAILJET_BASE_URL": server.url,
        }
        with Client(server.api_key, server.api_secret, base_url=server.url, pacer=Pacer(1e6)) as client:
            list_id = client.create("contactslist", {"Name": "Killed"})["ID"]  # type: ignore[index]
            command = [sys.executable, "-m", "mailjet_connector", "import", "contact", str(source)]
            command += ["--list", "Killed", "--journal", str(journal_path), "--json"]
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                _wait_for_writes_in_flight(journal_path, process)
            finally:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
            assert process.returncode == -signal.SIGKILL
            server.state.clock.advance(60)  # let the interrupted job finish on the emulator clock
            rerun = subprocess.run(command, env=env, capture_output=True, timeout=120, check=False)
            assert rerun.returncode == 0, rerun.stderr.decode()
            contacts = {c["Email"]: c for c in client.iter("contact") if c["Email"].startswith("kill-")}
            assert len(contacts) == count and contacts["kill-5@example.org"]["Name"] == "K5"
            subscribed = {r["ContactID"] for r in client.iter("listrecipient", {"ContactsList": list_id})}
            assert subscribed == {c["ID"] for c in contacts.values()}
            ages = {d["ID"]: {i["Name"]: i["Value"] for i in d["Data"]} for d in client.iter("contactdata")}
            assert all(str(ages[c["ID"]]["age"]) == str(int(c["Name"][1:]) % 90) for c in contacts.values())


def _wait_for_writes_in_flight(journal_path: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the import ended before it could be killed"
        if journal_path.exists() and _pending(journal_path):
            return
        time.sleep(0.02)
    raise AssertionError("the import never started writing")


def _pending(journal_path: Path) -> int:
    try:
        with closing(sqlite3.connect(journal_path)) as conn:
            return conn.execute("select count(*) from entry where status = 'pending'").fetchone()[0]
    except sqlite3.OperationalError:  # the file exists but its schema is not written yet
        return 0
