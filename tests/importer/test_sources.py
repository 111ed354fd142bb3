"""Row sources: CSV, JSONL, Parquet and SQL, and their one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailjet_connector.dataset import DEFAULT_DATASET
from mailjet_connector.importer.model import BadRow
from mailjet_connector.importer.sources import SourceError, read_rows


def test_csv_rows_are_strings_with_empty_cells_as_none(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("\ufeffEmail, Name ,age\na@b.co,,31\nc@d.co,Cee\n", encoding="utf-8")
    assert list(read_rows(path)) == [
        {"Email": "a@b.co", "Name": None, "age": "31"},
        {"Email": "c@d.co", "Name": "Cee", "age": None},
    ]


def test_csv_row_with_too_many_cells_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("Email\na@b.co\nx,y\n")
    with pytest.raises(SourceError, match=r"c.csv:3: 2 cells for 1 columns"):
        list(read_rows(path))


def test_malformed_lines_are_kept_as_bad_rows_between_the_good_ones(tmp_path: Path) -> None:
    csv_path = tmp_path / "c.csv"
    csv_path.write_text('Email,Name\na@b.co,A\nx@y.co,B,EXTRA\n"' + "z" * 200_000 + '"\nc@d.co\n')
    rows = list(read_rows(csv_path, keep_malformed=True))
    assert [r for r in rows if not isinstance(r, BadRow)] == [
        {"Email": "a@b.co", "Name": "A"},
        {"Email": "c@d.co", "Name": None},
    ]
    extra, huge = (r for r in rows if isinstance(r, BadRow))
    assert (extra, extra.reason) == (
        {"Email": "x@y.co", "Name": "B"},
        "line 3: 3 cells for 2 columns (extra: 'EXTRA')",
    )
    assert huge.reason.startswith("line 4: field larger than field limit")
    jsonl = tmp_path / "r.jsonl"
    jsonl.write_text('{"Email": "a@b.co"}\n{"Email": \n[1]\n{"Email": "c@d.co"}\n')
    rows = list(read_rows(jsonl, keep_malformed=True))
    assert [r.reason if isinstance(r, BadRow) else r for r in rows] == [
        {"Email": "a@b.co"},
        'line 2: bad JSON line (unexpected end of data): {"Email":',
        "line 3: expected a JSON object, got list",
        {"Email": "c@d.co"},
    ]


def test_a_file_with_no_readable_header_still_fails_whole(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text('"' + "x" * 200_000 + '"\na@b.co\n')
    with pytest.raises(SourceError, match=r"h.csv:1: field larger than field limit .* \(in the header\)"):
        list(read_rows(path, keep_malformed=True))


def test_csv_that_is_not_utf8_or_not_readable_is_a_one_line_error(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Name\nZoë\n".encode("latin-1"))
    with pytest.raises(SourceError, match=r"latin.csv: not UTF-8 text \(byte 0xeb\)"):
        list(read_rows(latin))
    huge = tmp_path / "huge.csv"
    huge.write_text('Name\n"' + "x" * 200_000 + '"\n')
    with pytest.raises(SourceError, match=r"huge.csv:\d+: field larger than field limit"):
        list(read_rows(huge))


def test_jsonl_bad_line_names_its_number(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"Name": "a"}\n\n{"Name": \n')
    rows = read_rows(path)
    assert next(rows) == {"Name": "a"}
    with pytest.raises(SourceError, match=r"r.jsonl:3: bad JSON line"):
        next(rows)


def test_jsonl_line_must_be_an_object(tmp_path: Path) -> None:
    path = tmp_path / "r.ndjson"
    path.write_text("[1, 2]\n")
    with pytest.raises(SourceError, match="expected a JSON object"):
        list(read_rows(path))


def test_parquet_rows_keep_their_types(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "r.parquet"
    pq.write_table(pa.table({"Email": ["a@b.co", "c@d.co"], "age": [3, None]}), path)
    assert list(read_rows(path)) == [{"Email": "a@b.co", "age": 3}, {"Email": "c@d.co", "age": None}]


def test_missing_file_and_unknown_extension_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        read_rows(tmp_path / "nope.csv")
    (tmp_path / "data.xlsx").write_text("x")
    with pytest.raises(SourceError, match=r"unknown file type '.xlsx'"):
        read_rows(tmp_path / "data.xlsx")


def test_sql_rows_come_from_the_synced_dataset(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "mailjet.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute(f"create schema {DEFAULT_DATASET}")
        conn.execute(f"create table {DEFAULT_DATASET}.contact as select 'a@b.co' as email, 7 as id")
    rows = read_rows(sql="select email, id from contact", dataset_url=str(path))
    assert list(rows) == [{"email": "a@b.co", "id": 7}]


def test_bad_sql_fails_before_any_row(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="query failed: no dataset"):
        read_rows(sql="select 1", dataset_url=str(tmp_path / "missing.duckdb"))
