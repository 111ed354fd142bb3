"""Every DuckDB connection the project opens: `duckdb.connect` without DuckDB's progress bar.

DuckDB draws its progress bar on standard output, terminal or not, under any statement longer than 2 s: into
the output of `sync --json`, `query --json` and `export -`. It is a setting of each connection (DuckDB refuses
it as a global option); cursors of the connection inherit it.
"""

from __future__ import annotations

from typing import Any


def connect(database: str = ":memory:", **kwargs: Any) -> Any:
    """`duckdb.connect(database, **kwargs)` with the progress bar off."""
    import duckdb

    connection = duckdb.connect(database, **kwargs)
    connection.execute("SET enable_progress_bar = false")
    return connection
