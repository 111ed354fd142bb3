"""How data commands reach Mailjet: credentials from options or the environment, or an embedded emulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Annotated, NoReturn

import typer

from mailjet_connector import catalog
from mailjet_connector.client import Client
from mailjet_connector.config import Settings
from mailjet_connector.errors import APIError, AuthenticationError, ConfigError, MailjetError, TransportError
from mailjet_connector.health import EXIT_API, EXIT_AUTH, EXIT_NETWORK, EXIT_USAGE

# The embedded emulator has no rate limit of its own: pace high rather than let the adaptive pacer start low.
EMULATOR_RATE_LIMIT = "2000/s"


@dataclass(frozen=True)
class Connection:
    """Where to read from: key, secret, base URL (None = Mailjet's default host) and client rate limit.

    `clock` is the API's notion of now (the embedded emulator's clock), None for the real API.
    """

    api_key: str
    api_secret: str
    base_url: str | None
    rate_limit: str | None = None
    clock: Callable[[], float] | None = None

    def __repr__(self) -> str:  # the secret never reaches a log line or a traceback
        return f"Connection(base_url={self.base_url!r}, api_key={self.api_key[:4]!r}...)"

    def client(self) -> Client:
        """A `Client` for this connection (close it, or use it as a context manager)."""
        return Client(self.api_key, self.api_secret, base_url=self.base_url, rate_limit=self.rate_limit)


# Options every command that talks to Mailjet shares.
Emulator = Annotated[bool, typer.Option("--emulator", help="Start an embedded emulator and read from it.")]
EmulatorScale = Annotated[
    str, typer.Option("--emulator-scale", help="Emulator data preset: tiny, small or large.")
]
ApiKey = Annotated[str | None, typer.Option("--api-key", help="API key (else MJ_APIKEY_PUBLIC).")]
ApiSecret = Annotated[str | None, typer.Option("--api-secret", help="Secret key (else MJ_APIKEY_PRIVATE).")]
BaseUrl = Annotated[str | None, typer.Option("--base-url", help="API root (else MAILJET_BASE_URL).")]
RateLimit = Annotated[
    str | None, typer.Option("--rate-limit", help="Stay under this rate, e.g. 300/min (default: adapt).")
]


def connect(
    emulator: bool,
    scale: str,
    key: str | None,
    secret: str | None,
    url: str | None,
    rate: str | None = None,
) -> AbstractContextManager[Connection]:
    """`connection(...)` from the shared options, positionally (what every command passes)."""
    return connection(
        emulator=emulator, emulator_scale=scale, api_key=key, api_secret=secret, base_url=url, rate_limit=rate
    )


@contextmanager
def connected_client(
    emulator: bool,
    scale: str,
    key: str | None,
    secret: str | None,
    url: str | None,
    rate: str | None = None,
) -> Iterator[Client]:
    """A `Client` over `connect(...)`, closed (and the embedded emulator stopped) at the end of the block."""
    with connect(emulator, scale, key, secret, url, rate) as conn, conn.client() as client:
        yield client


@contextmanager
def connection(
    *,
    emulator: bool,
    emulator_scale: str,
    api_key: str | None,
    api_secret: str | None,
    base_url: str | None,
    rate_limit: str | None,
) -> Iterator[Connection]:
    """The connection a command uses; with `emulator`, a seeded emulator serves for the block's duration.

    Raises:
        ConfigError: missing credentials, a bad rate-limit spelling or a bad emulator scale.
    """
    if emulator:
        try:
            from mailjet_connector.emulator.server import start_emulator
        except ModuleNotFoundError as exc:
            raise ConfigError(
                f"--emulator needs the [emulator] extra: pip install 'mailjet-connector[emulator]' ({exc.name})"
            ) from None
        try:
            server = start_emulator(scale=emulator_scale)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        with server:
            rate = rate_limit or EMULATOR_RATE_LIMIT
            yield Connection(
                server.api_key, server.api_secret, server.url, rate, server.state.clock.now_float
            )
        return
    overrides = {"api_key": api_key, "api_secret": api_secret, "base_url": base_url, "rate_limit": rate_limit}
    try:
        settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValueError as exc:
        raise ConfigError(_pydantic_message(exc)) from None
    kwargs = settings.client_kwargs()
    yield Connection(kwargs["api_key"], kwargs["api_secret"], kwargs["base_url"], kwargs["rate_limit"])


def _pydantic_message(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"{'.'.join(map(str, first['loc']))}: {first['msg'].removeprefix('Value error, ')}"
    return str(exc).splitlines()[0]


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print a one-line error on stderr and exit with `code` (no traceback)."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def user_errors(hint: str) -> Iterator[None]:
    """Turn the errors a user can cause or fix into one line and an exit code (the `check` codes).

    Args:
        hint: the command's name, for "see `mailjet-connector X --help`".
    """
    try:
        yield
    except AuthenticationError as exc:
        fail(f"authentication refused ({exc.status}): check MJ_APIKEY_PUBLIC / MJ_APIKEY_PRIVATE", EXIT_AUTH)
    except TransportError as exc:
        fail(f"cannot reach the API: {exc}", EXIT_NETWORK)
    except APIError as exc:
        fail(f"the API answered {exc}", EXIT_API)
    except (MailjetError, ValueError, OSError) as exc:
        fail(f"{_one_line(exc)} (see `mailjet-connector {hint} --help`)")
    except catalog.UnknownResourceError as exc:
        fail(str(exc))


def _one_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def split_names(values: list[str] | None) -> list[str]:
    """`--resources a,b --resources c` -> ["a", "b", "c"], each checked against the catalog.

    Raises:
        UnknownResourceError: a name that is not in the catalog.
    """
    names = [part.strip() for value in values or [] for part in value.split(",") if part.strip()]
    return [catalog.get(name).name for name in names]
