"""`query` and `import --sql` run one read-only SELECT; files only with --allow-files (#22 item 4)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.dataset import DEFAULT_DATASET

duckdb = pytest.importorskip("duckdb")
runner = CliRunner()


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "mailjet.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute(f"create schema {DEFAULT_DATASET}")
        conn.execute(f"create table {DEFAULT_DATASET}.contactslist as select 'Fresh' as name")
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("copy contactslist to '{out}'", "only a SELECT runs here, not COPY"),
        ("attach '{data}' as w (read_only false)", "only a SELECT runs here, not ATTACH"),
        ("select 1; delete from contactslist", "one statement only"),
        ("select * from read_text('{secret}')", "file system operations are disabled"),
        ("select * from glob('/root/*')", "file system operations are disabled"),
    ],
)
def test_query_refuses_writes_statements_and_files(
    dataset: Path, tmp_path: Path, sql: str, words: str
) -> None:
    before = digest(dataset)
    out = tmp_path / "out.csv"
    secret = tmp_path / "secret.txt"
    secret.write_text("FILE-CONTENT", encoding="utf-8")
    text = sql.format(out=out, data=dataset, secret=secret)
    result = runner.invoke(app, ["query", text, "--dataset-url", str(dataset)])
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output and "FILE-CONTENT" not in result.output
    assert digest(dataset) == before and not out.exists()


def test_query_reads_files_with_allow_files(dataset: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.csv"
    extra.write_text("name\nFromFile\n", encoding="utf-8")
    sql = f"select name from read_csv('{extra}') union all select name from contactslist order by 1"
    result = runner.invoke(
        app, ["query", sql, "--dataset-url", str(dataset), "--allow-files", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["name", "Fresh", "FromFile"]


def test_import_sql_is_read_only_too(dataset: Path, tmp_path: Path) -> None:
    journal = ["--journal", str(tmp_path / "j.sqlite")]
    base = [
        "import",
        "contactslist",
        "--mode",
        "insert",
        "--dry-run",
        "--dataset-url",
        str(dataset),
        *journal,
    ]
    written = runner.invoke(app, [*base, "--sql", "delete from contactslist returning name"])
    assert written.exit_code == 2 and "only a SELECT runs here" in written.output
    extra = tmp_path / "lists.csv"
    extra.write_text("Name\nFromFile\n", encoding="utf-8")
    from_file = f"select * from read_csv('{extra}')"
    refused = runner.invoke(app, [*base, "--sql", from_file])
    assert refused.exit_code == 2 and "file system operations are disabled" in refused.output
    allowed = runner.invoke(app, [*base, "--sql", from_file, "--allow-files", "--emulator"])
    assert allowed.exit_code == 0, allowed.output
