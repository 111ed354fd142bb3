"""One bad cell never sinks an import (#22 item 1): bad rows go to the errors file, every good row lands."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.client import Client
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from mailjet_connector.ratelimit import Pacer

runner = CliRunner()
GOOD = ["good1@cells.test", "good2@cells.test"]
# email -> (column, bad value); the tiny preset defines age:int, score:float, birthday:datetime.
BAD = {
    "month@cells.test": ("birthday", "2024-13-45"),
    "february@cells.test": ("birthday", "2024-02-30"),
    "hour@cells.test": ("birthday", "2024-01-01T25:00"),
    "huge@cells.test": ("age", "99999999999999999999999"),
    "infinite@cells.test": ("score", "inf"),
}
COMMANDS = {
    "import contact": ["import", "contact"],
    "contacts import": ["contacts", "import"],
}


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", seed=11) as running:
        yield running


def source(path: Path) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Email", "age", "score", "birthday"])
        writer.writerow([GOOD[0], "30", "1.5", "2024-01-31"])
        for email, (column, value) in BAD.items():
            cells = {"age": "1", "score": "2", "birthday": "2024-01-01", column: value}
            writer.writerow([email, cells["age"], cells["score"], cells["birthday"]])
        writer.writerow([GOOD[1], "31", "2.5", "2024-02-29T10:00:00Z"])
    return path


def run(server: EmulatorServer, command: str, tmp_path: Path, *extra: str) -> tuple[int, str, Path]:
    errors = tmp_path / "errors.csv"
    args = [*COMMANDS[command], str(source(tmp_path / "people.csv")), "--errors", str(errors), "--json"]
    connection = ["--base-url", server.url, "--api-key", server.api_key, "--api-secret", server.api_secret]
    journal = ["--journal", str(tmp_path / "journal.sqlite")]
    result = runner.invoke(app, [*args, *connection, *journal, *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.output, errors


def failed_rows(errors: Path) -> dict[str, str]:
    with errors.open(newline="") as handle:
        return {row["Email"]: row["error"] for row in csv.DictReader(handle)}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "write"])
def test_bad_cells_fail_their_rows_and_good_rows_land(
    server: EmulatorServer, command: str, dry_run: bool, tmp_path: Path
) -> None:
    code, output, errors = run(server, command, tmp_path, *(["--dry-run"] if dry_run else []))
    assert code == 1, output
    reasons = failed_rows(errors)
    assert set(reasons) == set(BAD)
    for email, (column, value) in BAD.items():
        assert f'Property "{column}"' in reasons[email] and value in reasons[email]
    assert "month must be in 1..12" in reasons["month@cells.test"]
    assert "day is out of range for month" in reasons["february@cells.test"]
    assert "64-bit" in reasons["huge@cells.test"]
    report = orjson.loads(output.strip().splitlines()[-1])
    with Client(server.api_key, server.api_secret, base_url=server.url, pacer=Pacer(1e6)) as client:
        landed = {email: client.get("contactdata", email)["Data"] for email in GOOD if not dry_run}
    if not dry_run:
        assert {e: {i["Name"]: str(i["Value"]) for i in d}["age"] for e, d in landed.items()} == {
            GOOD[0]: "30",
            GOOD[1]: "31",
        }
    planned = report["planned"] if command == "import contact" else report["plan"]
    assert (planned.get("error", planned.get("rejected"))) == len(BAD)


# A line that is no row (more cells than columns, not JSON, not an object) fails alone too.
MALFORMED = {
    "rows.csv": "Email,Name\nok1@lines.test,A\nok2@lines.test,B,EXTRA\nok3@lines.test,C\n",
    "rows.jsonl": '{"Email": "ok1@lines.test"}\nnot json\n[1]\n{"Email": "ok3@lines.test"}\n',
}
REASONS = {
    "rows.csv": ["line 3: 3 cells for 2 columns (extra: 'EXTRA')"],
    "rows.jsonl": ["line 2: bad JSON line", "line 3: expected a JSON object, got list"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_lines_fail_their_rows_and_good_rows_land(
    server: EmulatorServer, command: str, name: str, tmp_path: Path
) -> None:
    path, errors = tmp_path / name, tmp_path / "errors.csv"
    path.write_text(MALFORMED[name])
    connection = ["--base-url", server.url, "--api-key", server.api_key, "--api-secret", server.api_secret]
    journal = ["--journal", str(tmp_path / "journal.sqlite")]
    result = runner.invoke(
        app, [*COMMANDS[command], str(path), "--errors", str(errors), *connection, *journal]
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    with errors.open(newline="") as handle:
        failed = [row["error"] for row in csv.DictReader(handle)]
    assert [r[: len(want)] for r, want in zip(failed, REASONS[name], strict=True)] == REASONS[name]
    with Client(server.api_key, server.api_secret, base_url=server.url, pacer=Pacer(1e6)) as client:
        for email in ("ok1@lines.test", "ok3@lines.test"):
            assert client.get("contact", email)["Email"] == email
