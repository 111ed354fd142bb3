"""`exporting`: every format round-trips the emulator's rows exactly, page by page, with catalog checks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from mailjet_connector import catalog
from mailjet_connector.catalog import FieldType
from mailjet_connector.client import Client
from mailjet_connector.exporting import ExportFormat, export_filters, export_resource, parse_where

pq = pytest.importorskip("pyarrow.parquet")

# message: 19-digit IDs, floats, booleans; contactdata: KV lists; contact: empty timestamps.
RESOURCES = ["message", "contactdata", "contact"]


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """One read-only tiny emulator for the whole module (exports never write)."""
    from mailjet_connector.emulator.server import start_emulator

    with (
        start_emulator(scale="tiny", seed=0) as server,
        Client(server.api_key, server.api_secret, base_url=server.url) as c,
    ):
        yield c


def api_rows(client: Client, name: str) -> list[dict[str, Any]]:
    res = catalog.get(name)
    return list(client.iter(name, export_filters(res, {})))


def from_text(ftype: FieldType | None, text: str) -> Any:
    """A CSV cell back to the API's value, using the catalog type."""
    if ftype in (FieldType.INT, FieldType.UNIX):
        return int(text)
    if ftype == FieldType.NUM:
        return float(text)
    if ftype == FieldType.BOOL:
        return text == "true"
    if ftype in (FieldType.KV, FieldType.JSON):
        return orjson.loads(text)
    return text


def from_parquet(ftype: FieldType | None, value: Any) -> Any:
    """A Parquet value back to the API's value: timestamps to RFC 3339 Z ("" for null), JSON text parsed."""
    if ftype == FieldType.TS:
        return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else ""
    if ftype in (FieldType.KV, FieldType.JSON):
        return orjson.loads(value)
    return value


def read_back(fmt: ExportFormat, name: str, path: Path) -> list[dict[str, Any]]:
    res = catalog.get(name)

    def ftype(column: str) -> FieldType | None:
        field = res.field(column)
        return field.type if field else None

    if fmt is ExportFormat.JSONL:
        return [orjson.loads(line) for line in path.read_bytes().splitlines()]
    if fmt is ExportFormat.CSV:
        with path.open(newline="", encoding="utf-8") as handle:
            return [{k: from_text(ftype(k), v) for k, v in row.items()} for row in csv.DictReader(handle)]
    return [{k: from_parquet(ftype(k), v) for k, v in row.items()} for row in pq.read_table(path).to_pylist()]


@pytest.mark.parametrize("fmt", list(ExportFormat), ids=str)
@pytest.mark.parametrize("name", RESOURCES)
def test_export_round_trips_the_api_rows_exactly(
    client: Client, tmp_path: Path, fmt: ExportFormat, name: str
) -> None:
    path = tmp_path / f"{name}.{fmt}"
    report = export_resource(client, name, fmt, path)
    expected = api_rows(client, name)
    assert report.rows == len(expected) > 0
    assert read_back(fmt, name, path) == expected


def test_parquet_gets_one_row_group_per_page(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "message.parquet"
    report = export_resource(client, "message", ExportFormat.PARQUET, path, page_size=100)
    meta = pq.ParquetFile(path).metadata
    assert report.pages > 1
    assert meta.num_row_groups == report.pages
    assert max(meta.row_group(i).num_rows for i in range(meta.num_row_groups)) <= 100


def test_export_writes_each_page_before_fetching_the_next(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "contact.jsonl"
    seen: list[tuple[int, int]] = []
    with path.open("wb") as handle:

        def progress(rows: int) -> None:
            seen.append((rows, path.read_bytes().count(b"\n")))

        export_resource(client, "contact", ExportFormat.JSONL, handle, page_size=50, progress=progress)
    assert len(seen) >= 4
    assert all(rows == lines for rows, lines in seen)


def test_export_to_a_stream_leaves_it_open(client: Client) -> None:
    buffer = io.BytesIO()
    report = export_resource(client, "contactslist", ExportFormat.CSV, buffer)
    assert not buffer.closed
    assert buffer.getvalue().decode().count("\n") == report.rows + 1


def test_today_default_resources_export_all_time(client: Client, tmp_path: Path) -> None:
    res = catalog.get("openinformation")
    assert res.today_default
    report = export_resource(client, "openinformation", ExportFormat.JSONL, tmp_path / "o.jsonl")
    assert report.rows == client.count("openinformation", {res.cursor.from_filter: 0}) > 0


def test_an_explicit_time_window_is_kept(client: Client) -> None:
    res = catalog.get("openinformation")
    assert export_filters(res, {"EventFromTs": "5"}) == {"EventFromTs": "5"}


def test_empty_result_writes_the_header_only(client: Client) -> None:
    buffer = io.BytesIO()
    report = export_resource(
        client, "contact", ExportFormat.CSV, buffer, filters={"Email": "no@where.invalid"}
    )
    assert report.rows == 0
    assert buffer.getvalue().decode().splitlines() == [
        ",".join(f.name for f in catalog.get("contact").fields)
    ]


def test_where_uses_the_catalog_spelling_and_first_value_wins() -> None:
    res = catalog.get("message")
    assert parse_where(res, ["campaignid=4", "CampaignID=5"]) == {"CampaignID": "4"}


@pytest.mark.parametrize(
    ("pairs", "message"),
    [(["Nope=1"], "message has no filter 'Nope'"), (["CampaignID"], "--where expects FILTER=VALUE")],
    ids=["unknown", "shape"],
)
def test_where_rejects_bad_filters(pairs: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_where(catalog.get("message"), pairs)


def test_parent_scoped_resources_need_their_id_filter() -> None:
    with pytest.raises(ValueError, match="CampaignID"):
        export_filters(catalog.get("statistics_link_click"), {})


def test_secret_fields_are_never_exported(client: Client) -> None:
    secret = [f.name for f in catalog.get("apikey").fields if f.secret]
    buffer = io.BytesIO()
    export_resource(client, "apikey", ExportFormat.JSONL, buffer)
    rows = [orjson.loads(line) for line in buffer.getvalue().splitlines()]
    assert rows and secret
    assert all(name not in row for row in rows for name in secret)


def test_escape_formulas_writes_formula_cells_as_text(tmp_path: Path) -> None:
    # #22 item 3: a contact who signs up as a formula must not run in the spreadsheet that opens the file.
    from mailjet_connector.emulator.server import start_emulator

    with (
        start_emulator(scale="tiny", seed=3) as server,
        Client(server.api_key, server.api_secret, base_url=server.url) as writer,
    ):
        writer.create("contact", {"Email": "evil@example.org", "Name": '=HYPERLINK("http://x.example","go")'})
        writer.create("contact", {"Email": "plain@example.org", "Name": "-Dash"})
        filters = {"Email": "evil@example.org"}
        raw, safe = io.BytesIO(), io.BytesIO()
        export_resource(writer, "contact", ExportFormat.CSV, raw, filters=filters)
        export_resource(writer, "contact", ExportFormat.CSV, safe, filters=filters, escape_formulas=True)
        dash = io.BytesIO()
        export_resource(
            writer,
            "contact",
            ExportFormat.CSV,
            dash,
            filters={"Email": "plain@example.org"},
            escape_formulas=True,
        )
        with pytest.raises(ValueError, match="csv only"):
            export_resource(writer, "contact", ExportFormat.JSONL, io.BytesIO(), escape_formulas=True)

    def names(buffer: io.BytesIO) -> list[str]:
        return [row["Name"] for row in csv.DictReader(io.StringIO(buffer.getvalue().decode()))]

    assert names(raw) == ['=HYPERLINK("http://x.example","go")']  # the default keeps the API's value
    assert names(safe) == ['\'=HYPERLINK("http://x.example","go")']
    assert names(dash) == ["'-Dash"]
    ids = [row["ID"] for row in csv.DictReader(io.StringIO(safe.getvalue().decode()))]
    assert ids[0].isdigit()  # numbers are left alone


def test_escape_formulas_is_refused_for_other_formats_on_the_command_line() -> None:
    from typer.testing import CliRunner

    from mailjet_connector.cli import app

    result = CliRunner().invoke(app, ["export", "contact", "--format", "jsonl", "--escape-formulas"])
    assert result.exit_code == 2 and "--escape-formulas applies to --format csv only" in result.output
