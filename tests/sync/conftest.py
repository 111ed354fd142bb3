"""Sync test helpers: a small emulator, sync options into a temp dataset, and truth vs dataset comparison."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields
from datetime import datetime
from typing import Any

import pytest

from mailjet_connector import catalog
from mailjet_connector.catalog import FieldType
from mailjet_connector.client import Client
from mailjet_connector.sync import Narrowing, SyncOptions, create_pipeline, table_names
from mailjet_connector.sync.schema import TableLayout, layout

# Fewer messages and events than tiny, so that per-message history stays a few dozen calls.
OVERRIDES = {"message": 40, "openinformation": 30, "clickstatistics": 10, "bouncestatistics": 5}
RESOURCES = table_names()  # every table the sync writes
NARROWING_FIELDS = tuple(f.name for f in fields(Narrowing))
COUNTERS = {"counter_sources": ("APIKey", "Campaign"), "counter_timings": ("Message",)}


@pytest.fixture
def small_emulator() -> Iterator[Any]:
    from mailjet_connector.emulator import start_emulator

    server = start_emulator(scale="tiny", seed=1, overrides=OVERRIDES)
    try:
        yield server
    finally:
        server.stop()


def make_options(server: Any, tmp_path: Any, **kw: Any) -> SyncOptions:
    """Options for a sync of `server` into `tmp_path`; `Narrowing` fields may be given flat (`lists=(3,)`),
    and `include_deleted` sets both deleted options (on by default: the truth below reads without filters)."""
    base = {
        "resources": RESOURCES,
        "dataset_url": str(tmp_path / "sync.duckdb"),
        "pipelines_dir": str(tmp_path / "pipelines"),
        "clock": server.state.clock.now,
        "counter_resolutions": ("Lifetime", "Day"),
        "rate_limit": "5000/s",  # the emulator has no limit: do not let the adaptive pacer slow tests down
        **COUNTERS,
        **kw,
    }
    both = base.pop("include_deleted", True)
    narrowing = {name: base.pop(name) for name in NARROWING_FIELDS if name in base}
    narrowing = {"include_deleted_campaigns": both, "include_deleted_lists": both, **narrowing}
    return SyncOptions(
        server.api_key, server.api_secret, base_url=server.url, narrowing=Narrowing(**narrowing), **base
    )


def dataset_rows(options: SyncOptions, table: str) -> dict[str, dict[str, Any]]:
    """The table's rows keyed by `_mj_key`, as dicts of column -> value."""
    pipeline = create_pipeline(options)
    if table not in pipeline.default_schema.tables:
        return {}  # nothing was ever read: dlt creates no table
    with pipeline.sql_client() as client:
        name = client.make_qualified_table_name(table)
        with client.execute_query(f"SELECT * FROM {name}") as cursor:
            columns = [c[0] for c in cursor.description]
            return {
                row["_mj_key"]: row for row in (dict(zip(columns, r, strict=True)) for r in cursor.fetchall())
            }


def wire(value: Any, ftype: FieldType) -> Any:
    """A dataset value back in the API's wire form (independent of the sync's own conversion code)."""
    if ftype is FieldType.TS:
        return "" if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if ftype is FieldType.UNIX:
        return 0 if value is None else int(value.timestamp())
    if ftype in (FieldType.KV, FieldType.JSON):
        return None if value is None else (json.loads(value) if isinstance(value, str) else value)
    return value


def normalise_truth(value: Any, ftype: FieldType) -> Any:
    if ftype is FieldType.UNIX and value in ("", None):
        return 0
    if ftype is FieldType.NUM and isinstance(value, int):
        return float(value)
    return value


def truth_rows(server: Any, table: str, now: int) -> list[tuple[TableLayout, dict[str, Any]]]:
    """What the API serves for `table`, read independently of the sync (wide windows, every parent)."""
    client = Client(server.api_key, server.api_secret, base_url=server.url, rate_limit="5000/s")
    if table.endswith("_content"):
        parent = table.removesuffix("_content")
        return [
            ({"parent": parent}, {**client.action(parent, "detailcontent", row["ID"])[0], "ID": row["ID"]})  # type: ignore[misc]
            for row in client.iter(parent)
        ]
    res = catalog.get(table)
    if res.name == "statcounters":
        return _counter_truth(client, res, now)
    if res.parent is not None:
        parent, flt = res.parent
        column = flt if flt.endswith("ID") else f"{flt}ID"
        lay = layout(res, ((column, FieldType.INT),))
        out = []
        for p in client.iter(parent):
            out += [
                (lay, {**r, column: p["ID"], "_seq": i})
                for i, r in enumerate(client.iter(res.name, {flt: p["ID"]}))
            ]
        return out
    filters = {"EventFromTs": 0, "EventToTs": now} if res.today_default else {}
    return [(layout(res), r) for r in client.iter(res.name, res.with_show_flags(filters))]


def _counter_truth(client: Client, res: Any, now: int) -> list[tuple[TableLayout, dict[str, Any]]]:
    ctx_cols = tuple((n, FieldType.STR) for n in ("CounterSource", "CounterTiming", "CounterResolution"))
    lay = layout(res, ctx_cols)
    out = []
    sources = [("APIKey", None)] + [("Campaign", c["ID"]) for c in client.iter("campaign")]
    for source, sid in sources:
        for resolution in ("Lifetime", "Day"):
            filters: dict[str, Any] = {
                "CounterSource": source,
                "CounterTiming": "Message",
                "CounterResolution": resolution,
            }
            if sid is not None:
                filters["SourceID"] = sid
            # Day: 367 days back, in requests of at most 100 days (the API's widest span).
            windows = [{}] if resolution == "Lifetime" else [
                {"FromTS": lo, "ToTS": min(now, lo + 100 * 86400)}
                for lo in range(now - 367 * 86400, now, 100 * 86400)
            ]  # fmt: skip
            ctx = {"CounterSource": source, "CounterTiming": "Message", "CounterResolution": resolution}
            for window in windows:
                out += [(lay, {**r, **ctx}) for r in client.iter("statcounters", {**filters, **window})]
    return out


def assert_table_matches(server: Any, options: SyncOptions, table: str, now: int) -> None:
    """Every live row of the dataset table equals the API's row, all columns; no extra, none missing."""
    got = {k: v for k, v in dataset_rows(options, table).items() if v["_mj_deleted_at"] is None}
    truth = truth_rows(server, table, now)
    if not truth:
        assert not got, table
        return
    if table.endswith("_content"):
        assert len(got) == len(truth), table
        for _, row in truth:
            match = [g for g in got.values() if next(iter(g.values())) == row["ID"]]
            assert match and match[0]["html_part"] == row["Html-part"], table
        return
    expected = {}
    for lay, row in truth:
        key = lay.row_key(row, row.get("_seq", 0))
        expected[key] = {c.name: normalise_truth(row.get(c.wire), c.type) for c in lay.columns}
    assert set(got) == set(expected), f"{table}: keys differ"
    for key, want in expected.items():
        lay = truth[0][0]
        have = {c.name: wire(got[key][c.name], c.type) for c in lay.columns}
        assert have == want, f"{table} {key}"


def unix(moment: datetime) -> int:
    return int(moment.timestamp())
