"""The options of the commands that read the synced dataset (`query`, `report`, `contacts forget`), declared once."""

from __future__ import annotations

from typing import Annotated

import typer

DatasetUrl = Annotated[
    str | None,
    typer.Option(
        "--dataset-url",
        help="DuckDB file or postgresql:// URL (default ./mailjet.duckdb; with --emulator ./mailjet-emulator.duckdb).",
    ),
]
DatasetName = Annotated[str, typer.Option("--dataset-name", help="Schema the sync wrote to.")]
