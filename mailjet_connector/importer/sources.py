"""Row sources for writes: stream dicts from CSV, JSONL, Parquet files or SQL over the synced dataset."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from mailjet_connector.errors import SourceError
from mailjet_connector.importer.model import BadRow

__all__ = ["SUFFIXES", "SourceError", "read_rows"]

SUFFIXES = (".csv", ".jsonl", ".ndjson", ".parquet")


def read_rows(
    source: str | Path | None = None,
    *,
    sql: str | None = None,
    dataset_url: str | None = None,
    allow_files: bool = False,
    keep_malformed: bool = False,
) -> Iterator[dict[str, Any]]:
    """Stream the rows of a file, or of a SQL query over the synced dataset, as dicts.

    The format follows the file's extension: `.csv` (header row; values are strings, empty cells None),
    `.jsonl`/`.ndjson` (one JSON object per line), `.parquet` (read batch by batch).

    Args:
        source: the file to read; ignored when `sql` is given.
        sql: one read-only SELECT to run on the synced dataset instead of reading a file (`sqlsandbox`).
        allow_files: let the SELECT read files (`read_csv(...)`); never writes.
        dataset_url: the DuckDB file or `postgresql://` URL the query runs on (default `./mailjet.duckdb`).
        keep_malformed: yield a line that is no row (more cells than columns, a CSV error, a JSON line
            that is not an object) as a `BadRow`, which the planner fails alone; else raise on it.

    Returns:
        An iterator of rows, each a dict of column name -> value, in file order.

    Raises:
        SourceError: the file is missing, its extension unknown, not UTF-8, a line malformed (unless
            `keep_malformed`), or the query failed.
    """
    if sql is not None:
        return _sql_rows(sql, dataset_url, allow_files)
    if source is None:
        raise SourceError("give a file (CSV, JSONL or Parquet) or --sql")
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SourceError(
            f"{path}: unknown file type {suffix or '(none)'!r}; use one of {', '.join(SUFFIXES)}"
        )
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    if suffix == ".parquet":
        return _parquet_rows(path)
    rows = _csv_rows(path) if suffix == ".csv" else _jsonl_rows(path)
    return rows if keep_malformed else _strict(rows, path)


def _strict(rows: Iterator[dict[str, Any]], path: Path) -> Iterator[dict[str, Any]]:
    for row in rows:
        if isinstance(row, BadRow):
            raise SourceError(f"{path}:{row.line}: {row.problem}")
        yield row


def _csv_rows(path: Path) -> Iterator[dict[str, Any]]:
    # utf-8-sig: spreadsheets often write a BOM that would otherwise glue itself to the first header.
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            try:
                header = next(reader, None)
            except csv.Error as exc:
                raise SourceError(f"{path}:{reader.line_num}: {exc} (in the header)") from None
            if header is None:
                return
            header = [name.strip() for name in header]
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:  # the reader starts afresh on the next line
                    yield BadRow({}, reader.line_num, str(exc))
                    continue
                if values:
                    yield _csv_row(header, values, reader.line_num)
        except UnicodeDecodeError as exc:
            byte = exc.object[exc.start : exc.start + 1].hex()
            raise SourceError(f"{path}: not UTF-8 text (byte 0x{byte}); save it as CSV UTF-8") from None


def _csv_row(header: list[str], values: list[str], line: int) -> dict[str, Any]:
    cells = {name: (v if v != "" else None) for name, v in zip(header, values, strict=False)}
    if len(values) > len(header):
        extra = ", ".join(repr(v) for v in values[len(header) :])
        return BadRow(cells, line, f"{len(values)} cells for {len(header)} columns (extra: {_clip(extra)})")
    return {name: cells.get(name) for name in header}


def _jsonl_rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                why = str(exc.args[0]).split(": line ")[0]  # orjson's position counts within the line
                text = _clip(line.decode("utf-8", "replace").strip())
                yield BadRow({}, number, f"bad JSON line ({why}): {text}")
                continue
            if not isinstance(row, dict):
                yield BadRow({}, number, f"expected a JSON object, got {type(row).__name__}")
                continue
            yield row


def _parquet_rows(path: Path) -> Iterator[dict[str, Any]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise SourceError("reading Parquet needs pyarrow: pip install 'mailjet-connector[sync]'") from None
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        raise SourceError(f"{path}: not a readable Parquet file ({_first_line(exc)})") from None
    for batch in parquet.iter_batches(batch_size=10_000):
        yield from batch.to_pylist()


def _sql_rows(sql: str, dataset_url: str | None, allow_files: bool) -> Iterator[dict[str, Any]]:
    from mailjet_connector.query import QueryError
    from mailjet_connector.sqlsandbox import run_readonly

    # Run now, not on first next(): a bad query should fail before any write is planned.
    try:
        result = run_readonly(sql, dataset_url, allow_files=allow_files)
    except QueryError as exc:
        raise SourceError(f"query failed: {exc}") from None
    columns = result.columns
    return (dict(zip(columns, values, strict=True)) for values in result.rows)


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
