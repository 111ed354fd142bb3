"""Issue #21.3 acceptance: PyAirbyte runs our source as a local executable against the emulator and reads
every stream into its DuckDB cache; the counts equal the emulator's, and every record our source writes
validates against the schema it discovered."""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from mailjet_connector import Client
from tests.airbyte.conftest import configured_catalog, run_command, write_config
from tests.airbyte.counts import emulator_counts
from tests.airbyte.pyairbyte import pyairbyte_python

pytestmark = pytest.mark.slow

RUNNER = Path(__file__).with_name("pyairbyte_read.py")


def source_executable(directory: Path) -> Path:
    """What an Airbyte platform runs: an executable taking `spec|check|discover|read ...`."""
    path = directory / "source-mailjet-connector"
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mailjet_connector airbyte "$@"\n')
    path.chmod(0o755)
    return path


def all_stream_names(config: Path) -> list[str]:
    _, (message,) = run_command("discover", config=config)
    return [stream.name for stream in message.catalog.streams]


@pytest.mark.timeout(1200)  # the first run builds the cached venv (minutes), then PyAirbyte reads 62 streams
def test_pyairbyte_reads_every_stream_into_its_cache(tmp_path: Path, emulator):
    python = pyairbyte_python()
    config = write_config(tmp_path, emulator)
    names = all_stream_names(config)
    (tmp_path / "cache").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAILJET_", "MJ_", "VIRTUAL_ENV"))}
    env |= {"AIRBYTE_OFFLINE_MODE": "1", "DO_NOT_TRACK": "1", "AIRBYTE_LOGGING_ROOT": str(tmp_path / "logs")}
    command = [
        str(python),
        str(RUNNER),
        str(source_executable(tmp_path)),
        str(config),
        str(tmp_path / "cache"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    read = json.loads(done.stdout.strip().splitlines()[-1])
    with Client(emulator.api_key, emulator.api_secret, base_url=emulator.url) as client:
        expected = emulator_counts(client, names)
    assert read["streams"] == expected
    assert read["records"] == sum(expected.values()) > 0


def test_every_record_of_every_stream_fits_its_discovered_schema(tmp_path: Path, emulator):
    config = write_config(tmp_path, emulator)
    _, (discovered,) = run_command("discover", config=config)
    catalog = configured_catalog(tmp_path, config, [s.name for s in discovered.catalog.streams])
    code, messages = run_command("read", config=config, catalog=catalog)
    assert code == 0
    validators = {
        s.name: jsonschema.Draft7Validator(s.json_schema, format_checker=jsonschema.FormatChecker())
        for s in discovered.catalog.streams
    }
    seen: collections.Counter[str] = collections.Counter()
    for message in messages:
        if message.record is not None:
            validators[message.record.stream].validate(message.record.data)
            seen[message.record.stream] += 1
    assert len(seen) >= len(validators) - 3  # a few streams are empty in the seeded account
