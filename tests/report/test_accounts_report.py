"""`report --accounts FILE` (#21 item 1): one report per account from its own dataset, and their sum."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from mailjet_connector.accounts import load_accounts
from mailjet_connector.cli import app
from mailjet_connector.emulator import start_emulator
from mailjet_connector.report import build_report
from mailjet_connector.sync import SyncOptions
from mailjet_connector.sync.multi import sync_accounts

pytest.importorskip("dlt")

RESOURCES = ["campaign", "message", "openinformation", "clickstatistics", "bouncestatistics", "contactslist"]


@pytest.mark.slow  # two syncs and three reports (about 10 s)
def test_report_per_account_and_combined(tmp_path: Path) -> None:
    with start_emulator(scale="tiny") as server:
        main, sub = list(server.state.accounts.values())[:2]
        (tmp_path / "accounts.toml").write_text(
            f"[defaults]\nbase_url = '{server.url}'\nrate_limit = '2000/s'\n"
            f"[accounts.main]\napi_key = '{main.api_key}'\napi_secret = 'env:MAIN'\n"
            f"[accounts.sub]\napi_key = '{sub.api_key}'\napi_secret = 'env:SUB'\n"
            f"[accounts.never]\napi_key = 'none'\napi_secret = 'env:NONE'\n"
        )
        loaded = load_accounts(tmp_path / "accounts.toml")
        env = {"MAIN": main.api_secret, "SUB": sub.api_secret}
        shared = SyncOptions(resources=RESOURCES, pipelines_dir=str(tmp_path / "p"))
        runs = sync_accounts(loaded.select(["main", "sub"]), env, shared, jobs=1)
        assert all(run.ok for run in runs), [run.error for run in runs]
    alone = {
        name: build_report(str(tmp_path / f"{name}.duckdb"), output=tmp_path / f"{name}-alone.html").totals
        for name in ("main", "sub")
    }
    assert alone["main"] != alone["sub"]
    output = tmp_path / "accounts.html"
    result = CliRunner().invoke(
        app, ["report", "--accounts", str(tmp_path / "accounts.toml"), "-o", str(output), "--json"]
    )
    assert result.exit_code == 1, (
        result.output
    )  # `never` has no dataset: listed as failed, the others written
    data = orjson.loads(result.stdout)
    by_name = {entry["account"]: entry for entry in data["accounts"]}
    assert by_name["main"]["totals"] == alone["main"] and by_name["sub"]["totals"] == alone["sub"]
    assert not by_name["never"]["ok"] and "never.duckdb" in by_name["never"]["error"]
    assert data["totals"] == {k: alone["main"][k] + alone["sub"][k] for k in alone["main"]}
    page = output.read_text()
    assert 'href="accounts-main.html"' in page and "no report" in page
    assert (tmp_path / "accounts-sub.html").exists()
    one = CliRunner().invoke(
        app,
        [
            "report",
            "--accounts",
            str(tmp_path / "accounts.toml"),
            "--account",
            "sub",
            "-o",
            str(tmp_path / "s.html"),
        ],
    )
    assert one.exit_code == 0 and "for account sub" in one.output
