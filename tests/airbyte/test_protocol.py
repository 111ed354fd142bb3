"""The Airbyte source in process: every line is a valid protocol message, records fit the discovered schemas
and the emulator's counts, state resumes a read, failures are one TRACE line (#21.3)."""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from airbyte_protocol.models import FailureType, Status, Type

from mailjet_connector import Client
from mailjet_connector.sync.incremental import is_incremental
from mailjet_connector.sync.schema import column_name
from mailjet_connector.sync.source import syncable
from tests.airbyte.conftest import configured_catalog, run_command, write_config
from tests.airbyte.counts import emulator_counts

# One of each kind of stream: plain, incremental, KV column, per parent, by parent, statcounters series.
STREAMS = ["contact", "contactdata", "message", "messagehistory", "statistics_link_click", "statcounters"]


def records_by_stream(messages: list[Any]) -> dict[str, list[dict]]:
    found = collections.defaultdict(list)
    for message in messages:
        if message.type == Type.RECORD:
            found[message.record.stream].append(message.record.data)
    return found


def states(messages: list[Any], stream: str) -> list[dict]:
    return [
        m.state.stream.stream_state.model_dump()
        for m in messages
        if m.type == Type.STATE and m.state.stream.stream_descriptor.name == stream
    ]


def test_spec_is_a_connector_specification_with_a_valid_schema():
    code, (message,) = run_command("spec")
    assert code == 0 and message.type == Type.SPEC
    schema = message.spec.connectionSpecification
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["required"] == ["api_key", "api_key_secret"]  # the names Airbyte's Mailjet source uses
    assert schema["properties"]["api_key_secret"]["airbyte_secret"] is True


def test_discover_offers_one_stream_per_synced_resource(config: Path):
    code, (message,) = run_command("discover", config=config)
    assert code == 0 and message.type == Type.CATALOG
    streams = {s.name: s for s in message.catalog.streams}
    assert list(streams) == [r.name for r in syncable()]
    for res in syncable():
        stream = streams[res.name]
        jsonschema.Draft7Validator.check_schema(stream.json_schema)
        assert stream.source_defined_primary_key == [["_mj_key"]]
        modes = [m.value for m in stream.supported_sync_modes]
        if is_incremental(res) or res.name == "messagehistory":  # by message: the message window
            assert modes == ["full_refresh", "incremental"]
            assert stream.default_cursor_field == [column_name(res.cursor.field)]
        else:  # incremental exactly where the sync is
            assert modes == ["full_refresh"] and stream.default_cursor_field is None
    assert streams["messagehistory"].default_cursor_field == ["event_at"]


def test_read_matches_the_emulator_counts_and_the_schemas(tmp_path: Path, config: Path, emulator):
    catalog = configured_catalog(tmp_path, config, STREAMS)
    code, messages = run_command("read", config=config, catalog=catalog)
    assert code == 0
    found = records_by_stream(messages)
    with Client(emulator.api_key, emulator.api_secret, base_url=emulator.url) as client:
        assert {name: len(found[name]) for name in STREAMS} == emulator_counts(client, STREAMS)
    _, (discovered,) = run_command("discover", config=config)
    schemas = {s.name: s.json_schema for s in discovered.catalog.streams}
    for name, records in found.items():
        validator = jsonschema.Draft7Validator(schemas[name], format_checker=jsonschema.FormatChecker())
        for record in records:
            validator.validate(record)
    assert all(isinstance(row["data"], list) for row in found["contactdata"] if row["data"] is not None)
    assert states(messages, "message")[-1]["streams"]["main"]["mark"] > 0
    assert not states(messages, "contact")  # full refresh: no state


def test_incremental_read_resumes_after_its_last_state(tmp_path: Path, emulator):
    config = write_config(tmp_path, emulator, page_limit=25)
    catalog = configured_catalog(tmp_path, config, ["message"])
    _, first = run_command("read", config=config, catalog=catalog)
    ids = [r["id"] for r in records_by_stream(first)["message"]]
    midway, *_, final = states(first, "message")
    assert "run" in midway["streams"]["main"] and "run" not in final["streams"]["main"]

    state = tmp_path / "state.json"  # stopped after the first page: the rest comes, nothing twice
    state.write_text(json.dumps([state_message("message", midway)]))
    _, resumed = run_command("read", config=config, catalog=catalog, state=state)
    assert [r["id"] for r in records_by_stream(resumed)["message"]] == ids[25:]

    state.write_text(json.dumps([state_message("message", final)]))  # finished: nothing new since
    _, again = run_command("read", config=config, catalog=catalog, state=state)
    assert records_by_stream(again)["message"] == []
    assert states(again, "message")[-1]["streams"]["main"]["mark"] >= final["streams"]["main"]["mark"]


def state_message(stream: str, blob: dict) -> dict:
    return {"type": "STREAM", "stream": {"stream_descriptor": {"name": stream}, "stream_state": blob}}


def test_check_refuses_wrong_credentials_with_a_status(tmp_path: Path, emulator):
    config = tmp_path / "bad.json"
    config.write_text(json.dumps({"api_key": "nobody", "api_key_secret": "wrong", "base_url": emulator.url}))
    code, (message,) = run_command("check", config=config)
    assert code == 0 and message.connectionStatus.status == Status.FAILED
    assert "wrong" not in message.connectionStatus.message


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"api_key": "k"}, "needs 'api_key_secret'"),
        ({"api_key": "k", "api_key_secret": "s", "region": "mars"}, "must be eu or us"),
        ({"api_key": "k", "api_key_secret": "s", "start_date": "yesterday"}, "is not a date"),
        ({"api_key": "k", "api_key_secret": "s", "page_limit": 5000}, "page_limit must be"),
    ],
    ids=["no-secret", "bad-region", "bad-start", "bad-page-limit"],
)
def test_a_bad_config_is_one_trace_line(tmp_path: Path, config: dict, expected: str):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    code, (message,) = run_command("discover", config=path)
    assert code == 1 and message.type == Type.TRACE
    assert message.trace.error.failure_type == FailureType.config_error
    assert expected in message.trace.error.message


def test_read_with_refused_credentials_names_the_stream(tmp_path: Path, emulator):
    good = write_config(tmp_path, emulator)
    catalog = configured_catalog(tmp_path, good, ["contact"])
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"api_key": "nobody", "api_key_secret": "wrong", "base_url": emulator.url}))
    code, messages = run_command("read", config=bad, catalog=catalog)
    assert code == 1 and messages[-1].trace.error.failure_type == FailureType.config_error
    assert messages[-1].trace.error.stream_descriptor.name == "contact"


def test_read_refuses_a_stream_it_does_not_have(tmp_path: Path, config: Path):
    catalog = tmp_path / "catalog.json"
    stream = {"name": "nope", "json_schema": {}, "supported_sync_modes": ["full_refresh"]}
    catalog.write_text(json.dumps({"streams": [
        {"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}))  # fmt: skip
    code, (message,) = run_command("read", config=config, catalog=catalog)
    assert code == 1 and "nope" in message.trace.error.message
