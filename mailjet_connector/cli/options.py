"""The connection options every command that talks to Mailjet takes, declared once.

A command asks for them with one parameter, `conn: ConnectionOptions` (its default value carries the
command's own defaults, e.g. the emulator's data preset); `cli.command` expands it into the options below
when the command is registered, and folds the parsed values back into one `ConnectionOptions`
(sqlite-utils' `import_options` pattern, typer-style). New connection settings are added here only.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mailjet_connector.config import Settings, load_settings

if TYPE_CHECKING:
    from mailjet_connector.client import Client
    from mailjet_connector.connection import Connection

PANEL = "Connection"


@dataclass(frozen=True)
class ConnectionOptions:
    """The parsed connection options of one command (None: not given, the environment and `.env` apply)."""

    emulator: bool = False
    emulator_scale: str = "tiny"
    api_key: str | None = None
    api_secret: str | None = None
    base_url: str | None = None
    region: str | None = None
    rate_limit: str | None = None
    timeout: float | None = None
    max_retries: int | None = None
    concurrency: int | None = None

    def settings(self) -> Settings:
        """The connection settings: these options, then the environment, then `.env`, then defaults.

        Raises:
            ConfigError: an invalid value, named as its option.
        """
        given = {f.name: getattr(self, f.name) for f in fields(self) if f.name in Settings.model_fields}
        return load_settings(Settings, **given)

    def open(self) -> AbstractContextManager[Connection]:
        """The `Connection` (an embedded emulator with --emulator) for the duration of a `with` block."""
        from mailjet_connector.connection import open_connection

        return open_connection(self.settings(), emulator_scale=self.emulator_scale if self.emulator else None)

    @contextmanager
    def client(self, **overrides: Any) -> Iterator[Client]:
        """A `Client` over `open()`, closed (and the embedded emulator stopped) at the end of the block."""
        with self.open() as connection, connection.client(**overrides) as client:
            yield client


# A command's default: `conn: ConnectionOptions = CONNECTION` (the tiny emulator preset), or
# `= SMALL_EMULATOR` where a bigger preset shows more (sync, export).
CONNECTION = ConnectionOptions()
SMALL_EMULATOR = ConnectionOptions(emulator_scale="small")


def _option(*names: str, help: str, **kwargs: Any) -> Any:
    return typer.Option(*names, help=help, rich_help_panel=PANEL, show_default=False, **kwargs)


# name -> annotation; the default comes from the command's `ConnectionOptions()` default.
OPTIONS: dict[str, Any] = {
    "emulator": Annotated[
        bool, _option("--emulator", help="Start an embedded emulator with seeded data and talk to it.")
    ],
    "emulator_scale": Annotated[
        str, _option("--emulator-scale", help="The embedded emulator's data preset: tiny, small or large.")
    ],
    "api_key": Annotated[str | None, _option("--api-key", help="API key (else MJ_APIKEY_PUBLIC).")],
    "api_secret": Annotated[str | None, _option("--api-secret", help="Secret key (else MJ_APIKEY_PRIVATE).")],
    "base_url": Annotated[
        str | None, _option("--base-url", help="API root, e.g. the emulator's URL (else MAILJET_BASE_URL).")
    ],
    "region": Annotated[
        str | None,
        _option(
            "--region", help="eu (api.mailjet.com, default) or us (api.us.mailjet.com); else MAILJET_REGION."
        ),
    ],
    "rate_limit": Annotated[
        str | None,
        _option(
            "--rate-limit",
            help="Stay under this rate, e.g. 300/min (else MAILJET_RATE_LIMIT; default: adapt).",
        ),
    ],
    "timeout": Annotated[
        float | None, _option("--timeout", help="Seconds to wait for an answer (else MAILJET_TIMEOUT; 60).")
    ],
    "max_retries": Annotated[
        int | None, _option("--max-retries", help="Retries of a failed call (else MAILJET_MAX_RETRIES; 8).")
    ],
    "concurrency": Annotated[
        int | None,
        _option("--concurrency", help="Calls in flight at once (else MAILJET_CONCURRENCY; 4)."),
    ],
}


def parameters(defaults: ConnectionOptions) -> list[inspect.Parameter]:
    """The keyword parameters a command's `conn` parameter expands into."""
    return [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=getattr(defaults, name), annotation=kind
        )
        for name, kind in OPTIONS.items()
    ]


def collect(values: dict[str, Any], defaults: ConnectionOptions) -> ConnectionOptions:
    """Pop the connection options out of a command's keyword arguments into one `ConnectionOptions`."""
    return replace(defaults, **{name: values.pop(name) for name in OPTIONS if name in values})
