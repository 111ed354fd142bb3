"""One dataset, one account (#17 item 6): a dataset refuses a second account; the emulator has its own file."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.dataset import EMULATOR_DUCKDB_PATH
from mailjet_connector.errors import DatasetAccountError
from mailjet_connector.sync import run_sync
from mailjet_connector.sync.binding import BINDING_TABLE, account_identity
from tests.sync.conftest import make_options

pytest.importorskip("dlt")

RESOURCES = ["contactslist", "campaign"]


def test_identity_is_stable_distinct_and_hides_the_key():
    assert account_identity("key-a") == account_identity("key-a")
    assert account_identity("key-a") != account_identity("key-b")
    assert "key-a" not in account_identity("key-a")


def test_second_account_into_the_same_dataset_is_refused_before_any_write(small_emulator, tmp_path):
    # Regression (#17.6): two API keys synced into one dataset merged silently, with no account column.
    main, sub = list(small_emulator.state.accounts.values())[:2]
    first = make_options(small_emulator, tmp_path, resources=RESOURCES)
    assert run_sync(first).totals.rows > 0
    other = replace(first, api_key=sub.api_key, api_secret=sub.api_secret)
    with pytest.raises(DatasetAccountError) as caught:
        run_sync(other)
    message = str(caught.value)
    assert "\n" not in message and "--dataset-url" in message
    assert account_identity(main.api_key) in message and account_identity(sub.api_key) in message
    for secret in (main.api_key, main.api_secret, sub.api_key, sub.api_secret):
        assert secret not in message
    with duckdb.connect(first.dataset_url, read_only=True) as db:
        bound = db.execute(f"select account_id, api_host from mailjet_data.{BINDING_TABLE}").fetchall()
        campaigns = db.execute("select count(*) from mailjet_data.campaign").fetchone()[0]
    assert bound == [(account_identity(main.api_key), small_emulator.url.split("//")[1])]
    assert campaigns == len(main.table("campaign"))  # nothing of the sub-account got in
    # The same account syncs again; the other one syncs into its own dataset.
    assert run_sync(first).totals.new == 0
    other = replace(other, dataset_url=str(tmp_path / "sub.duckdb"))
    assert run_sync(other).totals.rows == len(sub.table("contactslist")) + len(sub.table("campaign"))


def test_sync_emulator_writes_its_own_dataset_not_the_real_default(tmp_path, monkeypatch):
    # Regression (#17.6): `sync --emulator` then a real sync put the emulator's rows into the real dataset.
    monkeypatch.chdir(tmp_path)
    args = ["sync", "--emulator", "--emulator-scale", "tiny", "--resources", "contactslist"]
    result = CliRunner().invoke(app, [*args, "--pipelines-dir", str(tmp_path / "p"), "--json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / EMULATOR_DUCKDB_PATH).exists()
    assert not (tmp_path / "mailjet.duckdb").exists()
    query = CliRunner().invoke(
        app, ["query", "select count(*) as n from contactslist", "--emulator", "--format", "csv"]
    )
    assert query.exit_code == 0, query.output
    assert int(query.stdout.splitlines()[1]) > 0
