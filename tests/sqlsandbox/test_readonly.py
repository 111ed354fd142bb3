"""`run_readonly` on the dataset file (the `query` command, `import --sql`): one SELECT, nothing written, no
file unless allowed (#22 item 4)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from mailjet_connector.query import QueryError
from mailjet_connector.sqlsandbox import SandboxError, run_readonly
from tests.sqlsandbox.conftest import FILE_MARK, Dataset


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


WRITES = [
    "delete from contact",
    "insert into contact values (2, 'x')",
    "update contact set marker = 'x'",
    "create table t as select 1",
    "create temp table t as select 1",
    "drop table contact",
    "copy contact to '{out}'",
    "export database '{dir}'",
    "attach '{dataset}' as again (read_only false)",
    "detach mailjet",
    "set enable_external_access = true",
    "reset lock_configuration",
    "pragma enable_profiling",
    "call pragma_version()",
    "install httpfs",
    "load httpfs",
    "checkpoint",
    "vacuum",
    "use main",
    "begin transaction",
]


@pytest.mark.parametrize("sql", WRITES, ids=[w.split()[0] + "-" + str(i) for i, w in enumerate(WRITES)])
def test_only_one_select_runs_and_nothing_is_written(dataset: Dataset, tmp_path: Path, sql: str) -> None:
    before = digest(dataset.path)
    out = tmp_path / "out.csv"
    text = sql.format(out=out, dir=tmp_path / "export", dataset=dataset.path)
    for allow_files in (False, True):
        with pytest.raises(SandboxError, match="only a SELECT runs here") as caught:
            run_readonly(text, str(dataset.path), allow_files=allow_files)
        assert "\n" not in str(caught.value)
    assert digest(dataset.path) == before
    assert not out.exists() and not (tmp_path / "export").exists()


@pytest.mark.parametrize(
    "sql",
    ["select 1; select 2", "select 1; delete from contact", "delete from contact; commit; select 1"],
)
def test_a_second_statement_is_refused(dataset: Dataset, sql: str) -> None:
    with pytest.raises(SandboxError, match="one statement only"):
        run_readonly(sql, str(dataset.path))


FILE_READS = [
    "select * from read_csv('{file}')",
    "select * from read_text('{file}')",
    "select * from read_blob('{file}')",
    "select * from '{file}'",
    "select * from glob('{dir}/*')",
    "select * from sniff_csv('{file}')",
    "select * from query('select * from read_text(''{file}'')')",
]


@pytest.mark.parametrize("sql", FILE_READS)
def test_files_only_with_allow_files(dataset: Dataset, sql: str) -> None:
    text = sql.format(file=dataset.secret_file, dir=dataset.secret_file.parent)
    with pytest.raises(QueryError) as caught:
        run_readonly(text, str(dataset.path))
    assert FILE_MARK not in str(caught.value)
    allowed = run_readonly(text, str(dataset.path), allow_files=True)
    assert allowed.rows  # the operator asked for it


def test_reads_work_and_rows_are_bounded(dataset: Dataset) -> None:
    assert run_readonly("select count(*) n from contact", str(dataset.path)).rows == [(1,)]
    assert run_readonly("with t as (select 1) select * from t", str(dataset.path)).rows == [(1,)]
    assert run_readonly("select * from range(10)", str(dataset.path), max_rows=3).rows == [(0,), (1,), (2,)]
    tables = run_readonly("show tables", str(dataset.path)).rows
    assert ("contact",) in tables
    assert run_readonly("describe contact", str(dataset.path)).columns[0] == "column_name"


def test_empty_and_broken_sql_are_one_line_errors(dataset: Dataset) -> None:
    for sql, words in (("", "no SQL statement"), ("   ", "no SQL statement"), ("selec 1", "syntax error")):
        with pytest.raises(QueryError, match=words) as caught:
            run_readonly(sql, str(dataset.path))
        assert "\n" not in str(caught.value)


def test_duckdbs_temp_directories_hold_no_way_to_files(
    dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With external access off DuckDB still allows its temp directory: `./.tmp/` for an in-memory database,
    `<file>.tmp/` next to a dataset file. Files planted there stay out of reach (found by the #16/#22 review:
    `query "select content from read_text('mailjet.duckdb.tmp/x')"` printed the file)."""
    import duckdb

    from mailjet_connector.sqlsandbox.lockdown import lock, run_select

    monkeypatch.chdir(tmp_path)
    planted = [tmp_path / ".tmp" / "x.txt", Path(f"{dataset.path}.tmp") / "x.txt"]
    try:
        for file in planted:
            file.parent.mkdir(exist_ok=True)
            file.write_text(FILE_MARK, encoding="utf-8")
        memory = duckdb.connect(":memory:")  # the agents' sandbox and live SQL: in-memory, locked
        lock(memory)
        for file in planted:
            for sql in (f"select content from read_text('{file}')", f"select * from glob('{file.parent}/*')"):
                with pytest.raises(SandboxError, match="files are off"):
                    run_readonly(sql, str(dataset.path))
                with pytest.raises(SandboxError, match="files are off"):
                    run_select(memory, sql)
        with pytest.raises(SandboxError, match="files are off"):
            run_select(memory, "select content from read_text('.tmp/x.txt')")
        assert run_select(memory, "select count(*) from range(10)").rows == [(10,)]
    finally:
        for file in planted:
            file.unlink(missing_ok=True)
            file.parent.rmdir()
