"""`mailjet-connector twoway plan|run|status|verify` through the real command, against the emulator."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app
from mailjet_connector.emulator.server import EmulatorServer
from tests.twoway.conftest import TABLE_SQL

pytestmark = pytest.mark.slow

MAPPING = """[database]
url = "{url}"
table = "customers"
[columns]
name = "Name"
plan = {{ property = "plan" }}
[lists]
flags = {{ news = "Newsletter", events = "Events" }}
[journal]
path = "{root}/journal.sqlite"
"""


def invoke(server: EmulatorServer, *words: str) -> tuple[int, str]:
    auth = ["--base-url", server.url, "--api-key", server.api_key, "--api-secret", server.api_secret]
    needs_api = words[1] != "status"
    result = CliRunner().invoke(app, [*words, *(auth if needs_api else [])])
    return result.exit_code, result.stdout + result.stderr


def test_plan_run_status_verify(server: EmulatorServer, tmp_path: Path) -> None:
    import duckdb

    url = str(tmp_path / "crm.duckdb")
    with duckdb.connect(url) as db:
        db.execute(TABLE_SQL.format(t="customers"))
        db.execute(
            "insert into customers (email, name, plan, news) values ('ann@crm.example', 'Ann', 'pro', true)"
        )
    toml = tmp_path / "crm.toml"
    toml.write_text(MAPPING.format(url=url, root=tmp_path))
    pipes = ["--pipelines-dir", str(tmp_path / "pipelines")]
    code, out = invoke(server, "twoway", "plan", str(toml), *pipes)
    assert code == 0 and "would write 1 contact(s) to Mailjet, 6 row(s) to the database" in out
    assert "ann@crm.example" in out and "create_mailjet" in out
    code, out = invoke(server, "twoway", "run", str(toml), *pipes, "--json")
    report = orjson.loads(out)
    assert code == 0 and report["actions"] == {"create_mailjet": 1, "insert_database": 6}
    code, out = invoke(server, "twoway", "verify", str(toml), *pipes)
    assert code == 0 and "in step" in out
    code, out = invoke(server, "twoway", "status", str(toml))
    assert code == 0 and "tracked: 7 contacts" in out
    with duckdb.connect(url) as db:
        db.execute("update customers set plan = 'team' where email = 'ann@crm.example'")
    code, out = invoke(server, "twoway", "verify", str(toml), *pipes)
    assert code == 1 and "property:plan" in out and "1 difference(s)" in out


def test_a_bad_mapping_is_one_line_and_exit_2(server: EmulatorServer, tmp_path: Path) -> None:
    toml = tmp_path / "bad.toml"
    toml.write_text('[database]\nurl = "x.duckdb"\ntable = "t"\n[conflicts]\nrule = "newest"\n')
    code, out = invoke(server, "twoway", "run", str(toml))
    assert code == 2 and out.startswith("Error: ") and "needs database.updated_at" in out
    assert "Traceback" not in out and len(out.strip().splitlines()) == 1
