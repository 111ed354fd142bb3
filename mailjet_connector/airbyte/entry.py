"""The four commands of an Airbyte source (spec, check, discover, read) writing protocol lines to a stream.

Failures never end in a traceback: `check` answers CONNECTION_STATUS FAILED; `discover` and `read` write a
TRACE error message (what failed, in one line, and whether it is the config's fault) and return 1.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import orjson
from airbyte_protocol.models import (
    AirbyteConnectionStatus,
    AirbyteMessage,
    ConfiguredAirbyteCatalog,
    ConnectorSpecification,
    Level,
    Status,
    SyncMode,
    Type,
)

from mailjet_connector.airbyte.messages import error_line, line, log_line, one_line
from mailjet_connector.airbyte.spec import CONNECTION_SPECIFICATION, SourceConfig, load_config
from mailjet_connector.errors import APIError, ConfigError
from mailjet_connector.health import check_connection, fast_client_options

COMMANDS = ("spec", "check", "discover", "read")


def run(
    command: str,
    out: IO[bytes],
    config: Path | None = None,
    catalog: Path | None = None,
    state: Path | None = None,
) -> int:
    """Run one command, writing its messages to `out`; the exit code (0 ok, 1 failed).

    Args:
        command: spec, check, discover or read.
        out: where the lines go (the process's binary stdout).
        config: the config file (check, discover, read).
        catalog: the configured catalog (read).
        state: the state of the last read (read, optional): a JSON array of STATE messages.
    """
    stream: list[str | None] = [None]  # the stream being read, named in an error
    try:
        if command == "spec":
            spec = ConnectorSpecification(
                connectionSpecification=CONNECTION_SPECIFICATION, supportsIncremental=True
            )
            out.write(line(AirbyteMessage(type=Type.SPEC, spec=spec)))
            return 0
        source = load_config(_json(config, "--config"))
        if command == "check":
            return _check(source, out)
        if command == "discover":
            from mailjet_connector.airbyte.streams import discover  # the sync engine: only when needed

            out.write(line(AirbyteMessage(type=Type.CATALOG, catalog=discover())))
            return 0
        if command == "read":
            configured = ConfiguredAirbyteCatalog.model_validate(_json(catalog, "--catalog"))
            _read(source, configured, read_state(_json(state, "--state") if state else []), out, stream)
            return 0
        raise ConfigError(f"unknown command {command!r}: use one of {', '.join(COMMANDS)}")
    except Exception as error:  # every failure becomes a TRACE message: the platform shows its one line
        out.write(error_line(error, stream[0]))
        return 1


def _json(path: Path | None, option: str) -> Any:
    if path is None:
        raise ConfigError(f"{option} FILE is required")
    try:
        return orjson.loads(Path(path).read_bytes())
    except OSError as exc:
        raise ConfigError(f"cannot read {option} {path}: {exc.strerror}") from None
    except orjson.JSONDecodeError as exc:
        raise ConfigError(f"{option} {path} is not JSON: {exc}") from None


def _check(source: SourceConfig, out: IO[bytes]) -> int:
    with source.settings.create_client(**fast_client_options(source.settings.timeout)) as client:
        result = check_connection(client)
    status = AirbyteConnectionStatus(
        status=Status.SUCCEEDED if result.ok else Status.FAILED,
        message=result.message + (f" ({result.hint})" if result.hint else ""),
    )
    out.write(line(AirbyteMessage(type=Type.CONNECTION_STATUS, connectionStatus=status)))
    return 0


def read_state(raw: Any) -> dict[str, dict[str, Any]]:
    """Stream name -> state, from a list of STATE messages (per-stream) or the legacy `{stream: state}` dict.

    Raises:
        ConfigError: anything else.
    """
    if isinstance(raw, dict):
        return {name: dict(value) for name, value in raw.items() if isinstance(value, dict)}
    if not isinstance(raw, list):
        raise ConfigError("--state must hold a JSON array of STATE messages")
    found = {}
    for item in raw:
        stream = (item or {}).get("stream") if isinstance(item, dict) else None
        if not stream:
            raise ConfigError("--state: only per-stream STATE messages are understood (type STREAM)")
        found[stream["stream_descriptor"]["name"]] = dict(stream.get("stream_state") or {})
    return found


def _read(
    source: SourceConfig,
    configured: ConfiguredAirbyteCatalog,
    states: dict[str, dict[str, Any]],
    out: IO[bytes],
    current: list[str | None],
) -> None:
    from mailjet_connector.airbyte.read import StreamReader, create_context
    from mailjet_connector.airbyte.streams import stream_infos
    from mailjet_connector.sync.streams import refused

    infos = stream_infos()
    unknown = [c.stream.name for c in configured.streams if c.stream.name not in infos]
    if unknown:
        raise ConfigError(f"the catalog names streams this source does not have: {', '.join(unknown)}")
    write: Callable[[bytes], Any] = out.write
    with source.settings.create_client() as client:
        ctx = create_context(client, source.start, source.page_limit)
        for configured_stream in configured.streams:
            name = configured_stream.stream.name
            current[0] = name
            incremental = (
                configured_stream.sync_mode == SyncMode.incremental and infos[name].cursor is not None
            )
            reader = StreamReader(ctx, infos[name], incremental, states.get(name, {}))
            try:
                for chunk in reader.lines():
                    write(chunk)
            except APIError as exc:
                if not refused(exc):  # 401, or retries spent on 429/5xx: the read stops
                    raise
                # As `sync` does: a read the API refuses for good (403 on a sub-account...) ends this stream only.
                write(log_line(f"{name}: skipped, the API refused it: {one_line(exc)}", Level.WARN))
                continue
            write(log_line(f"{name}: {reader.records} records"))
        current[0] = None
