"""Where a command reads from and writes to: Mailjet itself, or an embedded emulator, as resolved `Settings`.

The one path from settings (arguments, environment, `.env`) to a `Client`:
`open_connection(settings)` yields a `Connection`, whose `client()` is `settings.create_client()`. With
`emulator_scale`, a seeded emulator serves on a free loopback port for the block's duration, and only the
credentials and the base URL are replaced: timeout, retries, concurrency and rate limit still apply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from mailjet_connector.config import Settings
from mailjet_connector.errors import ConfigError
from mailjet_connector.protocol import resolve_base_url

if TYPE_CHECKING:
    from mailjet_connector.client import Client

__all__ = ["EMULATOR_RATE_LIMIT", "Connection", "open_connection"]

# The embedded emulator has no rate limit of its own: pace high rather than let the adaptive pacer start low.
EMULATOR_RATE_LIMIT = "2000/s"


@dataclass(frozen=True)
class Connection:
    """Resolved settings (credentials present) and the API's clock.

    Args:
        settings: every connection setting, credentials included (`SecretStr`, never in a repr).
        clock: the API's notion of now (the embedded emulator's clock); None for the real API.
    """

    settings: Settings
    clock: Callable[[], float] | None = None

    @property
    def api_key(self) -> str:
        return self.settings.client_kwargs()["api_key"]

    @property
    def api_secret(self) -> str:
        return self.settings.client_kwargs()["api_secret"]

    @property
    def base_url(self) -> str:
        """The API root actually used (the region's host when no base URL is set)."""
        return resolve_base_url(self.settings.base_url, self.settings.region)

    @property
    def rate_limit(self) -> str | None:
        return self.settings.rate_limit

    def client(self, **overrides: Any) -> Client:
        """A `Client` for this connection (close it, or use it as a context manager).

        Args:
            **overrides: `Client` keyword arguments that win over the settings.
        """
        return self.settings.create_client(**overrides)

    def __repr__(self) -> str:  # the secret never reaches a log line or a traceback
        return f"Connection(base_url={self.base_url!r})"


@contextmanager
def open_connection(settings: Settings, *, emulator_scale: str | None = None) -> Iterator[Connection]:
    """The connection a command uses.

    Args:
        settings: the connection settings.
        emulator_scale: start an embedded emulator with this data preset (tiny, small, large) and talk to
            it instead of Mailjet; None for the settings' API.

    Raises:
        ConfigError: missing credentials, a bad base URL or region, a bad emulator scale, or the emulator's
            extra is not installed.
    """
    if emulator_scale is None:
        resolve_base_url(settings.base_url, settings.region)
        settings.client_kwargs()  # missing credentials fail here, before any work
        yield Connection(settings)
        return
    try:
        from mailjet_connector.emulator.server import start_emulator
    except ModuleNotFoundError as exc:
        raise ConfigError(
            f"--emulator needs the [emulator] extra: pip install 'mailjet-connector[emulator]' ({exc.name})"
        ) from None
    try:
        server = start_emulator(scale=emulator_scale)
    except ValueError as exc:
        raise ConfigError(f"invalid --emulator-scale: {exc}") from None
    with server:
        emulated = settings.model_copy(
            update={
                "api_key": SecretStr(server.api_key),
                "api_secret": SecretStr(server.api_secret),
                "base_url": server.url,
                "region": None,
                "rate_limit": settings.rate_limit or EMULATOR_RATE_LIMIT,
            }
        )
        yield Connection(emulated, server.state.clock.now_float)
