"""Where a sync writes: a DuckDB path is a place on disk, whatever the working directory."""

from __future__ import annotations

from typing import Any

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
