"""A sync talks to nothing but the API and prints no dlt log lines unless -v (issue 17, items 8 and 11).

Run as a user would: the CLI in a fresh process (dlt's runtime starts once per process, which is what hid the
bug), with every host name it resolves recorded by a wrapper around `socket.getaddrinfo`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # two CLI syncs in fresh processes, ~10 s each

# contactdata and template are among the resources dlt warned about (arrow vs dlt column hints).
RESOURCES = "campaign,contactdata,template"
RECORDER = """
import json, socket, sys, atexit
seen = []
real = socket.getaddrinfo
def record(host, *args, **kwargs):
    seen.append(host)
    return real(host, *args, **kwargs)
socket.getaddrinfo = record
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(seen)))
from mailjet_connector.cli import app
sys.argv[0] = "mailjet-connector"
app()
"""


def run_sync(tmp_path: Path, *flags: str) -> tuple[list[str], subprocess.CompletedProcess[str]]:
    hosts = tmp_path / "hosts.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNTIME__", "DLT_"))}
    env.update({"HOME": str(tmp_path), "NO_COLOR": "1"})
    args = [
        sys.executable,
        "-c",
        RECORDER,
        str(hosts),
        "sync",
        *flags,
        "--emulator",
        "--resources",
        RESOURCES,
    ]
    args += ["--dataset-url", str(tmp_path / "d.duckdb"), "--pipelines-dir", str(tmp_path / "p"), "--json"]
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(hosts.read_text()), done


@pytest.fixture(scope="module")
def quiet_run(tmp_path_factory: Any) -> tuple[list[str], subprocess.CompletedProcess[str]]:
    return run_sync(tmp_path_factory.mktemp("quiet"))


def test_sync_resolves_only_the_api_host(quiet_run: Any) -> None:
    hosts, _ = quiet_run
    assert hosts, "the recorder saw no lookup at all: it is not wired in"
    assert set(hosts) == {"127.0.0.1"}  # the emulator; dlt's telemetry host would show here


def test_sync_prints_no_dlt_log_lines(quiet_run: Any) -> None:
    _, done = quiet_run
    assert json.loads(done.stdout)  # the report is there
    assert "|dlt|" not in done.stderr and "WARNING" not in done.stderr, done.stderr[-2000:]


def test_verbose_sync_shows_dlt_log_lines(tmp_path: Path) -> None:
    """-v is the way to see them (and the proof that the quiet run above hides lines that exist)."""
    _, done = run_sync(tmp_path, "-v")
    assert "|dlt|" in done.stderr
