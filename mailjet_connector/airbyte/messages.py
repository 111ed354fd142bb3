"""Airbyte protocol messages as the lines a source writes: one JSON object per line, models from
`airbyte-protocol-models` (RECORD lines are written straight with orjson in the same shape, for speed;
the tests parse every line back with the models).
"""

from __future__ import annotations

import time
from typing import Any

from airbyte_protocol.models import (
    AirbyteErrorTraceMessage,
    AirbyteLogMessage,
    AirbyteMessage,
    AirbyteStateBlob,
    AirbyteStateMessage,
    AirbyteStateType,
    AirbyteStreamState,
    AirbyteTraceMessage,
    FailureType,
    Level,
    StreamDescriptor,
    TraceType,
    Type,
)

from mailjet_connector.errors import AuthenticationError, ConfigError, MailjetError, PermissionDeniedError


def line(message: AirbyteMessage) -> bytes:
    """One message as a line of JSON (unset fields left out, as Airbyte's own CDK writes them)."""
    return message.model_dump_json(exclude_none=True, by_alias=True).encode() + b"\n"


def state_line(stream: str, state: dict[str, Any]) -> bytes:
    """A per-stream STATE message."""
    blob = AirbyteStateBlob(**state)
    descriptor = StreamDescriptor(name=stream)
    message = AirbyteStateMessage(
        type=AirbyteStateType.STREAM,
        stream=AirbyteStreamState(stream_descriptor=descriptor, stream_state=blob),
    )
    return line(AirbyteMessage(type=Type.STATE, state=message))


def log_line(text: str, level: Level = Level.INFO) -> bytes:
    return line(AirbyteMessage(type=Type.LOG, log=AirbyteLogMessage(level=level, message=text)))


def error_line(error: BaseException, stream: str | None = None) -> bytes:
    """A TRACE error: what failed, in one line, and whose fault (config, transient, system)."""
    if isinstance(error, (ConfigError, AuthenticationError, PermissionDeniedError)):
        failure = FailureType.config_error
    elif isinstance(error, MailjetError) and error.retriable:
        failure = FailureType.transient_error
    else:
        failure = FailureType.system_error
    text = one_line(error)
    trace = AirbyteErrorTraceMessage(
        message=text,
        internal_message=type(error).__name__,
        failure_type=failure,
        stream_descriptor=StreamDescriptor(name=stream) if stream else None,
    )
    message = AirbyteTraceMessage(type=TraceType.ERROR, emitted_at=time.time() * 1000, error=trace)
    return line(AirbyteMessage(type=Type.TRACE, trace=message))


def one_line(error: BaseException) -> str:
    """The error's first line (its class name when it has no text)."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
