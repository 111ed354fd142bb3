"""Conventions every command shares (#22 item 10, #19 items 1-2): help, version, -v/-q, connection options,
one-line errors or JSON, documented exit codes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import typer
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.cli.exits import EXIT_CODES, EXIT_USAGE
from mailjet_connector.cli.options import OPTIONS, ConnectionOptions
from tests.docs.test_readme import COMMANDS, is_group

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
LEAVES = sorted(path for path, command in COMMANDS.items() if not is_group(command))
# Commands that never talk to Mailjet: local files, the dataset, the receiver, the emulator itself.
OFFLINE = {
    ("resources",), ("query",), ("report",), ("emulator", "serve"), ("webhooks", "serve"), ("webhooks", "tail"),
    ("agents", "token"), ("agents", "audit", "verify"), ("agents", "audit", "show"), ("twoway", "status"),
}  # fmt: skip
# The Airbyte protocol's commands: the platform passes the connection in the `--config` file (its spec), not
# as options.
AIRBYTE = {("airbyte", "spec"), ("airbyte", "check"), ("airbyte", "discover"), ("airbyte", "read")}


def option_names(path: tuple[str, ...]) -> set[str]:
    return {name for param in COMMANDS[path].params for name in getattr(param, "opts", [])}


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and re.fullmatch(r"mailjet-connector \d+\.\d+\.\d+\S*\n", result.stdout)


@pytest.mark.parametrize("path", LEAVES, ids=" ".join)
def test_every_command_has_short_help_verbose_quiet_and_no_bool_metavar(path: tuple[str, ...]) -> None:
    assert {"-v", "--verbose", "-q", "--quiet"} <= option_names(path)
    result = runner.invoke(app, [*path, "-h"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output and "list[" not in result.output


@pytest.mark.parametrize("path", [p for p in LEAVES if p not in OFFLINE | AIRBYTE], ids=" ".join)
def test_every_command_that_talks_to_mailjet_takes_every_connection_option(path: tuple[str, ...]) -> None:
    # Regression (#19 item 1): `--region` existed only on `check`, yet its hint told every user to use it.
    expected = {"--" + name.replace("_", "-") for name in OPTIONS}
    assert expected <= option_names(path)


def test_the_connection_options_reach_the_client() -> None:
    conn = ConnectionOptions(
        api_key="k", api_secret="s", region="us", timeout=7.5, max_retries=2, concurrency=9, rate_limit="5/s"
    )
    with conn.client() as client:
        assert client.base_url == "https://api.us.mailjet.com"
        assert client.retry.max_retries == 2 and client.concurrency == 9
        assert client._http.timeout.read == 7.5


def test_the_environment_fills_what_the_options_leave_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MJ_APIKEY_PUBLIC", "k")
    monkeypatch.setenv("MJ_APIKEY_PRIVATE", "s")
    monkeypatch.setenv("MAILJET_REGION", "us")
    monkeypatch.setenv("MAILJET_MAX_RETRIES", "1")
    with ConnectionOptions(max_retries=3).client() as client:
        assert client.base_url == "https://api.us.mailjet.com" and client.retry.max_retries == 3


def test_no_command_builds_a_client_by_hand() -> None:
    for module in (ROOT / "mailjet_connector" / "cli").glob("*.py"):
        assert not re.search(r"\bClient\(", module.read_text()), f"{module.name} builds a Client by hand"
    assert "api.mailjet.com" not in (ROOT / "mailjet_connector" / "cli" / "agents.py").read_text()


def test_an_invalid_setting_names_the_option_and_what_it_accepts() -> None:
    # Regression (#22 item 8): pydantic's "1 validation error for Settings" reached the user.
    result = runner.invoke(
        app, ["export", "contact", "--api-key", "k", "--api-secret", "s", "--region", "mars"]
    )
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.strip().splitlines() == [
        "Error: invalid --region (or MAILJET_REGION): must be eu or us; see `mailjet-connector export --help`"
    ]


def test_a_base_url_with_the_api_version_is_refused_with_the_root_to_use() -> None:
    # Regression (#22 item 11): `.../v3` gave `500 GET /v3/v3/REST/...` and the hint "retry later".
    result = runner.invoke(
        app, ["export", "contact", "--api-key", "k", "--api-secret", "s", "--base-url", "https://x.org/v3"]
    )
    assert result.exit_code == EXIT_USAGE and "'https://x.org'" in result.stderr


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (["sync", "--emulater"], "--emulator"),
        (["export", "contct", "--emulator"], "'contact'"),
        (["sync", "--resources", "mesage", "--emulator"], "'message'"),
    ],
    ids=["option", "resource", "resources"],
)
def test_did_you_mean(args: list[str], suggestion: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_USAGE
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and suggestion in line


def test_a_known_resource_the_sync_skips_says_why() -> None:
    # Regression (#22 item 8): `sync --resources messagestate` said "unknown" though `resources` lists it.
    result = runner.invoke(app, ["sync", "--resources", "messagestate", "--emulator"])
    assert result.exit_code == EXIT_USAGE and "reference data" in result.stderr
    assert "unknown" not in result.stderr


def test_errors_are_json_with_json() -> None:
    result = runner.invoke(app, ["import", "contct", "x.csv", "--emulator", "--json"])
    error = orjson.loads(result.stdout)["error"]
    assert result.exit_code == error["exit_code"] == EXIT_USAGE
    assert error["type"] == "UnknownResourceError" and "did you mean 'contact'" in error["message"]
    usage = runner.invoke(app, ["sync", "--json", "--no-such-flag"])
    assert orjson.loads(usage.stdout)["error"]["exit_code"] == usage.exit_code == EXIT_USAGE


def test_an_out_of_range_port_is_a_usage_error() -> None:
    # Regression (#22 item 8): `emulator serve --port 99999` ended in an OverflowError traceback.
    for command in (["emulator", "serve"], ["webhooks", "serve"], ["agents", "gateway", "--policy", "p"]):
        result = runner.invoke(app, [*command, "--port", "99999"])
        assert result.exit_code == EXIT_USAGE and "--port" in result.stderr, command


def test_the_documented_exit_codes_are_the_codes() -> None:
    text = (ROOT / "docs" / "cli.md").read_text()
    table = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", text.split("## Exit codes")[1], re.MULTILINE))
    assert {int(code): meaning for code, meaning in table.items()} == EXIT_CODES


def test_every_group_has_short_help() -> None:
    root = typer.main.get_command(app)
    assert runner.invoke(app, ["-h"]).exit_code == 0
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        if is_group(command):
            assert runner.invoke(app, [name, "-h"]).exit_code == 0, name


@pytest.fixture
def failing_api() -> Iterator[tuple[str, list[str]]]:
    """A server that answers every request 503 (the way an overloaded API does), recording the paths."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[str] = []

    class Unavailable(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            body = b'{"ErrorMessage": "try later", "StatusCode": 503}'
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def test_retries_are_shown_and_max_retries_is_honoured(failing_api: tuple[str, list[str]]) -> None:
    # Regression (#22 item 7): retries were silent; (#19 item 1) --max-retries reached `check` only.
    url, seen = failing_api
    result = runner.invoke(
        app,
        ["export", "contact", "--base-url", url, "--api-key", "k", "--api-secret", "s", "--max-retries", "2"],
    )
    assert result.exit_code == 5 and len(seen) == 3
    retries = [line for line in result.stderr.splitlines() if line.startswith("retrying GET")]
    assert len(retries) >= 1 and "(attempt 1 of 2): 503 GET" in retries[0]
    assert result.stderr.splitlines()[-1].startswith("Error: the API answered 503 GET")
    quiet = runner.invoke(
        app,
        [
            "export",
            "contact",
            "--base-url",
            url,
            "--api-key",
            "k",
            "--api-secret",
            "s",
            "--max-retries",
            "1",
            "-q",
        ],
    )
    assert not [line for line in quiet.stderr.splitlines() if line.startswith("retrying")]


def test_a_refused_connection_fails_at_once() -> None:
    # Regression (#22 item 7): sync, export and import retried a refused connection for 36-74 s.
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = runner.invoke(
        app,
        [
            "export",
            "contact",
            "--base-url",
            f"http://127.0.0.1:{port}",
            "--api-key",
            "k",
            "--api-secret",
            "s",
        ],
    )
    assert result.exit_code == 4 and "Connection refused" in result.stderr
    assert "retrying" not in result.stderr  # the first refusal ends it: no retry ladder
