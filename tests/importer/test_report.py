"""The errors file: failed rows with the reason, and never a cell a spreadsheet would run (#22 item 3)."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.importer import RowFailure, write_failures
from mailjet_connector.spreadsheet import FORMULA_STARTS, neutralise


def read_back(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_formula_cells_are_written_as_text(tmp_path: Path) -> None:
    row = {
        "Name": '=HYPERLINK("http://evil.example", "click")',
        "a": "+1+1",
        "b": "-2+3",
        "c": "@SUM(A1:A9)",
        "d": "\tx",
        "e": "\r=1",
        "f": "-5",
        "g": "+3.25",
        "h": "plain",
        "=cmd": None,
    }
    failures = [RowFailure(1, row, "row:1", "=refused"), RowFailure(2, {"Name": "ok"}, "ok", "MJ08")]
    assert write_failures(failures, tmp_path / "errors.csv") == 2
    header, first, second = read_back(tmp_path / "errors.csv")
    assert header == ["Name", "a", "b", "c", "d", "e", "f", "g", "h", "'=cmd", "error"]
    assert first == [
        '\'=HYPERLINK("http://evil.example", "click")',
        "'+1+1",
        "'-2+3",
        "'@SUM(A1:A9)",
        "'\tx",
        "'\r=1",
        "-5",  # plain numbers cannot be formulas: left alone
        "+3.25",
        "plain",
        "",
        "'=refused",
    ]
    assert second == ["ok", "", "", "", "", "", "", "", "", "", "MJ08"]


@given(st.text())
def test_no_neutralised_cell_starts_a_formula(text: str) -> None:
    safe = neutralise(text)
    assert safe.endswith(text) and len(safe) - len(text) in (0, 1)
    if safe.startswith(FORMULA_STARTS):
        float(safe)  # only a plain number may still start with + or -
