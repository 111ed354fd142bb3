"""The SQL part of docs/report.md, generated from `queries.QUERIES` so the docs cannot drift from the code."""

from __future__ import annotations

import sys
from pathlib import Path

from mailjet_connector.report.queries import QUERIES

__all__ = ["END", "START", "queries_markdown", "update_docs"]

START = "<!-- queries:start -->"
END = "<!-- queries:end -->"


def queries_markdown() -> str:
    """Every query of the report as a markdown block: name, title, what it computes, tables, SQL template."""
    parts = []
    for query in QUERIES.values():
        parts.append(
            f"### `{query.name}`: {query.title}\n\n{query.doc} Tables: "
            + ", ".join(f"`{t}`" for t in query.tables)
            + f".\n\n```sql\n{query.sql}\n```\n"
        )
    return "\n".join(parts)


def update_docs(text: str) -> str:
    """`text` with the part between the START and END markers replaced by `queries_markdown()`.

    Raises:
        ValueError: the markers are missing.
    """
    head, sep, rest = text.partition(START)
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise ValueError("docs page lacks the queries:start / queries:end markers")
    return f"{head}{START}\n\n{queries_markdown()}\n{END}{tail}"


if __name__ == "__main__":
    page = Path(sys.argv[1])
    page.write_text(update_docs(page.read_text(encoding="utf-8")), encoding="utf-8")
