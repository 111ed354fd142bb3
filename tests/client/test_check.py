"""`mailjet-connector check`: verdicts and exit codes, fast even when the host is unreachable."""

from __future__ import annotations

import json
import time

from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.health import (
    EXIT_AUTH,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_USAGE,
    check_client,
    check_connection,
)

runner = CliRunner()


def test_check_against_a_running_emulator_names_the_key(emulator):
    result = runner.invoke(
        app,
        [
            "check",
            "--api-key",
            emulator.api_key,
            "--api-secret",
            emulator.api_secret,
            "--base-url",
            emulator.url,
            "--json",
        ],
    )
    verdict = json.loads(result.stdout)
    assert result.exit_code == EXIT_OK and verdict["ok"] and verdict["key_name"]


def test_check_reports_bad_credentials_with_a_hint(emulator):
    with check_client(emulator.api_key, "not-the-secret", base_url=emulator.url) as client:
        verdict = check_connection(client)
    assert verdict.exit_code == EXIT_AUTH and "--region us" in verdict.hint
    assert "not-the-secret" not in verdict.message + verdict.hint


def test_check_gives_up_on_an_unreachable_host_quickly():
    started = time.monotonic()
    result = runner.invoke(
        app, ["check", "--api-key", "k", "--api-secret", "s", "--base-url", "http://127.0.0.1:9"]
    )
    assert result.exit_code == EXIT_NETWORK
    assert time.monotonic() - started < 10


def test_check_without_credentials_is_a_usage_error():
    result = runner.invoke(app, ["check"])
    assert result.exit_code == EXIT_USAGE and "MJ_APIKEY_PUBLIC" in result.output
