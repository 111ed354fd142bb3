"""Install each extra alone into a fresh venv (uv, from the lock) and run its smoke commands (#19 item 6).

Run from the repository root (CI runs it from `.ci/run`):

    python3 scripts/extras_smoke.py                 # every extra, core (no extra) first
    python3 scripts/extras_smoke.py sync webhooks   # only these
    python3 scripts/extras_smoke.py --json          # one JSON object per line
    python3 scripts/extras_smoke.py --repo /tmp/old # another checkout's pyproject.toml and uv.lock

Each venv gets the project and exactly one extra (`uv sync --frozen --no-dev --extra NAME`), so an import
the extra does not declare fails here. Commands that need an API talk to an emulator this script serves
from its own environment (the dev venv), the way a user's sync talks to Mailjet. A venv is reused between
runs (`--venvs DIR`, default /tmp/mailjet-connector-extras); `uv sync` makes it exact again each time.

Exit code: 0 when every extra passed, 1 otherwise (each failure shows the command and its output).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
UV = [shutil.which("uv")] if shutil.which("uv") else [sys.executable, "-m", "uv"]


class SmokeError(Exception):
    """A smoke command failed; the message holds the command and its output."""


@dataclass
class Venv:
    """One extra's environment and the helpers its smoke commands use."""

    extra: str
    path: Path
    work: Path
    api: Any  # the served emulator: .url, .api_key, .api_secret

    def run(
        self,
        *args: str,
        expect: int = 0,
        stdin: str | None = None,
        timeout: float = 180,
        env: dict[str, str] | None = None,
    ) -> str:
        """Run a program of the venv (`mailjet-connector`, `python`, `dagster`) and return its stdout."""
        program = str(self.path / "bin" / args[0])
        done = subprocess.run(
            [program, *args[1:]], capture_output=True, text=True, input=stdin, timeout=timeout, cwd=self.work,
            env={**os.environ, "PYTHONWARNINGS": "ignore", "VIRTUAL_ENV": str(self.path), **(env or {})},
        )  # fmt: skip
        if done.returncode != expect:
            raise SmokeError(
                f"{' '.join(args)} exited {done.returncode} (expected {expect})\n{done.stdout}{done.stderr}"
            )
        return done.stdout

    def connection(self) -> list[str]:
        return [
            "--base-url",
            self.api.url,
            "--api-key",
            self.api.api_key,
            "--api-secret",
            self.api.api_secret,
        ]

    def absent(self, *modules: str) -> None:
        """Check that this venv does not hold modules another extra brings (it really is alone)."""
        code = f"import importlib.util as u; print([m for m in {modules!r} if u.find_spec(m)])"
        found = self.run("python", "-c", code).strip()
        if found != "[]":
            raise SmokeError(f"the {self.extra} venv holds {found}: not installed alone")


@contextmanager
def serving(venv: Venv, *args: str) -> Iterator[int]:
    """Run a server command of the venv on a free loopback port until the block ends; yields the port."""
    port = free_port()
    command = [str(venv.path / "bin" / args[0]), *args[1:], "--port", str(port)]
    process = subprocess.Popen(
        command, cwd=venv.work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        wait_for_port(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SmokeError(f"{' '.join(map(str, process.args))} stopped:\n{process.stdout.read()}")  # type: ignore[union-attr]
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SmokeError(f"nothing listens on port {port} after {timeout:g} s")


def smoke_core(venv: Venv) -> None:
    venv.absent("numpy", "starlette", "uvicorn", "dlt", "duckdb", "mcp")
    venv.run("python", "-c", "import mailjet_connector as m, mailjet_connector.catalog; m.Client")
    assert "contactslist" in venv.run("mailjet-connector", "resources")
    venv.run("mailjet-connector", "check", *venv.connection())
    (venv.work / "lists.csv").write_text("Name\nSmoke list\n")
    plan = venv.run("mailjet-connector", "import", "contactslist", "lists.csv", "--key", "Name", "--dry-run",
                    "--json", "--journal", "journal.sqlite", *venv.connection())  # fmt: skip
    assert json.loads(plan)["planned"]["create"] == 1
    hint = venv.run("mailjet-connector", "query", "--live", "select 1", *venv.connection(), expect=2)
    assert not hint, hint  # the one-line install hint goes to stderr


def smoke_emulator(venv: Venv) -> None:
    venv.absent("dlt", "duckdb", "mcp", "psycopg")
    venv.run("mailjet-connector", "check", "--emulator")
    assert (
        venv.run("mailjet-connector", "export", "contactslist", "--format", "csv", "--emulator").count("\n")
        > 1
    )


def smoke_sync(venv: Venv) -> None:
    venv.absent("starlette", "uvicorn", "mcp")
    dataset = str(venv.work / "smoke.duckdb")
    venv.run("mailjet-connector", "sync", "--resources", "contactslist", "--dataset-url", dataset,
             "--pipelines-dir", str(venv.work / "pipelines"), *venv.connection())  # fmt: skip
    out = venv.run("mailjet-connector", "query", "select count(*) as n from contactslist", "--dataset-url",
                   dataset, "--format", "csv")  # fmt: skip
    assert int(out.splitlines()[1]) > 0, out
    live = venv.run("mailjet-connector", "query", "--live", "select count(*) as n from contactslist where not is_deleted",
                    "--format", "csv", *venv.connection())  # fmt: skip
    assert int(live.splitlines()[1]) > 0, live


def smoke_agents(venv: Venv) -> None:
    venv.absent("numpy", "dlt", "duckdb")
    printed = venv.run("mailjet-connector", "agents", "token")
    token = printed.splitlines()[0].rsplit(" ", 1)[1]
    digest = printed.split('token_hash = "', 1)[1].split('"', 1)[0]
    policy = venv.work / "agents.toml"
    policy.write_text(f'[agents.smoke]\ntoken_hash = "{digest}"\n[agents.smoke.access]\nlists = "read"\n')
    venv.run("python", "-c", "import mailjet_connector.agents.mcp_server")
    with serving(
        venv, "mailjet-connector", "agents", "gateway", "--policy", str(policy), *venv.connection()
    ) as port:
        url = f"http://127.0.0.1:{port}/v3/REST/contactslist"
        code = f"import httpx; print(httpx.get({url!r}, auth=('smoke', {token!r})).status_code)"
        assert venv.run("python", "-c", code).strip() == "200"


def smoke_webhooks(venv: Venv) -> None:
    venv.absent("numpy", "dlt", "duckdb", "mcp")
    store = f"sqlite:///{venv.work / 'events.db'}"
    with serving(
        venv, "mailjet-connector", "webhooks", "serve", "--store", store, "--allow-anonymous"
    ) as port:
        event = {"event": "sent", "time": 1700000000, "MessageID": 1, "email": "smoke@example.org"}
        code = (
            f"import httpx; print(httpx.post('http://127.0.0.1:{port}/events', json={event!r}).status_code)"
        )
        assert venv.run("python", "-c", code).strip() == "200"
    venv.run("python", "-c", "import psycopg")
    tail = venv.run("mailjet-connector", "webhooks", "tail", "--store", store, "--from-start", "--no-follow")
    assert "smoke@example.org" in tail, tail


def smoke_airbyte(venv: Venv) -> None:
    venv.absent("starlette", "uvicorn", "mcp", "dagster")
    assert '"type":"SPEC"' in venv.run("mailjet-connector", "airbyte", "spec")
    config = venv.work / "airbyte-config.json"
    config.write_text(json.dumps({"api_key": venv.api.api_key, "api_key_secret": venv.api.api_secret,
                                  "base_url": venv.api.url}))  # fmt: skip
    assert '"SUCCEEDED"' in venv.run("mailjet-connector", "airbyte", "check", "--config", str(config))
    discovered = json.loads(venv.run("mailjet-connector", "airbyte", "discover", "--config", str(config)))
    (stream,) = [s for s in discovered["catalog"]["streams"] if s["name"] == "contactslist"]
    catalog = venv.work / "catalog.json"
    catalog.write_text(json.dumps({"streams": [
        {"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}))  # fmt: skip
    out = venv.run("mailjet-connector", "airbyte", "read", "--config", str(config), "--catalog", str(catalog))
    assert '"type":"RECORD"' in out, out[-500:]


def smoke_dagster(venv: Venv) -> None:
    venv.absent("starlette", "uvicorn", "mcp", "airbyte_protocol")
    accounts = venv.work / "accounts.toml"
    accounts.write_text(f"[accounts.main]\nbase_url = '{venv.api.url}'\napi_key = '{venv.api.api_key}'\n"
                        "api_secret = 'env:SMOKE_SECRET'\n")  # fmt: skip
    (venv.work / "dagster_home").mkdir(exist_ok=True)
    env = {"MAILJET_ACCOUNTS": str(accounts), "DAGSTER_HOME": str(venv.work / "dagster_home"),
           "SMOKE_SECRET": venv.api.api_secret}  # fmt: skip
    location = ["-m", "mailjet_connector.dagster.definitions"]
    venv.run("dagster", "definitions", "validate", *location, env=env, timeout=300)
    venv.run("dagster", "asset", "materialize", *location, "--select", "mailjet/contactslist",
             "--partition", "main", env=env, timeout=300)  # fmt: skip
    code = "import duckdb; print(duckdb.connect('main.duckdb').execute('select count(*) from mailjet_data.contactslist').fetchone()[0])"
    assert int(venv.run("python", "-c", code).strip()) > 0


SMOKES: dict[str, Callable[[Venv], None]] = {
    "core": smoke_core,
    "emulator": smoke_emulator,
    "sync": smoke_sync,
    "agents": smoke_agents,
    "webhooks": smoke_webhooks,
    "airbyte": smoke_airbyte,
    "dagster": smoke_dagster,
}


def install(extra: str, path: Path, repo: Path = ROOT) -> None:
    """The project in `repo` with exactly one extra (none for "core"), from its uv.lock, into `path`."""
    command = [*UV, "sync", "--frozen", "--no-dev", "--quiet"]
    if extra != "core":
        command += ["--extra", extra]
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(path)}
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env, timeout=900)
    if done.returncode:
        raise SmokeError(f"uv sync --extra {extra} failed:\n{done.stdout}{done.stderr}")


def run_one(extra: str, venvs: Path, api: Any, repo: Path = ROOT) -> dict[str, Any]:
    started = time.monotonic()
    path = venvs / extra
    with tempfile.TemporaryDirectory(prefix=f"smoke-{extra}-") as work:
        try:
            install(extra, path, repo)
            SMOKES[extra](Venv(extra, path, Path(work), api))
            result, detail = "ok", ""
        except (SmokeError, AssertionError, subprocess.TimeoutExpired) as exc:
            result, detail = "FAILED", str(exc) or type(exc).__name__
    return {
        "extra": extra,
        "seconds": round(time.monotonic() - started, 1),
        "result": result,
        "detail": detail,
    }


def run_all(
    extras: list[str] | None = None, venvs: Path = Path("/tmp/mailjet-connector-extras"), repo: Path = ROOT
) -> list[dict]:
    """Smoke every extra (or those named); the emulator they call is served from this interpreter."""
    from mailjet_connector.emulator.server import start_emulator

    venvs.mkdir(parents=True, exist_ok=True)
    with start_emulator(scale="tiny", seed=0) as api:
        return [run_one(extra, venvs, api, repo) for extra in extras or list(SMOKES)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extras", nargs="*", help=f"extras to smoke, of {', '.join(SMOKES)} (default: all)")
    parser.add_argument("--venvs", type=Path, default=Path("/tmp/mailjet-connector-extras"))
    parser.add_argument("--json", action="store_true", help="print one JSON object per extra")
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout to install (default: this one)")
    args = parser.parse_args()
    unknown = [e for e in args.extras if e not in SMOKES]
    if unknown:
        parser.error(f"unknown extra(s) {', '.join(unknown)}: use {', '.join(SMOKES)}")
    failed = False
    for row in run_all(args.extras or None, args.venvs, args.repo.resolve()):
        failed |= row["result"] != "ok"
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(f"{row['extra']:<9} {row['result']:<6} {row['seconds']:>6} s", flush=True)
            if row["detail"]:
                print("   " + row["detail"].replace("\n", "\n   "), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
