"""Third-party clients, unchanged, against the emulator over HTTPS: fixtures and the node-mailjet runner.

node-mailjet is installed from the npm registry into a cache folder on first use (`.cache/` at the
repository root, or `CONFORMANCE_CACHE`); its tests skip with the reason only when node or npm is missing
or the registry cannot be reached.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mailjet_connector.emulator.server import EmulatorServer, start_emulator

NODE_MAILJET = "node-mailjet@6.0.11"
ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("node_driver.js")
NOW = 1_700_000_000  # 2023-11-14T22:13:20Z


def _cache_dir() -> Path:
    return Path(os.environ.get("CONFORMANCE_CACHE") or ROOT / ".cache") / NODE_MAILJET.replace("@", "-")


@pytest.fixture(scope="session")
def node_mailjet() -> Path:
    """The node_modules folder holding node-mailjet (installed on first use)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node-mailjet conformance needs node and npm on PATH")
    target = _cache_dir()
    modules = target / "node_modules"
    if not (modules / "node-mailjet" / "package.json").exists():
        target.mkdir(parents=True, exist_ok=True)
        command = [npm, "install", "--prefix", str(target), "--no-audit", "--no-fund", "--ignore-scripts",
                   "--no-save", "--loglevel=error", NODE_MAILJET]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        except subprocess.TimeoutExpired:
            pytest.skip(f"npm could not install {NODE_MAILJET} within 300 s (registry unreachable?)")
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            pytest.skip(f"npm could not install {NODE_MAILJET} (registry unreachable?): {last}")
    return modules


def _frozen_emulator(tls: bool) -> Iterator[EmulatorServer]:
    with start_emulator(scale="tiny", now=NOW, frozen=True, tls=tls) as server:
        yield server


@pytest.fixture
def https_emulator() -> Iterator[EmulatorServer]:
    """A tiny seeded emulator served over HTTPS with a throwaway CA, frozen at NOW."""
    yield from _frozen_emulator(tls=True)


@pytest.fixture
def http_emulator() -> Iterator[EmulatorServer]:
    """The same over plain HTTP."""
    yield from _frozen_emulator(tls=False)


def run_node(modules: Path, server: EmulatorServer, calls: list[dict[str, Any]], **auth: str) -> list[dict]:
    """Replay `calls` with node-mailjet against `server`; one result per call (see node_driver.js)."""
    host = server.url.removeprefix("https://")
    payload = {"host": host, "key": auth.get("key", server.api_key), "secret": auth.get("secret", server.api_secret),
               "calls": calls}  # fmt: skip
    env = {**os.environ, "NODE_PATH": str(modules), "NODE_EXTRA_CA_CERTS": str(server.ca_path)}
    done = subprocess.run(
        ["node", str(DRIVER)], input=json.dumps(payload), capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(results) == len(calls), done.stdout
    return results
