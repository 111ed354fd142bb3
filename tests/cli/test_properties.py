"""Generated input against each command family (#22, Tests): files of random types, encodings, delimiters and
sizes for `import`; SQL strings for `query`; base URLs for the commands that call the API; option values for
`sync`. Whatever comes in: no traceback, an exit code from the documented set, good rows landed exactly once,
nothing written outside the dataset. (Webhook bodies: tests/webhooks/test_fuzz.py.)
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mailjet_connector import Client
from mailjet_connector.cli import app
from mailjet_connector.cli.exits import EXIT_CODES

pytestmark = pytest.mark.slow
runner = CliRunner()
EXAMPLES = 25
FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
counter = itertools.count()


def outcome(result: Any) -> tuple[int, str]:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.exit_code in EXIT_CODES, (result.exit_code, output)
    return result.exit_code, output


def files_in(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    from mailjet_connector.emulator.server import start_emulator

    with start_emulator(scale="tiny", seed=3) as running:
        yield running


def creds(server: Any) -> list[str]:
    return ["--base-url", server.url, "--api-key", server.api_key, "--api-secret", server.api_secret]


# -- import: files --------------------------------------------------------------------------------------

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=0, max_size=24)
deleted = st.sampled_from(["", "true", "false", "TRUE", "0", "1", "yes", "maybe", "99999999999999999999999"])
rows = st.lists(st.tuples(names, deleted), min_size=0, max_size=12)


@st.composite
def source_files(draw: st.DrawFn) -> tuple[str, bytes, list[tuple[str, str]]]:
    """(suffix, bytes, rows as written): CSV with a random delimiter and encoding, or JSONL."""
    prefix = f"p{next(counter)}-"
    written = [(prefix + name if name.strip() else name, flag) for name, flag in draw(rows)]
    if draw(st.booleans()):
        lines = []
        for name, flag in written:
            row: dict[str, Any] = {"Name": name}
            if flag:
                row["IsDeleted"] = flag
            lines.append(orjson.dumps(row))
        return ".jsonl", b"\n".join(lines), written
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(["Name", "IsDeleted"])
    writer.writerows(written)
    return ".csv", text.getvalue().encode(encoding, errors="replace"), written


def lists_named(server: Any, prefix: str) -> list[str]:
    with Client(server.api_key, server.api_secret, base_url=server.url) as client:
        return [
            str(r["Name"]) for r in client.iter("contactslist") if str(r.get("Name", "")).startswith(prefix)
        ]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=FIXTURES)
@given(source=source_files())
def test_import_any_file(server: Any, tmp_path_factory: pytest.TempPathFactory, source: Any) -> None:
    suffix, content, written = source
    root = tmp_path_factory.mktemp("import")
    path = root / f"lists{suffix}"
    path.write_bytes(content)
    journal = root / "journal.sqlite"
    args = [
        "import",
        "contactslist",
        str(path),
        "--mode",
        "upsert",
        "--key",
        "Name",
        "--journal",
        str(journal),
    ]
    code, output = outcome(runner.invoke(app, [*args, "--errors", str(root / "failed.csv"), *creds(server)]))
    prefix = next((name.split("-", 1)[0] + "-" for name, _ in written if name), None)
    landed = lists_named(server, prefix) if prefix else []
    assert len(landed) == len(set(landed)), f"a row landed twice: {landed}"  # exactly once
    if code == 2:  # the file as a whole was refused: nothing of it was written
        assert landed == [], output
    else:  # every row not reported as failed landed (a bad cell costs its row only)
        failed = root / "failed.csv"
        refused = (
            {row.get("Name", "").strip() for row in csv.DictReader(failed.open())}
            if failed.exists()
            else set()
        )
        good = {name.strip() for name, _ in written if name.strip() and name.strip() not in refused}
        assert good <= {name.strip() for name in landed}, output
    # Nothing but the source, the journal and the errors file.
    assert files_in(root) <= {path.name, journal.name, "failed.csv"}
    again = runner.invoke(app, [*args, *creds(server)])
    outcome(again)
    assert sorted(lists_named(server, prefix) if prefix else []) == sorted(landed)  # a re-run adds nothing


# -- query: SQL strings -----------------------------------------------------------------------------------

SQL_SHAPES = [
    "select count(*) from contact", "select * from contact where email like '%{t}%'",
    "COPY contact TO '{t}.csv'", "ATTACH '{t}.duckdb' AS x", "select * from read_csv('{t}')",
    "select * from glob('/*')", "delete from contact; select 1", "create table {t} as select 1",
    "select {t}", "pragma database_list", "install httpfs", "select 1; select 2", "{t}",
]  # fmt: skip
sql_strings = st.one_of(
    st.text(max_size=60),
    st.tuples(st.sampled_from(SQL_SHAPES), st.text(st.characters(codec="ascii"), max_size=12)).map(
        lambda pair: pair[0].replace("{t}", pair[1])
    ),
)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path_factory.mktemp("dataset") / "mailjet.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema mailjet_data")
        conn.execute("create table mailjet_data.contact as select 1 as id, 'a@b.c' as email")
    return path


@settings(max_examples=EXAMPLES * 4, deadline=None, suppress_health_check=FIXTURES)
@given(sql=sql_strings)
def test_query_any_sql(
    dataset: Path, sql: str, tmp_path_factory: pytest.TempPathFactory, monkeypatch: Any
) -> None:
    before = hashlib.sha256(dataset.read_bytes()).hexdigest()
    work = tmp_path_factory.mktemp("query")
    monkeypatch.chdir(work)
    code, _ = outcome(runner.invoke(app, ["query", sql, "--dataset-url", str(dataset)]))
    assert code in (0, 2)
    assert hashlib.sha256(dataset.read_bytes()).hexdigest() == before  # the dataset is never written
    assert files_in(work) == set() and files_in(dataset.parent) == {dataset.name}  # nor anything beside it


# -- base URLs --------------------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


CLOSED = closed_port()
hosts = st.sampled_from(
    [f"127.0.0.1:{CLOSED}", f"localhost:{CLOSED}", "[::1]:1", "", "bad host", "ex\u00e4mple"]
)
schemes = st.sampled_from(["http://", "https://", "ftp://", "", "http:/", "HTTP://"])
paths = st.sampled_from(["", "/", "/v3", "/v3/REST/", "/v3.1", "/REST", "/mailjet", "/%zz", "?x=1"])
userinfo = st.sampled_from(["", "u:p@", "u@", ":@"])
urls = st.one_of(
    st.tuples(schemes, userinfo, hosts, paths).map("".join),
    st.text(max_size=40),
)


@settings(max_examples=EXAMPLES * 2, deadline=None, suppress_health_check=FIXTURES)
@given(url=urls, command=st.sampled_from([["export", "contact"], ["check"], ["webhooks", "list"]]))
def test_any_base_url(url: str, command: list[str]) -> None:
    args = [*command, "--base-url", url, "--api-key", "k", "--api-secret", "s", "--max-retries", "0"]
    code, output = outcome(runner.invoke(app, args))
    assert code in (2, 3, 4, 5), output
    assert "s\n" not in output.replace("--api-secret", "")  # the secret is never echoed


def test_the_emulator_url_with_a_version_suffix_is_refused_with_the_root(server: Any) -> None:
    code, output = outcome(
        runner.invoke(app, ["export", "contact", "--base-url", server.url + "/v3/REST", *creds(server)[2:]])
    )
    assert code == 2 and repr(server.url) in output


# -- sync and export options ------------------------------------------------------------------------------

option_values = st.one_of(
    st.text(max_size=20), st.sampled_from(["contact", "contct", "messagestate", ",", "all"])
)


@settings(max_examples=EXAMPLES * 2, deadline=None, suppress_health_check=FIXTURES)
@given(
    option=st.sampled_from(
        ["--resources", "--exclude", "--start-date", "--lookback", "--rate-limit", "--region"]
    ),
    value=option_values,
)
def test_sync_refuses_bad_option_values_in_one_line(option: str, value: str, tmp_path_factory: Any) -> None:
    work = tmp_path_factory.mktemp("sync")
    args = [
        "sync",
        option,
        value,
        "--dataset-url",
        str(work / "d.duckdb"),
        "--api-key",
        "k",
        "--api-secret",
        "s",
    ]
    # A refused connection ends a sync whose options are all fine: no sync reaches the network.
    code, output = outcome(runner.invoke(app, [*args, "--base-url", f"http://127.0.0.1:{CLOSED}"]))
    assert code in (2, 4), output
    if code == 2:
        assert len(output.strip().splitlines()) == 1, output
        assert not (work / "d.duckdb").exists()  # a refused option leaves no empty dataset behind
