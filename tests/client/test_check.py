"""`mailjet-connector check`: verdicts and exit codes, fast even when the host is unreachable."""

from __future__ import annotations

import json
import time

from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.cli.exits import EXIT_AUTH, EXIT_NETWORK, EXIT_OK, EXIT_USAGE
from mailjet_connector.config import Settings
from mailjet_connector.errors import AuthenticationError
from mailjet_connector.health import check_connection, fast_client_options

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
    settings = Settings(api_key=emulator.api_key, api_secret="not-the-secret", base_url=emulator.url)
    with settings.create_client(**fast_client_options()) as client:
        verdict = check_connection(client)
    assert isinstance(verdict.error, AuthenticationError) and "--region us" in verdict.hint
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


def test_check_exit_code_for_refused_credentials(emulator):
    result = runner.invoke(
        app, ["check", "--api-key", emulator.api_key, "--api-secret", "nope", "--base-url", emulator.url]
    )
    assert result.exit_code == EXIT_AUTH and "nope" not in result.output
