"""Airbyte source fixtures: a small frozen emulator, a config file for it, and helpers to run commands."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("airbyte_protocol")

from airbyte_protocol.models import AirbyteMessage

from mailjet_connector.airbyte import run

# Small enough that a read of every stream takes seconds: messagehistory costs one call per message.
SIZES = {"contact": 40, "listrecipient": 60, "contactdata": 30, "message": 60, "openinformation": 40,
         "clickstatistics": 15, "bouncestatistics": 5}  # fmt: skip


@pytest.fixture(scope="module")
def emulator() -> Iterator[Any]:
    from mailjet_connector.emulator.server import start_emulator

    # A frozen clock: no event arrives between a read and the counts it is compared with.
    with start_emulator(scale="tiny", overrides=SIZES, frozen=True) as server:
        yield server


def write_config(directory: Path, server: Any, **extra: Any) -> Path:
    config = {"api_key": server.api_key, "api_key_secret": server.api_secret, "base_url": server.url, **extra}
    path = directory / "config.json"
    path.write_text(json.dumps(config))
    return path


@pytest.fixture
def config(tmp_path: Path, emulator: Any) -> Path:
    return write_config(tmp_path, emulator)


def run_command(command: str, **files: Path | None) -> tuple[int, list[AirbyteMessage]]:
    """Run a command in process; its exit code and every line parsed as a protocol message."""
    out = io.BytesIO()
    code = run(command, out, **files)
    return code, [AirbyteMessage.model_validate_json(line) for line in out.getvalue().splitlines()]


def configured_catalog(directory: Path, config: Path, names: list[str], incremental: bool = True) -> Path:
    """A configured catalog of `names` (incremental where offered and asked), from `discover`."""
    _, (message,) = run_command("discover", config=config)
    assert message.catalog is not None
    streams = []
    for stream in message.catalog.streams:
        if stream.name not in names:
            continue
        offered = [m.value for m in stream.supported_sync_modes]
        mode = "incremental" if incremental and "incremental" in offered else "full_refresh"
        streams.append({
            "stream": stream.model_dump(mode="json", exclude_none=True),
            "sync_mode": mode,
            "destination_sync_mode": "append_dedup" if mode == "incremental" else "overwrite",
            "cursor_field": stream.default_cursor_field or [],
            "primary_key": stream.source_defined_primary_key,
        })  # fmt: skip
    path = directory / "catalog.json"
    path.write_text(json.dumps({"streams": streams}))
    return path
