"""Streaming export of one resource straight from the API to CSV, JSONL or Parquet, one page at a time.

Memory is bounded by the pages in flight (the client's page concurrency times the page size): each page is
written and dropped before the next batch is fetched. Parquet gets one row group per page.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Protocol

import orjson

from mailjet_connector import catalog
from mailjet_connector.catalog import FieldType, Resource
from mailjet_connector.client import Client
from mailjet_connector.pagination import MAX_LIMIT
from mailjet_connector.spreadsheet import neutralise

__all__ = [
    "ExportFormat",
    "ExportReport",
    "column_names",
    "export_filters",
    "export_resource",
    "open_writer",
    "parse_where",
]

Row = dict[str, Any]
Progress = Callable[[int], None]
# Time filters meaning "since forever": without them these resources return only the current day (§8.15).
ALL_TIME = 0


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"
    PARQUET = "parquet"


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote.

    Args:
        resource: catalog name.
        rows: rows written.
        pages: API pages read (one Parquet row group each).
        seconds: wall-clock duration.
    """

    resource: str
    rows: int
    pages: int
    seconds: float


def parse_where(res: Resource, pairs: Iterable[str]) -> dict[str, str]:
    """Query filters from `FILTER=VALUE` pairs, checked against the catalog's filters for `res`.

    Returns:
        filter name as the catalog spells it -> value (the first occurrence wins, as on Mailjet).

    Raises:
        ValueError: a malformed pair or a filter the resource does not have (the message lists them).
    """
    filters: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--where expects FILTER=VALUE, got {pair!r}")
        flt = res.filter(name.strip())
        if flt is None:
            known = ", ".join(f.name for f in res.filters) or "none"
            raise ValueError(f"{res.name} has no filter {name.strip()!r}; its filters: {known}")
        filters.setdefault(flt.name, value)
    return filters


def export_filters(res: Resource, filters: dict[str, str]) -> dict[str, Any]:
    """The filters to send: the user's, plus the display flags of fields left empty unless asked, plus "all
    time" for resources that default to the current day.

    Raises:
        ValueError: a required filter (or the parent's ID filter) is missing.
    """
    needed = [f.name for f in res.filters if f.required]
    if res.parent is not None:
        needed.append(res.parent[1])
    missing = [name for name in dict.fromkeys(needed) if name not in filters]
    if missing:
        example = " ".join(f"--where {name}=..." for name in missing)
        raise ValueError(f"{res.name} is read with {', '.join(missing)}: add {example}")
    # Complete rows, as the sync reads them: display flags (ShowSubject...) unless the user set them.
    result: dict[str, Any] = res.with_show_flags(filters)
    cursor = res.cursor
    if res.today_default and cursor is not None and cursor.from_filter:
        time_filters = {cursor.from_filter, cursor.to_filter} - {None}
        if not time_filters & set(filters):
            result[cursor.from_filter] = ALL_TIME
    return result


def column_names(res: Resource, first_page: list[Row]) -> list[str]:
    """The file's columns: the catalog's fields (secrets left out), then unknown keys of the first page."""
    names = [f.name for f in res.fields if not f.secret]
    known = {f.name for f in res.fields}
    extras = dict.fromkeys(key for row in first_page for key in row if key not in known)
    return names + list(extras)


class RowWriter(Protocol):
    """Writes pages of rows to one file; `close` flushes and finishes it."""

    def write_page(self, rows: list[Row]) -> None: ...

    def close(self) -> None: ...


def _field_type(res: Resource, column: str) -> FieldType | None:
    field = res.field(column)
    return field.type if field is not None else None


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def _csv_cell(ftype: FieldType | None, value: Any) -> Any:
    """One CSV cell: JSON text for structured values, lower-case booleans, "" for missing values."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if ftype in (FieldType.KV, FieldType.JSON) or isinstance(value, (dict, list)):
        return _json_text(value)
    return value


class CsvWriter:
    """CSV with a header row; KV/JSON fields as JSON text, timestamps as the API spells them.

    With `escape_formulas`, a text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR)
    is written with a leading `'` (`spreadsheet.neutralise`); off by default, so the file holds exactly
    what the API returned and imports back unchanged.
    """

    def __init__(
        self, res: Resource, columns: list[str], stream: IO[bytes], *, escape_formulas: bool = False
    ):
        self._types = [_field_type(res, c) for c in columns]
        self._columns = columns
        self._escape = escape_formulas
        self._stream = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)  # type: ignore[arg-type]
        self._csv = csv.writer(self._stream, lineterminator="\n")
        self._csv.writerow([neutralise(c) for c in columns] if escape_formulas else columns)

    def write_page(self, rows: list[Row]) -> None:
        pairs = list(zip(self._columns, self._types, strict=True))
        cells = ([_csv_cell(t, row.get(c)) for c, t in pairs] for row in rows)
        if self._escape:
            cells = ([neutralise(v) if isinstance(v, str) else v for v in line] for line in cells)
        self._csv.writerows(cells)
        self._stream.flush()

    def close(self) -> None:
        # Detach so that the caller's stream (stdout, an open file) stays open after the wrapper goes.
        self._stream.flush()
        self._stream.detach()


class JsonlWriter:
    """One JSON object per line, exactly as the API sent it (secret fields left out)."""

    def __init__(self, res: Resource, stream: IO[bytes]):
        self._secret = {f.name for f in res.fields if f.secret}
        self._stream = stream

    def write_page(self, rows: list[Row]) -> None:
        if self._secret:
            rows = [{k: v for k, v in row.items() if k not in self._secret} for row in rows]
        self._stream.write(b"".join(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE) for row in rows))
        self._stream.flush()

    def close(self) -> None:
        self._stream.flush()


def _arrow_type(ftype: FieldType | None) -> Any:
    import pyarrow as pa

    return {
        FieldType.INT: pa.int64(),
        FieldType.UNIX: pa.int64(),
        FieldType.NUM: pa.float64(),
        FieldType.BOOL: pa.bool_(),
        FieldType.TS: pa.timestamp("s", tz="UTC"),
    }.get(ftype, pa.string())  # type: ignore[arg-type]


def _arrow_value(ftype: FieldType | None, value: Any) -> Any:
    """A Python value pyarrow takes for the column type: TS "" becomes null, structures JSON text."""
    if value is None:
        return None
    if ftype == FieldType.TS:
        return datetime.fromisoformat(value) if value else None
    if ftype in (FieldType.INT, FieldType.UNIX, FieldType.NUM, FieldType.BOOL):
        return value
    return value if isinstance(value, str) else _json_text(value)


class ParquetWriter:
    """Parquet with a schema from the catalog (TS as UTC timestamps, KV/JSON as JSON text), a row group a page."""

    def __init__(self, res: Resource, columns: list[str], path: Path):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._types = [_field_type(res, c) for c in columns]
        self._columns = columns
        self._schema = pa.schema([(c, _arrow_type(t)) for c, t in zip(columns, self._types, strict=True)])
        self._writer = pq.ParquetWriter(path, self._schema)

    def write_page(self, rows: list[Row]) -> None:
        import pyarrow as pa

        arrays = [
            pa.array([_arrow_value(t, row.get(c)) for row in rows], type=field.type)
            for c, t, field in zip(self._columns, self._types, self._schema, strict=True)
        ]
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self._schema))

    def close(self) -> None:
        self._writer.close()


def open_writer(
    fmt: ExportFormat,
    res: Resource,
    columns: list[str],
    target: Path | IO[bytes],
    *,
    escape_formulas: bool = False,
) -> RowWriter:
    """A writer for `fmt` on `target`: a Parquet file path, or a binary stream (a file, stdout) for CSV/JSONL.

    Raises:
        ValueError: Parquet asked for without a file path, or `escape_formulas` for another format than CSV.
    """
    if escape_formulas and fmt is not ExportFormat.CSV:
        raise ValueError("--escape-formulas applies to --format csv only")
    if fmt is ExportFormat.PARQUET:
        if not isinstance(target, Path):
            raise ValueError("parquet needs --output PATH (it cannot be streamed to stdout)")
        return ParquetWriter(res, columns, target)
    if isinstance(target, Path):
        raise ValueError(f"{fmt} writes to a binary stream: open the file first")
    if fmt is ExportFormat.JSONL:
        return JsonlWriter(res, target)
    return CsvWriter(res, columns, target, escape_formulas=escape_formulas)


def export_resource(
    client: Client,
    name: str,
    fmt: ExportFormat,
    output: Path | IO[bytes],
    *,
    filters: dict[str, str] | None = None,
    progress: Progress | None = None,
    page_size: int = MAX_LIMIT,
    escape_formulas: bool = False,
) -> ExportReport:
    """Stream every row of `name` into `output`, page by page.

    Args:
        client: a connected client.
        name: catalog name (or Mailjet name) of a readable resource.
        fmt: csv, jsonl or parquet.
        output: a file path, or a binary stream (stdout) for csv/jsonl; a stream is left open.
        filters: query filters already checked by `parse_where`.
        progress: called with the number of rows written so far, after each page.
        page_size: rows per API page (at most 1000), hence per Parquet row group.
        escape_formulas: csv: write text cells a spreadsheet would run as formulas with a leading `'`.

    Returns:
        The rows and pages written.

    Raises:
        UnknownResourceError: not in the catalog.
        ValueError: the resource cannot be listed, a required filter is missing, parquet without a path, or
            `escape_formulas` with another format than csv.
        MailjetError: the API refused or failed (the file keeps the pages written so far).
    """
    res = catalog.get(name)
    if not res.readable:
        raise ValueError(f"{res.name} cannot be listed (no GET)")
    if escape_formulas and fmt is not ExportFormat.CSV:
        raise ValueError("--escape-formulas applies to --format csv only")
    started = time.perf_counter()
    # Fetch the first page before creating the file: a refused call leaves no empty file behind.
    pages = client.iter_pages(res.name, export_filters(res, filters or {}), limit=page_size)
    first = next(pages, [])
    rows = count = 0
    with ExitStack() as stack:
        target: Path | IO[bytes] = output
        if isinstance(output, Path) and fmt is not ExportFormat.PARQUET:
            target = stack.enter_context(output.open("wb"))
        writer = open_writer(fmt, res, column_names(res, first), target, escape_formulas=escape_formulas)
        stack.callback(writer.close)
        for page in _chain(first, pages):
            writer.write_page(page)
            rows += len(page)
            count += 1
            if progress is not None:
                progress(rows)
    return ExportReport(res.name, rows, count, time.perf_counter() - started)


def _chain(first: list[Row], rest: Iterator[list[Row]]) -> Iterator[list[Row]]:
    if first:
        yield first
    yield from rest
