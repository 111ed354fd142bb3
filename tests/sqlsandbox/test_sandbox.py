"""The agents' sandbox: copies of the allowed tables only, so no SQL reaches another table or a file (#16).

A table of attempts per area (what an agent that may read one area tries against every other table), and a
property test over generated SQL built from table names, catalog functions and string tricks.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailjet_connector import catalog
from mailjet_connector.agents.policy import Access, AgentPolicy
from mailjet_connector.catalog import Area
from mailjet_connector.dataset import DEFAULT_DATASET
from mailjet_connector.query import QueryError, QueryResult
from mailjet_connector.sqlsandbox import Sandbox, open_sandbox
from tests.sqlsandbox.conftest import DLT_TABLES, FILE_MARK, Dataset, mark


def reader(area: Area) -> AgentPolicy:
    return AgentPolicy(f"reads-{area.value}", "sha256$00$00", {area: Access.READ})


def shown(result: QueryResult) -> str:
    return repr(result.columns) + repr(result.rows)


ATTEMPTS = [
    "select * from {t}",
    "select * from {schema}.{t}",
    'select * from "{t}"',
    "select * from memory.{schema}.{t}",
    "select * from mailjet.{schema}.{t}",
    "select * from query_table('{t}')",
    "select * from query_table('{schema}.{t}')",
    "select * from query_table(['{own}', '{t}'])",
    "select * from query('select * from {t}')",
    "select * from query('select * from ' || '{t}')",
    "select * from query_table(concat('{head}', '{tail}'))",
    "select * from query_table(upper('{t}'))",
    "select sql, table_name from duckdb_tables()",
    "select * from duckdb_views()",
    "select * from duckdb_columns()",
    "select database_name, path from duckdb_databases()",
    "select * from duckdb_settings()",
    "select * from read_csv('{file}')",
    "select * from read_text('{file}')",
    "select * from '{file}'",
    "select * from glob('{dir}/*')",
    "select * from read_text('{dataset}')",
    "attach '{dataset}' as src (read_only)",
    "select * from src.{schema}.{t}",
    "set enable_external_access = true",
    "set lock_configuration = false",
    "select * from duckdb_secrets()",
    "select * from information_schema.tables",
    "select * from main.outside",
    "select * from outside",
]


@pytest.fixture(scope="module")
def sandboxes(dataset: Dataset) -> Iterator[dict[Area, Sandbox]]:
    made = {
        area: open_sandbox(str(dataset.path), DEFAULT_DATASET, reader(area).can_read_table) for area in Area
    }
    yield made  # type: ignore[misc]
    for sandbox in made.values():
        sandbox.close()


def forbidden_tables(dataset: Dataset, agent: AgentPolicy) -> list[str]:
    """One table of every area the agent may not read, child tables, dlt's tables and one outside the schema."""
    first = {}
    for table in dataset.tables:
        resource = catalog.get(table.split("__")[0]) if not table.startswith("_dlt") else None
        key = resource.area if resource is not None else table
        if not agent.can_read_table(table):
            first.setdefault(key, table)
    return [*first.values(), "contact__properties", "outside"]


@pytest.mark.parametrize("area", list(Area), ids=[a.value for a in Area])
def test_an_agent_reads_its_tables_and_nothing_else(
    area: Area, dataset: Dataset, sandboxes: dict[Area, Sandbox]
) -> None:
    agent, sandbox = reader(area), sandboxes[area]
    own = next((r.name for r in catalog.all_resources() if r.area is area), None)
    if own is not None:  # the positive control (the send area has no tables)
        assert sandbox.run(f"select marker from {own}").rows == [(mark(own),)]
    targets = forbidden_tables(dataset, agent)
    assert set(DLT_TABLES) <= set(targets)
    targets = [t for t in targets if not agent.can_read_table(t)]
    for table in targets:
        for attempt in ATTEMPTS:
            sql = attempt.format(
                t=table, schema=DEFAULT_DATASET, own=own or 'contact', head=table[:2], tail=table[2:],
                file=dataset.secret_file, dir=dataset.secret_file.parent, dataset=dataset.path,
            )  # fmt: skip
            try:
                text = shown(sandbox.run(sql, max_rows=50))
            except QueryError as exc:
                text = str(exc)
                assert "\n" not in text
            assert mark(table) not in text, sql
            assert FILE_MARK not in text, sql
            assert str(dataset.path) in sql or str(dataset.path) not in text, sql  # only echoed back


NAMES = st.sampled_from(
    [r.name for r in catalog.all_resources()] + ["contact__properties", *DLT_TABLES, "outside"]
)


def spelled(name: str) -> st.SearchStrategy[str]:
    """SQL text that evaluates to `name` (a literal, split and joined, cased, or built by functions)."""
    cut = max(1, len(name) // 2)
    return st.sampled_from(
        [
            f"'{name}'",
            f"'{name[:cut]}' || '{name[cut:]}'",
            f"concat('{name[:cut]}', '{name[cut:]}')",
            f"lower('{name.upper()}')",
            f"'{DEFAULT_DATASET}.{name}'",
            f"replace('{name}X', 'X', '')",
        ]
    )


@st.composite
def generated_sql(draw: st.DrawFn) -> tuple[str, str]:
    table = draw(NAMES)
    text = draw(spelled(table))
    shape = draw(
        st.sampled_from(
            [
                "select * from {t}",
                "select * from query_table({x})",
                "select * from query('select * from ' || {x})",
                "select count(*), min(marker) from query_table({x})",
                "select * from read_csv({x})",
                "select * from read_text({x})",
                "select * from glob({x})",
                "with q as (select * from query_table({x})) select * from q",
                "select (select marker from query_table({x}) limit 1) as m",
                "select * from {t} union all select * from query_table({x})",
                "select * from duckdb_tables() where table_name = {x}",
            ]
        )
    )
    return table, shape.format(t=table, x=text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=generated_sql(), area=st.sampled_from(list(Area)))
def test_generated_sql_shows_only_allowed_tables(
    case: tuple[str, str], area: Area, dataset: Dataset, sandboxes: dict[Area, Sandbox]
) -> None:
    _, sql = case
    agent = reader(area)
    try:
        text = shown(sandboxes[area].run(sql, max_rows=20))
    except QueryError as exc:
        text = str(exc)
    leaked = [t for t in [*dataset.tables, "outside"] if mark(t) in text and not agent.can_read_table(t)]
    assert leaked == [], sql
    assert FILE_MARK not in text


def test_copies_follow_the_dataset(tmp_path_factory: pytest.TempPathFactory) -> None:
    from tests.sqlsandbox.conftest import build_dataset, duckdb

    made = build_dataset(tmp_path_factory.mktemp("follow"))
    sandbox = open_sandbox(str(made.path), DEFAULT_DATASET, reader(Area.CONTACTS).can_read_table)
    assert sandbox.run("select count(*) from contact").rows == [(1,)]
    with duckdb.connect(str(made.path)) as conn:  # a sync lands more rows
        conn.execute(f"insert into {DEFAULT_DATASET}.contact values (2, 'x'), (3, 'y')")
    assert sandbox.run("select count(*) from contact").rows == [(3,)]
    sandbox.close()


RUNAWAY = "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r"


def test_a_runaway_statement_is_stopped_and_the_runner_stays_usable(dataset: Dataset) -> None:
    """A SELECT that never ends held the agent's sandbox (and a CPU) until the MCP server stopped: every later
    `query` call waited behind it (found by the #16 acceptance review). With a timeout DuckDB is interrupted."""
    from mailjet_connector.agents.tools import ToolContext, ToolError
    from mailjet_connector.agents.tools_stats import query

    own = next(r.name for r in catalog.all_resources() if r.area is Area.STATISTICS)
    sandbox = open_sandbox(
        str(dataset.path), DEFAULT_DATASET, reader(Area.STATISTICS).can_read_table, timeout=0.5
    )
    try:
        with pytest.raises(QueryError, match=r"ran longer than 0.5 s and was stopped"):
            sandbox.run(RUNAWAY)
        assert sandbox.run(f"select marker from {own}").rows == [(mark(own),)]
    finally:
        sandbox.close()
    # the MCP tool's own sandbox carries the bound (ToolContext.query_seconds, 30 s by default)
    ctx = ToolContext(None, reader(Area.STATISTICS), dataset_url=str(dataset.path), query_seconds=0.5)  # type: ignore[arg-type]
    try:
        with pytest.raises(ToolError, match=r"ran longer than 0.5 s"):
            query(ctx, RUNAWAY)
        assert query(ctx, f"select marker from {own}")["rows"] == [{"marker": mark(own)}]
    finally:
        ctx.sql().close()
