"""The sandbox on PostgreSQL: read-only transaction, one SELECT, and the database's own grants keep files and
other tables out of reach (a role that could reach them is refused). Runs in a database of its own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from mailjet_connector.query import QueryError
from mailjet_connector.sqlsandbox import SandboxError, open_sandbox, run_readonly, setup_sql

pytestmark = pytest.mark.postgres
psycopg = pytest.importorskip("psycopg")

ADMIN = "postgresql://postgres@127.0.0.1:5432/{db}"
SCHEMA = "mailjet_data"


@dataclass(frozen=True)
class Pg:
    admin: str  # superuser URL of the test database
    reader: str  # URL of a login role granted only `contact`
    role: str


def admin_connect(url: str) -> Any:
    try:
        return psycopg.connect(url, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at 127.0.0.1:5432 ({str(exc).splitlines()[0]})")


@pytest.fixture(scope="module")
def pg() -> Iterator[Pg]:
    name = f"mjsandbox_{uuid.uuid4().hex[:10]}"
    role = f"{name}_agent"
    with admin_connect(ADMIN.format(db="test")) as conn:
        conn.execute(f"create database {name}")
    try:
        with admin_connect(ADMIN.format(db=name)) as conn:
            conn.execute(f"create schema {SCHEMA}")
            conn.execute(f"create table {SCHEMA}.contact as select 1 as id, 'a@example.com' as email")
            conn.execute(f"create table {SCHEMA}.apikey as select 'SECRET-KEY' as secret_key")
            for statement in setup_sql(role, SCHEMA, ["contact"]).split(";\n"):
                conn.execute(statement.rstrip(";"))
        yield Pg(ADMIN.format(db=name), f"postgresql://{role}:change-me@127.0.0.1:5432/{name}", role)
    finally:
        with admin_connect(ADMIN.format(db="test")) as conn:
            conn.execute(f"drop database if exists {name} with (force)")
            conn.execute(f"drop role if exists {role}")


def count(pg: Pg) -> int:
    with admin_connect(pg.admin) as conn:
        return conn.execute(f"select count(*) from {SCHEMA}.contact").fetchone()[0]


def test_a_superuser_url_is_refused_unless_files_are_allowed(pg: Pg) -> None:
    with pytest.raises(SandboxError, match="server files") as caught:
        run_readonly("select 1", pg.admin, SCHEMA)
    assert "\n" not in str(caught.value)
    assert run_readonly("select count(*) from contact", pg.admin, SCHEMA, allow_files=True).rows == [(1,)]


@pytest.mark.parametrize(
    ("sql", "error"),
    [
        ("delete from contact", QueryError),
        ("delete from contact; commit; select 1", QueryError),
        ("select 1; select 2", SandboxError),
        ("with d as (delete from contact returning *) select * from d", QueryError),
        ("copy contact to stdout", QueryError),
        ("select * from contact for update", QueryError),
    ],
)
def test_nothing_is_written_even_by_a_superuser(pg: Pg, sql: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        run_readonly(sql, pg.admin, SCHEMA, allow_files=True)
    assert count(pg) == 1


def test_a_restricted_role_reads_its_tables_and_no_file(pg: Pg) -> None:
    assert run_readonly("select email from contact", pg.reader, SCHEMA).rows == [("a@example.com",)]
    for sql in (
        "select * from apikey",
        "select pg_read_file('/etc/hostname')",
        "select set_config('role', 'postgres', false)",
    ):
        with pytest.raises(QueryError, match="permission denied"):
            run_readonly(sql, pg.reader, SCHEMA)
    assert run_readonly("select * from generate_series(1, 10)", pg.reader, SCHEMA, max_rows=3).rows == [
        (1,),
        (2,),
        (3,),
    ]


def test_an_agent_sandbox_needs_a_role_granted_only_its_tables(pg: Pg) -> None:
    only_contact = open_sandbox(pg.reader, SCHEMA, lambda table: table == "contact")
    assert only_contact.run("select count(*) from contact").rows == [(1,)]
    with pytest.raises(SandboxError, match=f"can read {SCHEMA}.contact, which this agent may not"):
        open_sandbox(pg.reader, SCHEMA, lambda table: False).run("select 1")
    with pytest.raises(SandboxError, match="server files"):
        open_sandbox(pg.admin, SCHEMA, lambda table: True).run("select 1")


def test_errors_never_show_the_password(pg: Pg) -> None:
    url = pg.reader.replace("change-me", "hunter2secret").replace(":5432", ":1")
    with pytest.raises(QueryError) as caught:
        run_readonly("select 1", url, SCHEMA)
    assert "hunter2secret" not in str(caught.value)


def test_an_agent_statement_is_stopped_after_its_timeout(pg: Pg) -> None:
    """The MCP `query` tool's bound on PostgreSQL: `statement_timeout` in the read-only transaction."""
    runner = open_sandbox(pg.reader, SCHEMA, lambda table: table == "contact", timeout=0.5)
    with pytest.raises(QueryError, match=r"ran longer than 0.5 s and was stopped"):
        runner.run("select count(*) from contact, pg_sleep(5)")
    assert runner.run("select count(*) from contact").rows == [(1,)]
