"""No DuckDB connection of ours draws DuckDB's progress bar on stdout (it broke `sync --json`, and would break
`query --json` and `export -`, under any statement longer than 2 s)."""

from __future__ import annotations

from pathlib import Path

from mailjet_connector import duckdb_connect
from mailjet_connector.query import open_duckdb


def test_connections_and_their_cursors_draw_no_progress_bar(tmp_path: Path) -> None:
    # (DuckDB draws after 2 s by default, terminal or not: `print(con.sql(long).fetchall())` > file shows it)
    connection = duckdb_connect.connect(str(tmp_path / "d.duckdb"))
    connection.execute("create table t (x int)")
    connection.close()
    opened = open_duckdb(tmp_path / "d.duckdb")  # what `query` and `export` read with
    for cursor in (opened, opened.cursor()):
        assert cursor.execute("select current_setting('enable_progress_bar')").fetchall() == [(False,)]
