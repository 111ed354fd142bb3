"""`mailjet-connector emulator serve`: help, user errors (exit 2, one line) and one real start."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys

import httpx
import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.emulator.server import bind_socket

runner = CliRunner()


def serve(*args: str):
    return runner.invoke(app, ["emulator", "serve", *args])


@pytest.mark.parametrize("command", [["emulator"], ["emulator", "serve"]], ids=["group", "serve"])
def test_help_has_an_example(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "mailjet-connector emulator serve --port 8025" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "huge"], "unknown scale 'huge'"),
        (["--set", "contact"], "--set expects RESOURCE=N"),
        (["--set", "contact=-3"], "--set expects RESOURCE=N"),
        (["--set", "nosuchthing=5"], "unknown resource 'nosuchthing'"),
        (["--contacts", "-1"], "--contacts must be >= 0"),
        (["--now", "yesterday"], "--now expects an RFC 3339 timestamp"),
        (["--api-key", "only-the-key"], "--api-key and --api-secret go together"),
        (["--rate-limit", "fast"], "fast"),
        (["--faults", "lots of them"], "lots of them"),
    ],
    ids=[
        "scale",
        "set-shape",
        "set-negative",
        "set-unknown",
        "contacts",
        "now",
        "half-credentials",
        "rate",
        "faults",
    ],
)
def test_user_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = serve("--port", "0", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_port_in_use_exits_2() -> None:
    taken = bind_socket("127.0.0.1", 0)
    try:
        result = serve("--port", str(taken.getsockname()[1]))
    finally:
        taken.close()
    assert result.exit_code == 2
    assert "cannot listen on 127.0.0.1" in result.output


def test_serve_runs_until_interrupted_and_prints_credentials() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAILJET_", "MJ_"))}
    command = [sys.executable, "-m", "mailjet_connector", "emulator", "serve", "--port", "0"]
    command += ["--api-key", "cli-key", "--api-secret", "cli-secret", "--contacts", "25"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        banner = [process.stdout.readline() for _ in range(5)]
        assert banner[0].startswith("Mailjet emulator listening on http://127.0.0.1:"), banner
        url = banner[0].split()[-1]
        assert any(
            f"export MJ_APIKEY_PUBLIC=cli-key MJ_APIKEY_PRIVATE=cli-secret MAILJET_BASE_URL={url}" in line
            for line in banner
        )
        response = httpx.get(
            f"{url}/v3/REST/contact", params={"countOnly": 1}, auth=("cli-key", "cli-secret")
        )
        assert response.status_code == 200
        assert response.json()["Total"] == 25
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=20)
    assert process.returncode in (0, -signal.SIGINT, 130), errors
    assert "Traceback" not in errors


def test_serve_tls_prints_the_ca_and_serves_https_until_interrupted() -> None:
    # #18 item 10: a certificate made at start, its CA path printed with the export lines, removed on exit.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAILJET_", "MJ_"))}
    command = [sys.executable, "-m", "mailjet_connector", "emulator", "serve", "--port", "0", "--tls"]
    command += ["--plan", "test"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        banner = [process.stdout.readline() for _ in range(8)]
        assert banner[0].startswith("Mailjet emulator listening on https://127.0.0.1:"), banner
        url = banner[0].split()[-1]
        ca = next(line.split()[2] for line in banner if "CA certificate:" in line)
        assert any(
            f"export SSL_CERT_FILE={ca} REQUESTS_CA_BUNDLE={ca} NODE_EXTRA_CA_CERTS={ca}" in b for b in banner
        )
        with httpx.Client(verify=ssl.create_default_context(cafile=ca)) as client:
            response = client.get(f"{url}/_emulator/plan")
        assert response.status_code == 200 and {v["plan"] for v in response.json().values()} == {"test"}
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/_emulator/plan")  # the system roots do not trust the throwaway CA
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=20)
    assert process.returncode in (0, -signal.SIGINT, 130), errors
    assert not os.path.exists(ca)


def test_unknown_plan_is_a_usage_error() -> None:
    result = serve("--port", "0", "--plan", "gold")
    assert result.exit_code == 2 and "unknown plan 'gold'" in result.output


def test_sub_accounts_each_have_a_key_and_with_sub_data_main_the_main_accounts_counts() -> None:
    from mailjet_connector.cli.emulator import account_labels, build_state_for_cli

    state = build_state_for_cli(0, "tiny", {"contact": 25}, None, None, None, 3, True)
    keys = [key for _, key, _ in account_labels(state)]
    assert keys == ["emulator-key", "emulator-sub-key", "emulator-sub-key-2", "emulator-sub-key-3"]
    assert [len(account.table("contact")) for account in state.accounts.values()] == [25, 25, 25, 25]
    tenth = build_state_for_cli(0, "tiny", {"contact": 25}, None, None, None, 2, False)
    assert [len(account.table("contact")) for account in tenth.accounts.values()][1:] == [20, 20]
    bad = serve("--port", "0", "--sub-data", "all")
    assert bad.exit_code == 2 and "--sub-data must be tenth or main, not 'all' (see --help)" in bad.output
