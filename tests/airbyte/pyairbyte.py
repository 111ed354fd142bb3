"""PyAirbyte in a venv of its own, built once and cached: its pins (duckdb, sqlalchemy, rich<14...) clash with
the project's lock, so it never enters it.

The venv lives in `$MAILJET_TEST_CACHE` (default `~/.cache/mailjet-connector-tests`), one per PyAirbyte
version and Python minor; a lock file keeps two test runs from building it at once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PYAIRBYTE = "airbyte==0.71.3"
INSTALL_TIMEOUT = 900


def cache_root() -> Path:
    return Path(os.environ.get("MAILJET_TEST_CACHE") or Path.home() / ".cache" / "mailjet-connector-tests")


def pyairbyte_python() -> Path:
    """The Python of the cached PyAirbyte venv (built on first use); skips when it cannot be installed."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    venv = root / f"pyairbyte-{PYAIRBYTE.split('==')[1]}-py{sys.version_info.major}{sys.version_info.minor}"
    python, done = venv / "bin" / "python", venv / ".installed"
    with open(root / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(venv, ignore_errors=True)
            _build(venv, python)
            done.write_text(PYAIRBYTE + "\n")
    return python


def _build(venv: Path, python: Path) -> None:
    base = getattr(sys, "_base_executable", sys.executable)
    steps = [[base, "-m", "venv", str(venv)]]
    uv = shutil.which("uv")
    if uv:  # always with --python: uv must install into this venv, never into the interpreter running it
        steps.append([uv, "pip", "install", "--quiet", "--python", str(python), PYAIRBYTE])
    else:
        steps.append([str(python), "-m", "pip", "install", "--quiet", PYAIRBYTE])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_"))}
    for step in steps:
        try:
            result = subprocess.run(step, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, env=env)
        except subprocess.TimeoutExpired:
            pytest.skip(f"installing {PYAIRBYTE} took over {INSTALL_TIMEOUT} s")
        if result.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            pytest.skip(f"{PYAIRBYTE} cannot be installed from this machine's package index: {tail[0][:300]}")
