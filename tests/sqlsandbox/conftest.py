"""A DuckDB dataset laid out as the sync writes it, with one marked table per catalog resource, and a file
outside it: whatever the sandbox answers must never contain the mark of a table it may not show, nor the
file's content."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from mailjet_connector import catalog
from mailjet_connector.dataset import DEFAULT_DATASET

duckdb = pytest.importorskip("duckdb")

FILE_MARK = "FILE-CONTENT-7f3a"
DLT_TABLES = ("_dlt_loads", "_dlt_version", "_dlt_pipeline_state")


def mark(table: str) -> str:
    """The value every row of `table` carries, so that a leak is seen in any output."""
    return f"MARK-{table}-MARK"


@dataclass(frozen=True)
class Dataset:
    """The DuckDB file, its table names, and a local file with a known content."""

    path: Path
    tables: tuple[str, ...]
    secret_file: Path


def build_dataset(root: Path) -> Dataset:
    path = root / "mailjet.duckdb"
    tables = [r.name for r in catalog.all_resources()]
    tables += ["contact__properties", *DLT_TABLES]
    with duckdb.connect(str(path)) as conn:
        conn.execute(f"create schema {DEFAULT_DATASET}")
        for table in tables:
            conn.execute(
                f'create table {DEFAULT_DATASET}."{table}" as select 1 as id, ? as marker', [mark(table)]
            )
        conn.execute("create table main.outside as select 'MARK-outside-MARK' as marker")
    secret = root / "secret.csv"
    secret.write_text(f"marker\n{FILE_MARK}\n", encoding="utf-8")
    return Dataset(path, tuple(tables), secret)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return build_dataset(tmp_path_factory.mktemp("sandbox"))
