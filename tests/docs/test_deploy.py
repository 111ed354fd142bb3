"""docs/deploy.md's cron line and systemd units (#21 item 5): parsed from the page and run against the emulator."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.docs.examples import ROOT

pytest.importorskip("dlt")

PAGE = (ROOT / "docs" / "deploy.md").read_text()
DOC_DIR = "/srv/mailjet"  # where the page installs things; the tests put a temp folder in its place
CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")
# Few rows: the documented commands sync every resource of every account.
OVERRIDES = {"message": 20, "openinformation": 10, "clickstatistics": 5, "bouncestatistics": 3}


def blocks(kind: str) -> list[str]:
    return re.findall(rf"^```{kind}\n(.*?)^```", PAGE, re.DOTALL | re.MULTILINE)


def cron_line() -> tuple[list[str], str]:
    (block,) = blocks("cron")
    (line,) = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    fields = line.split(None, 5)
    return fields[:5], fields[5]


def units() -> dict[str, configparser.ConfigParser]:
    found = {}
    for block in blocks("ini"):
        name = Path(block.splitlines()[0].lstrip("# ").strip()).name
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
        parser.read_string(block)
        found[name] = parser
    return found


@pytest.fixture(scope="module")
def emulator() -> Iterator[Any]:
    from mailjet_connector.emulator import start_emulator

    with start_emulator(scale="tiny", overrides=OVERRIDES) as server:
        yield server


def install(root: Path, server: Any, *, secrets_in: str) -> dict[str, str]:
    """The page's layout under `root`: `.venv/bin/mailjet-connector` and an accounts file for the emulator's two
    accounts, credentials in files (`secrets_in="file"`, cron) or in variables (`"env"`, the returned ones)."""
    (root / ".venv/bin").mkdir(parents=True)
    (root / ".venv/bin/mailjet-connector").symlink_to(Path(sys.executable).parent / "mailjet-connector")
    lines, env = [f"[defaults]\nbase_url = '{server.url}'\nrate_limit = '2000/s'\n"], {}
    for index, account in enumerate(list(server.state.accounts.values())[:2]):
        if secrets_in == "file":
            (root / f"a{index}.secret").write_text(account.api_secret + "\n")
            secret = f"file:a{index}.secret"
        else:
            env[f"A{index}_SECRET"] = account.api_secret
            secret = f"env:A{index}_SECRET"
        lines.append(f"[accounts.a{index}]\napi_key = '{account.api_key}'\napi_secret = '{secret}'\n")
    (root / "accounts.toml").write_text("\n".join(lines))
    return env


def sparse_env(home: Path) -> dict[str, str]:
    """Roughly what cron and systemd give a command: no MAILJET_* or MJ_* variables, a HOME, a short PATH."""
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def test_cron_schedule_is_valid_and_the_command_is_the_documented_one() -> None:
    fields, command = cron_line()
    assert all(CRON_FIELD.match(field) for field in fields), fields
    assert fields[0] == "*/30"
    assert command.startswith(f"cd {DOC_DIR} && .venv/bin/mailjet-connector sync --accounts accounts.toml")


@pytest.mark.slow  # a full sync of two accounts through a shell (about 20 s)
def test_cron_command_runs_and_appends_a_summary(tmp_path: Path, emulator: Any) -> None:
    root = tmp_path / "srv"
    install(root, emulator, secrets_in="file")
    _, command = cron_line()
    command = command.replace(DOC_DIR, shlex.quote(str(root)))
    (root / "sync.jsonl").write_text('{"earlier": "run"}\n')
    done = subprocess.run(
        ["/bin/sh", "-c", command], env=sparse_env(tmp_path), capture_output=True, timeout=600
    )
    assert done.returncode == 0, (root / "sync.err").read_text()
    earlier, summary = [orjson.loads(line) for line in (root / "sync.jsonl").read_text().splitlines()]
    assert earlier == {"earlier": "run"} and summary["failed"] == 0  # appended, one JSON line per run
    assert [a["account"] for a in summary["accounts"]] == ["a0", "a1"]
    assert all(a["ok"] and a["rows"] > 0 for a in summary["accounts"])
    assert (root / "a0.duckdb").exists() and (root / "a1.duckdb").exists()


def test_systemd_units_say_what_the_page_says() -> None:
    found = units()
    service, timer = found["mailjet-sync.service"], found["mailjet-sync.timer"]
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["WorkingDirectory"] == DOC_DIR
    assert service["Service"]["ExecStart"].startswith(
        f"{DOC_DIR}/.venv/bin/mailjet-connector sync --accounts "
    )
    assert timer["Timer"]["OnCalendar"] == "*:0/30" and timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_systemd_units_verify(tmp_path: Path, emulator: Any) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    root = tmp_path / "srv"
    install(root, emulator, secrets_in="env")
    for block in blocks("ini"):
        name = Path(block.splitlines()[0].lstrip("# ").strip()).name
        (tmp_path / name).write_text(block.replace(DOC_DIR, str(root)))
    (root / "credentials.env").write_text("")
    done = subprocess.run(
        [
            analyze,
            "verify",
            "--man=no",
            str(tmp_path / "mailjet-sync.service"),
            str(tmp_path / "mailjet-sync.timer"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "Unknown" not in done.stderr, done.stderr
    calendar = subprocess.run(
        [analyze, "calendar", units()["mailjet-sync.timer"]["Timer"]["OnCalendar"]], capture_output=True
    )
    assert calendar.returncode == 0


@pytest.mark.slow  # one full sync of two accounts (about 10 s)
def test_systemd_exec_start_runs_with_the_environment_file(tmp_path: Path, emulator: Any) -> None:
    service = units()["mailjet-sync.service"]["Service"]
    root = tmp_path / "srv"
    env = install(root, emulator, secrets_in="env")
    env_file = Path(service["EnvironmentFile"].lstrip("-").replace(DOC_DIR, str(root)))
    env_file.write_text("".join(f"{name}={value}\n" for name, value in env.items()))
    loaded = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    command = shlex.split(service["ExecStart"].replace(DOC_DIR, str(root)))
    cwd = service["WorkingDirectory"].replace(DOC_DIR, str(root))
    done = subprocess.run(
        command, cwd=cwd, env={**sparse_env(tmp_path), **loaded}, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary = orjson.loads(done.stdout)
    assert summary["failed"] == 0 and len(summary["accounts"]) == 2
    assert os.path.exists(root / "a0.duckdb")
