"""`sync --accounts FILE` (#21 item 1): accounts concurrently, each into its own bound dataset, failures apart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest
from typer.testing import CliRunner

from mailjet_connector.accounts import load_accounts
from mailjet_connector.cli import app
from mailjet_connector.emulator.seed import DEFAULT_API_KEY, DEFAULT_API_SECRET, build_state, sub_account_keys
from mailjet_connector.emulator.server import start_emulator
from mailjet_connector.sync import SyncOptions
from mailjet_connector.sync.binding import account_identity
from mailjet_connector.sync.multi import default_jobs, sync_accounts

pytest.importorskip("dlt")

RESOURCES = "contactslist,campaign,sender"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Any]:
    """Three accounts (main and two sub-accounts, each seeded alike), each key paced by the emulator."""
    keys = [(DEFAULT_API_KEY, DEFAULT_API_SECRET), *sub_account_keys(2)]
    state = build_state(
        scale="tiny", accounts=keys, sub_counts={"contactslist": 7, "campaign": 3, "sender": 2}
    )
    # Each key may burst 2 calls, then 2/s: an account synced unpaced gets a 429 here (checked by hand: 1 of 4
    # calls), one paced at its file's 1.5/s none.
    with start_emulator(state=state, rate_limit="2/s") as server:
        yield server


def accounts_file(tmp_path: Path, server: Any, *, bad: str | None = None) -> Path:
    lines = [f"[defaults]\nbase_url = '{server.url}'\nrate_limit = '1.5/s'\n"]
    for index, account in enumerate(server.state.accounts.values()):
        name = f"acct{index}"
        secret = "env:NO_SUCH_VARIABLE" if name == bad else f"env:SECRET_{index}"
        lines.append(f"[accounts.{name}]\napi_key = '{account.api_key}'\napi_secret = '{secret}'\n")
    path = tmp_path / "accounts.toml"
    path.write_text("\n".join(lines))
    return path


def environ(server: Any) -> dict[str, str]:
    return {f"SECRET_{i}": account.api_secret for i, account in enumerate(server.state.accounts.values())}


def synced_rows(account: Any, table: str) -> int:
    """Rows a default sync loads: deleted campaigns and lists are left out (#17)."""
    rows = account.table(table)
    if "IsDeleted" not in rows.types:
        return len(rows)
    return int((~rows.column("IsDeleted")[rows.live()].astype(bool)).sum())


def table_count(path: str, table: str) -> int:
    with duckdb.connect(path, read_only=True) as db:
        return db.execute(f"select count(*) from mailjet_data.{table}").fetchone()[0]


@pytest.mark.slow  # spawns worker processes (about 10 s)
def test_cli_syncs_each_account_into_its_own_bound_dataset_and_isolates_a_failure(
    emulator, tmp_path, monkeypatch
):
    path = accounts_file(tmp_path, emulator, bad="acct1")
    for name, value in environ(emulator).items():
        monkeypatch.setenv(name, value)
    args = ["sync", "--accounts", str(path), "--resources", RESOURCES, "--pipelines-dir", str(tmp_path / "p")]
    result = CliRunner().invoke(app, [*args, "--jobs", "2", "--json"])
    assert result.exit_code == 1, result.output  # one account failed: the others still loaded
    summary = orjson.loads(result.stdout)
    runs = {run["account"]: run for run in summary["accounts"]}
    assert summary["failed"] == 1 and list(runs) == ["acct0", "acct1", "acct2"]
    assert not runs["acct1"]["ok"] and "NO_SUCH_VARIABLE is not set" in runs["acct1"]["error"]
    accounts = list(emulator.state.accounts.values())
    for name, account in (("acct0", accounts[0]), ("acct2", accounts[2])):
        run = runs[name]
        dataset = str(tmp_path / f"{name}.duckdb")
        expected = {t: synced_rows(account, t) for t in RESOURCES.split(",")}
        assert run["ok"] and run["rows"] == sum(expected.values()), run
        assert run["rate_limited"] == 0  # concurrently, each account kept under its own key's limit
        assert {t: table_count(dataset, t) for t in expected} == expected
        with duckdb.connect(dataset, read_only=True) as db:
            assert db.execute("select account_id from mailjet_data._mj_account").fetchall() == [
                (account_identity(account.api_key),)
            ]
    assert not (tmp_path / "acct1.duckdb").exists()
    for account in accounts:
        assert account.api_secret not in result.stdout


@pytest.mark.slow  # four paced syncs one after the other (about 10 s)
def test_one_job_in_process_and_a_rerun_loads_nothing_new(emulator, tmp_path):
    loaded = load_accounts(accounts_file(tmp_path, emulator)).select(["acct2", "acct0"])
    shared = SyncOptions(resources=RESOURCES.split(","), pipelines_dir=str(tmp_path / "p"))
    first = sync_accounts(loaded, environ(emulator), shared, jobs=1)
    assert [run.account for run in first] == ["acct2", "acct0"] and all(run.ok for run in first)
    again = sync_accounts(loaded, environ(emulator), shared, jobs=1)
    assert [run.totals["new"] for run in again] == [0, 0]


def test_wrong_secret_is_that_accounts_failure_only(emulator, tmp_path):
    loaded = load_accounts(accounts_file(tmp_path, emulator)).select()
    env = {**environ(emulator), "SECRET_0": "wrong"}
    runs = sync_accounts(
        loaded, env, SyncOptions(resources=["sender"], pipelines_dir=str(tmp_path / "p")), jobs=1
    )
    assert [run.ok for run in runs] == [False, True, True]
    assert runs[0].error_type == "AuthenticationError" and "wrong" not in runs[0].error


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--dataset-url", "x.duckdb"], "--dataset-url does not go with --accounts"),
        (["--api-key", "k"], "--api-key does not go with --accounts"),
        (["--emulator"], "--emulator and --accounts do not go together"),
        (["--campaign", "3"], "--campaign does not go with --accounts"),
    ],
    ids=["dataset", "key", "emulator", "campaign"],
)
def test_options_an_accounts_file_gives_per_account_are_refused(tmp_path, extra, message):
    path = tmp_path / "a.toml"
    path.write_text("[accounts.a]\napi_key = 'k'\napi_secret = 'env:S'\n")
    result = CliRunner().invoke(app, ["sync", "--accounts", str(path), *extra])
    assert result.exit_code == 2 and message in result.output


def test_account_without_accounts_file_is_refused():
    result = CliRunner().invoke(app, ["sync", "--account", "a"])
    assert result.exit_code == 2 and "add --accounts FILE" in result.output


def test_default_jobs():
    assert [default_jobs(n, cpus=2) for n in (1, 3, 4, 20)] == [1, 3, 4, 4]
    assert default_jobs(20, cpus=8) == 16


def test_summary_table_says_ok_partial_and_failed() -> None:
    from rich.console import Console

    from mailjet_connector.cli.sync_render import render_accounts

    base = {"dataset": "d", "error": "", "error_type": "", "seconds": 1.0, "rows": 5, "new": 5}
    rows = [
        {**base, "account": "a", "ok": True, "report": {"partial": False}},
        {**base, "account": "b", "ok": True, "report": {"partial": True}},
        {**base, "account": "c", "ok": False, "report": None, "error": "boom", "error_type": "SyncError"},
    ]
    console = Console(record=True, width=200)
    render_accounts(console, rows)
    text = console.export_text()
    lines = {line.split("│")[1].strip(): line for line in text.splitlines() if line.count("│") > 3}
    assert (
        " ok " in lines["a"]
        and "partial" in lines["b"]
        and "failed" in lines["c"]
        and "SyncError: boom" in lines["c"]
    )
    assert "2/3 ok" in text
