"""Every command example in README.md and docs/ is run, in document order, against the emulator (#22 item 11).

Not only looked up: each one runs in a sandbox directory holding the files the docs name (people.csv,
welcome.html, agents.toml...), with the emulator's credentials in the environment as the docs tell a reader
to set them. Ordinary commands must exit 0 without a traceback; servers must say where they listen and stop
cleanly on Ctrl-C. Placeholders are filled as a reader would fill them: `42` is the draft the page created (or
one made for it), PostgreSQL URLs a fresh database, the docs' fixed ports free ones.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mailjet_connector import Client
from mailjet_connector.agents.tokens import new_token
from mailjet_connector.cli import app
from tests.docs.examples import DOC_PORTS, NOT_RUN, Example, iter_examples
from tests.signals import sigint_default

pytestmark = pytest.mark.slow
pytest.importorskip("dlt")

EXAMPLES = list(iter_examples())
FILES = Path(__file__).parent / "sandbox"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_PLACEHOLDER = re.compile(r"postgresql://me(:pw)?@localhost/mj")
DRAFT_PLACEHOLDER = "42"


@dataclass
class Sandbox:
    """The directory, the emulator and the state a page's examples share."""

    root: Path
    server: Any
    env: dict[str, str]
    template_id: int
    drafts: dict[str, str] = field(default_factory=dict)  # page -> the draft its examples talk about
    ports: dict[str, dict[str, str]] = field(default_factory=dict)  # page -> doc port -> free port
    background: list[subprocess.Popen] = field(default_factory=list)
    databases: list[str] = field(default_factory=list)

    def port_map(self, doc: str) -> dict[str, str]:
        if doc not in self.ports:
            self.ports[doc] = {port: str(free_port()) for port in DOC_PORTS}
        return self.ports[doc]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_database() -> str:
    psycopg = pytest.importorskip("psycopg")
    name = f"mjdocs_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=2, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is not available: {str(exc).splitlines()[0]}")
    return name


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    from mailjet_connector.emulator.server import start_emulator

    root = tmp_path_factory.mktemp("docs")
    for source in FILES.iterdir():
        (root / source.name).write_bytes(source.read_bytes())
    with start_emulator(scale="tiny", seed=0) as server:
        with Client(server.api_key, server.api_secret, base_url=server.url) as client:
            template_id = int(next(iter(client.iter("template")))["ID"])
            # The examples forget this person: a reader would name someone who exists.
            client.create("contact", {"Email": "gone@example.org"})
        (root / "content.jsonl").write_text(f'{{"ID": {template_id}, "Html-part": "<p>Hi</p>"}}\n')
        tokens = {"analytics": new_token(), "ops": new_token(), "support": new_token()}
        (root / "agents.toml").write_text(policy(tokens))
        agent_call(root / "agents.toml", server, "analytics", tokens["analytics"])
        env = {
            "MJ_APIKEY_PUBLIC": server.api_key,
            "MJ_APIKEY_PRIVATE": server.api_secret,
            "MAILJET_BASE_URL": server.url,
            "MAILJET_EMULATOR_SCALE": "tiny",  # `--emulator` examples: the tiny preset keeps the run short
            "MAILJET_WEBHOOK_PORT": str(free_port()),
        }
        box = Sandbox(root, server, env, template_id)
        try:
            yield box
        finally:
            for process in box.background:
                stop(process)
            drop_databases(box.databases)


def policy(tokens: dict[str, str]) -> str:
    """agents.toml with the agents the docs name."""
    from mailjet_connector.agents.tokens import hash_token

    sections = ['[audit]\npath = "audit.jsonl"\n']
    for agent, access in (("analytics", "statistics"), ("ops", "contacts"), ("support", "contacts")):
        sections.append(
            f'[agents.{agent}]\ntoken_hash = "{hash_token(tokens[agent])}"\n\n'
            f'[agents.{agent}.access]\n{access} = "read"\n'
        )
    return "\n".join(sections)


def agent_call(policy_path: Path, server: Any, agent: str, token: str) -> None:
    """One call of an agent through the gateway (agents.md, step 3), so that the audit log has a record."""
    import asyncio

    import httpx

    from mailjet_connector.agents.gateway import create_gateway_app
    from mailjet_connector.agents.policy import load_policy

    app = create_gateway_app(load_policy(policy_path), server.url, server.api_key, server.api_secret)

    async def call() -> int:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway"
        ) as http:
            answer = await http.get("/v3/REST/statcounters", auth=(agent, token), params={
                "CounterSource": "APIKey", "CounterTiming": "Message", "CounterResolution": "Lifetime"})  # fmt: skip
            return answer.status_code

    assert asyncio.run(call()) == 200


def drop_databases(names: list[str]) -> None:
    if not names:
        return
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        for name in names:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def filled(example: Example, box: Sandbox) -> list[str]:
    """The example's words with the placeholders a reader fills in filled."""
    ports = box.port_map(example.doc)
    words = []
    for word in example.argv:
        for doc_port, port in ports.items():
            word = re.sub(rf"(?<=127\.0\.0\.1:){doc_port}\b", port, word)
        if PG_PLACEHOLDER.search(word):
            name = postgres_database()
            box.databases.append(name)
            word = PG_PLACEHOLDER.sub(PG_ADMIN.rsplit("/", 1)[0] + "/" + name, word)
        words.append(ports.get(word, word) if words and words[-1] == "--port" else word)
    if example.argv[:1] == ("campaign",) and DRAFT_PLACEHOLDER in words:
        words[words.index(DRAFT_PLACEHOLDER)] = box.drafts.get(example.doc) or new_draft(box, example.doc)
    if "--template-id" in words:
        words[words.index("--template-id") + 1] = str(box.template_id)
    if example.argv[:2] in (("campaign", "send"), ("campaign", "schedule")):
        words.append("--yes")  # they ask first; a reader answers y
    return words


def new_draft(box: Sandbox, doc: str) -> str:
    result = CliRunner().invoke(
        app, ["campaign", "create", "--list", "Newsletter", "--subject", "Docs", "--from", "news@example.com",
              "--json", "--base-url", box.server.url, "--api-key", box.server.api_key,
              "--api-secret", box.server.api_secret],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    box.drafts[doc] = str(__import__("orjson").loads(result.stdout)["ID"])
    return box.drafts[doc]


def run_command(example: Example, words: list[str], box: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    if words[0] == "sync":  # a process of its own, as a reader runs it: dlt keeps loggers across runs
        env = {**os.environ, **box.env}
        done = subprocess.run(
            [sys.executable, "-m", "mailjet_connector", *words],
            cwd=box.root, env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        code, stdout, output = done.returncode, done.stdout, done.stdout + done.stderr
    else:
        for name, value in box.env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(box.root)
        result = CliRunner().invoke(app, words)
        code, stdout, output = result.exit_code, result.stdout, result.stdout + result.stderr
    assert code == 0, f"`{example.text}` exited {code}:\n{output}"
    assert "Traceback" not in output
    if example.stdout_to:
        (box.root / example.stdout_to).write_text(stdout)
    created = re.search(r"Created campaign draft (\d+)", stdout)
    if created:
        box.drafts[example.doc] = created.group(1)


# The port a server listens on when an example gives none: the test puts a free one in its place, so that a
# server left from the previous example, or anything else on the machine, cannot make the example fail.
DEFAULT_PORTS = {("emulator", "serve"): "8025", ("webhooks", "serve"): "8026", ("agents", "gateway"): "8030"}


def run_server(example: Example, words: list[str], box: Sandbox) -> None:
    default = DEFAULT_PORTS.get(tuple(words[:2]))
    if default is not None and "--port" not in words:
        words = [*words, "--port", box.port_map(example.doc)[default]]
    command = [sys.executable, "-m", "mailjet_connector", *words]
    env = {**os.environ, **box.env, "PYTHONUNBUFFERED": "1"}
    stdin = subprocess.DEVNULL if example.mcp_stdio else None
    process = subprocess.Popen(
        command,
        cwd=box.root,
        env=env,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=sigint_default,  # stopped by Ctrl-C below, whatever shell started this run
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or []), daemon=True)
    reader.start()
    if example.mcp_stdio:  # stdio MCP: ends when its input does
        assert process.wait(timeout=120) == 0, "".join(lines)
        reader.join(5)
        assert example.ready_text in "".join(lines)
        return
    deadline = time.monotonic() + 120
    while example.ready_text not in "".join(lines) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process.poll() is None, f"`{example.text}` stopped:\n{''.join(lines)}"
    assert example.ready_text in "".join(lines), (
        f"`{example.text}` never said it was ready:\n{''.join(lines)}"
    )
    if example.background:  # the page's next examples talk to it
        box.background.append(process)
        return
    time.sleep(0.5)
    stop(process)
    reader.join(5)
    assert process.returncode == 0, f"`{example.text}` exited {process.returncode}:\n{''.join(lines)}"
    assert "Traceback" not in "".join(lines)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_every_documented_example_runs(
    example: Example, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    reason = next((why for text, why in NOT_RUN.items() if text in example.text), None)
    if reason:
        # typer detects the shell from the process tree (shellingham, not $SHELL): a run whose ancestors hold
        # no shell (a runner started from cron or systemd, a detached job) found none and failed here.
        monkeypatch.setattr("shellingham.detect_shell", lambda *args, **kwargs: ("bash", "/bin/bash"))
        words = [w.replace("--install-completion", "--show-completion") for w in example.argv]
        result = CliRunner().invoke(app, words)
        assert result.exit_code == 0, f"{shlex.join(words)}: {result.output}"
        return
    words = filled(example, sandbox)
    if example.server:
        run_server(example, words, sandbox)
    else:
        run_command(example, words, sandbox, monkeypatch)


def test_the_pages_have_examples() -> None:
    pages = {e.doc for e in EXAMPLES}
    assert {"README.md", "send.md", "webhooks.md", "agents.md", "emulator.md", "campaigns.md"} <= pages


def help_examples() -> list[tuple[tuple[str, ...], list[str]]]:
    """(command path, example words) for every example in the commands' own --help texts."""
    from tests.docs.test_readme import COMMANDS, is_group

    found = []
    for path, command in COMMANDS.items():
        if is_group(command):
            continue
        text = (command.help or "").replace("\\\n", " ")
        lines = text.splitlines()
        for index, line in enumerate(lines):
            if not line.strip().startswith("mailjet-connector "):
                continue
            while (
                index + 1 < len(lines) and lines[index + 1].startswith(" " * 8) and lines[index + 1].strip()
            ):
                index += 1  # a wrapped example continues, indented further
                line += " " + lines[index].strip()
            words = shlex.split(line.split("mailjet-connector ", 1)[1], comments=True)
            for stop in ("|", ">"):  # a pipe or a redirection ends the command
                words = words[: words.index(stop)] if stop in words else words
            found.append((path, words))
    return found


HELP_EXAMPLES = help_examples()


@pytest.mark.parametrize(("path", "words"), HELP_EXAMPLES, ids=[" ".join(w[:4]) for _, w in HELP_EXAMPLES])
def test_every_help_example_parses(path: tuple[str, ...], words: list[str]) -> None:
    """The examples in `--help` name options the command has, with values it takes (nothing is run)."""
    import typer

    from tests.docs.test_readme import COMMANDS

    assert tuple(words[: len(path)]) == path, f"{words} is not an example of {' '.join(path)}"
    args = words[len(path) :]
    command = COMMANDS[path]
    root = typer.main.get_command(app)
    with root.make_context("mailjet-connector", list(path), resilient_parsing=True) as parent:
        command.make_context(path[-1], args, parent=parent)
