"""Where a sync writes: a DuckDB path is a place on disk, whatever the working directory."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from mailjet_connector.errors import ConfigError
from mailjet_connector.sync import run_sync
from tests.sync.conftest import make_options


def test_relative_duckdb_paths_in_two_folders_are_two_datasets(
    small_emulator: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    # Regression: the pipeline name was derived from the relative path, so a sync of `mailjet.duckdb` in a
    # second folder reused the first folder's dlt state and loaded into the first folder's file.
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        options = make_options(
            small_emulator, tmp_path, resources=("contactslist",), dataset_url="mailjet.duckdb"
        )
        run_sync(options)
        assert (tmp_path / folder / "mailjet.duckdb").exists()


def test_a_dataset_another_process_holds_is_a_clear_error(small_emulator, tmp_path):
    options = make_options(small_emulator, tmp_path, resources=["contact"])
    hold = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(120)"
    holder = subprocess.Popen([sys.executable, "-c", hold, options.dataset_url], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"held"
        with pytest.raises(ConfigError, match="another sync or query has it open"):
            run_sync(options)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert run_sync(options).resources["contact"].new > 0  # and the lock gone, the sync runs
