"""A lock per dataset (#21 item 5): a second sync of a dataset refuses in one line while the first runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mailjet_connector.errors import DatasetBusyError
from mailjet_connector.sync.lock import dataset_lock

pytest.importorskip("dlt")


def test_second_holder_is_refused_and_the_lock_is_free_again_after(tmp_path: Path) -> None:
    dataset = str(tmp_path / "d.duckdb")
    with dataset_lock("duckdb", dataset, "mailjet_data", "mailjet_data in d.duckdb", tmp_path):
        with (
            pytest.raises(
                DatasetBusyError,
                match=rf"another sync of mailjet_data in d.duckdb is running \(pid {os.getpid()} since ",
            ),
            dataset_lock("duckdb", dataset, "mailjet_data", "mailjet_data in d.duckdb", tmp_path),
        ):
            pass
        # Another dataset is another lock.
        with dataset_lock("duckdb", str(tmp_path / "e.duckdb"), "mailjet_data", "e", tmp_path):
            pass
    with dataset_lock("duckdb", dataset, "mailjet_data", "d", tmp_path):
        pass


# About a dozen calls at 1/s: the sync lasts long enough for a second process to start meanwhile.
RESOURCES = "contactslist,campaign,sender,contact,listrecipient,message,template"


def sync_command(server, dataset: Path, pipelines: Path) -> list[str]:
    return [
        sys.executable, "-m", "mailjet_connector", "sync", "--base-url", server.url,
        "--api-key", server.api_key, "--api-secret", server.api_secret, "--dataset-url", str(dataset),
        "--pipelines-dir", str(pipelines), "--resources", RESOURCES,
        "--rate-limit", "1/s", "--json",
    ]  # fmt: skip


@pytest.mark.slow  # two sync processes, paced to overlap for several seconds
def test_overlapping_sync_processes_one_refuses(tmp_path: Path) -> None:
    from mailjet_connector.emulator import start_emulator

    dataset, pipelines = tmp_path / "mailjet.duckdb", tmp_path / "pipelines"
    with start_emulator(scale="tiny") as server:
        command = sync_command(server, dataset, pipelines)
        # Both start at once, as a scheduler's next run does while the last one is still at work.
        runs = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=300) for run in runs]
    codes = sorted(run.returncode for run in runs)
    assert codes == [0, 2], outputs
    winner, loser = (0, 1) if runs[0].returncode == 0 else (1, 0)
    out, err = outputs[loser]
    lines = (out + err).strip().splitlines()
    assert len(lines) == 1, lines
    assert "another sync of mailjet_data in" in lines[0] and f"(pid {runs[winner].pid} since" in lines[0]
    assert "this run stops without changes" in lines[0] and "Traceback" not in err
    assert Path(f"{dataset}.lock").read_text() == ""  # released: the next scheduled run may go


@pytest.mark.postgres
def test_postgres_lock_is_an_advisory_lock_per_schema() -> None:
    psycopg = pytest.importorskip("psycopg")
    url = "postgresql://postgres:postgres@127.0.0.1:5432/test"
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is not available: {str(exc).splitlines()[0]}")
    with dataset_lock("postgres", url, "accounts_lock_a", "accounts_lock_a in test", Path(".")):
        busy = pytest.raises(DatasetBusyError, match="another sync of accounts_lock_a in test is running")
        with busy, dataset_lock("postgres", url, "accounts_lock_a", "accounts_lock_a in test", Path(".")):
            pass
        with dataset_lock("postgres", url, "accounts_lock_b", "b", Path(".")):
            pass
    with dataset_lock("postgres", url, "accounts_lock_a", "a", Path(".")):
        pass
