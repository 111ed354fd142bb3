"""Issue #21.2: the sync as Dagster assets, one partition per account, materialised in process against the
emulator with three accounts; the row-count checks compare each table with the API's countOnly."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

dg = pytest.importorskip("dagster")

from mailjet_connector import Client  # noqa: E402
from mailjet_connector.dagster import create_definitions  # noqa: E402
from mailjet_connector.dagster.checks import api_count, countable  # noqa: E402
from mailjet_connector.emulator.seed import (  # noqa: E402
    DEFAULT_API_KEY,
    DEFAULT_API_SECRET,
    build_state,
    sub_account_keys,
)
from mailjet_connector.emulator.server import start_emulator  # noqa: E402

TABLES = ["contactslist", "campaign", "sender", "listrecipient", "template_content"]
ACCOUNTS = ["acme", "globex", "initech"]


@pytest.fixture(scope="module")
def emulator() -> Iterator[Any]:
    """Three accounts, the sub-accounts seeded with other counts than the main one."""
    keys = [(DEFAULT_API_KEY, DEFAULT_API_SECRET), *sub_account_keys(2)]
    state = build_state(
        scale="tiny", accounts=keys, sub_counts={"contactslist": 7, "campaign": 3, "sender": 2}
    )
    with start_emulator(state=state, frozen=True) as server:
        yield server


def write_accounts(directory: Path, server: Any) -> tuple[Path, dict[str, str]]:
    """An accounts file naming the emulator's three keys, secrets by `env:` reference; and that environment."""
    lines, environ = [f"[defaults]\nbase_url = '{server.url}'\n"], {}
    for name, account in zip(ACCOUNTS, server.state.accounts.values(), strict=True):
        environ[f"{name.upper()}_SECRET"] = account.api_secret
        lines.append(
            f"[accounts.{name}]\napi_key = '{account.api_key}'\napi_secret = 'env:{name.upper()}_SECRET'\n"
        )
    path = directory / "accounts.toml"
    path.write_text("\n".join(lines))
    return path, environ


@pytest.mark.slow  # three Dagster runs, each a sync (about 15 s)
def test_each_account_partition_materialises_its_own_tables(tmp_path: Path, emulator):
    path, environ = write_accounts(tmp_path, emulator)
    defs = create_definitions(
        path, environ, tables=TABLES, sync_options={"pipelines_dir": str(tmp_path / "pipelines")}
    )
    assets, checks = list(defs.assets), list(defs.asset_checks)
    with dg.DagsterInstance.ephemeral() as instance:
        for name in ACCOUNTS:
            result = dg.materialize([*assets, *checks], partition_key=name, instance=instance)
            assert result.success
            materialized = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
            assert materialized == set(TABLES)
            evaluations = result.get_asset_check_evaluations()
            assert {e.asset_key.path[-1] for e in evaluations} == set(countable(TABLES))
            assert all(e.passed for e in evaluations), [e.metadata for e in evaluations]

    lists = {}
    for name, account in zip(ACCOUNTS, emulator.state.accounts.values(), strict=True):
        with Client(account.api_key, account.api_secret, base_url=emulator.url) as client:
            # as the sync lists them (deleted lists and campaigns left out)
            expected = {
                t: api_count(client, t) for t in ("contactslist", "campaign", "sender", "listrecipient")
            }
            templates = client.count("template")
        with duckdb.connect(str(tmp_path / f"{name}.duckdb"), read_only=True) as db:
            tables = {
                row[0] for row in db.execute("select table_name from information_schema.tables").fetchall()
            }
            stored = {
                t: db.execute(f"select count(*) from mailjet_data.{t}").fetchone()[0] if t in tables else 0
                for t in expected
            }
        assert stored == expected  # each account's own rows, in its own dataset
        if name == "acme":  # template_content alone was selected: its parent was read to feed it
            assert db_count(tmp_path / "acme.duckdb", "template_content") == templates > 0
        lists[name] = stored["contactslist"]
    assert (
        lists["acme"] < lists["globex"] == lists["initech"]
    )  # seeded 5 lists for the main account, 7 for each other


def test_definitions_offer_one_partition_per_account_and_a_schedule(tmp_path: Path, emulator):
    path, environ = write_accounts(tmp_path, emulator)
    defs = create_definitions(path, environ, cron="15 * * * *")
    (assets,) = defs.assets
    assert assets.partitions_def.get_partition_keys() == ACCOUNTS
    assert {key.path[0] for key in assets.keys} == {"mailjet"} and len(assets.keys) > 60
    schedule = defs.resolve_schedule_def("mailjet_sync_schedule")
    assert schedule.cron_schedule == "15 * * * *"
    tick = datetime(2026, 1, 2, 15, 15, tzinfo=UTC)
    repository = defs.get_repository_def()
    with dg.build_schedule_context(scheduled_execution_time=tick, repository_def=repository) as context:
        requests = list(schedule.evaluate_tick(context).run_requests or [])
    assert [r.partition_key for r in requests] == ACCOUNTS  # one run per account at each tick
    assert len({r.run_key for r in requests}) == 3 and all(tick.isoformat() in r.run_key for r in requests)


@pytest.mark.slow  # Dagster's own CLI loads the code location in a subprocess (about 15 s)
def test_dagster_definitions_validate_loads_the_code_location(tmp_path: Path, emulator):
    path, environ = write_accounts(tmp_path, emulator)
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {**os.environ, **environ, "MAILJET_ACCOUNTS": str(path), "DAGSTER_HOME": str(home)}
    command = [
        sys.executable,
        "-m",
        "dagster",
        "definitions",
        "validate",
        "-m",
        "mailjet_connector.dagster.definitions",
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Validation successful" in done.stderr + done.stdout


def db_count(path: Path, table: str) -> int:
    with duckdb.connect(str(path), read_only=True) as db:
        return db.execute(f"select count(*) from mailjet_data.{table}").fetchone()[0]
