"""Data that looks like rich markup is printed as it is (found by the #22 acceptance review).

A contact named `[/x]` made `query` (and `query --live`, the import plan...) end in a rich MarkupError
traceback, and `[red]x[/red]` lost its brackets in the table. Every CLI console is made by
`cli.output.make_console`, which never reads markup.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.dataset import DEFAULT_DATASET

duckdb = pytest.importorskip("duckdb")

runner = CliRunner()
NAMES = ("[/x]", "[red]kept[/red]", "[bold]")


def test_query_prints_markup_like_cells_verbatim(tmp_path: Path) -> None:
    path = tmp_path / "mailjet.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute(f"create schema {DEFAULT_DATASET}")
        conn.execute(f"create table {DEFAULT_DATASET}.contactslist (name varchar)")
        conn.executemany(f"insert into {DEFAULT_DATASET}.contactslist values (?)", [(n,) for n in NAMES])
    result = runner.invoke(app, ["query", "select name from contactslist", "--dataset-url", str(path)])
    assert result.exit_code == 0, result.output
    for name in NAMES:
        assert name in result.output


def test_the_import_plan_prints_markup_like_values_verbatim(tmp_path: Path) -> None:
    rows = tmp_path / "lists.csv"
    rows.write_text("Name\n" + "\n".join(f'"{n}"' for n in NAMES) + "\n", encoding="utf-8")
    args = ["import", "contactslist", str(rows), "--mode", "insert", "--dry-run", "--emulator"]
    result = runner.invoke(app, [*args, "--journal", str(tmp_path / "j.sqlite")])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    for name in NAMES:
        assert name in result.output
