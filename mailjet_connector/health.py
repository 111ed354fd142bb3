"""`check`: one cheap authenticated call, turned into a verdict with a fix-it hint and an exit code."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from mailjet_connector import catalog
from mailjet_connector.client import Client
from mailjet_connector.errors import (
    APIError,
    AuthenticationError,
    MailjetError,
    NotFoundError,
    PermissionDeniedError,
    TransportError,
)
from mailjet_connector.retry import NO_RETRY

EXIT_OK = 0
EXIT_USAGE = 2  # bad options or missing credentials
EXIT_AUTH = 3  # key or secret refused (or wrong region)
EXIT_NETWORK = 4  # host unreachable, DNS, TLS, timeout
EXIT_API = 5  # any other API error

# The whole check must end within 10 s, even against a black hole: no retries, short timeouts.
CHECK_TIMEOUT = httpx.Timeout(5.0, connect=3.0)


@dataclass(frozen=True)
class CheckResult:
    """The verdict of `check_connection`.

    Args:
        exit_code: one of the EXIT_* codes.
        message: one line saying what happened.
        hint: how to fix it ("" when ok).
        key_name: the API key's name, when readable.
        base_url: the URL that was checked.
    """

    exit_code: int
    message: str
    hint: str = ""
    key_name: str | None = None
    base_url: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == EXIT_OK


def check_client(api_key: str | None, api_secret: str | None, **kwargs: object) -> Client:
    """A client tuned for a fast verdict: no retry ladder, short timeouts."""
    return Client(api_key, api_secret, retry=NO_RETRY, timeout=CHECK_TIMEOUT, **kwargs)  # type: ignore[arg-type]


def check_connection(client: Client) -> CheckResult:
    """Make one cheap call and explain the outcome.

    Args:
        client: a client (see `check_client`).

    Returns:
        The verdict; never raises for API or network failures.
    """
    url = client.base_url
    try:
        name = _key_name(client)
    except AuthenticationError as exc:
        return CheckResult(
            EXIT_AUTH,
            f"authentication refused by {url} ({exc.status})",
            "check MJ_APIKEY_PUBLIC / MJ_APIKEY_PRIVATE (API key management in the Mailjet app); "
            "an account on the US stack needs --region us",
            base_url=url,
        )
    except TransportError as exc:
        return CheckResult(
            EXIT_NETWORK,
            f"cannot reach {url}: {exc.message}",
            "check the network, proxy and --base-url / --region; try again later if Mailjet is down",
            base_url=url,
        )
    except NotFoundError as exc:
        return CheckResult(
            EXIT_API,
            f"{url} does not look like the Mailjet API ({exc})",
            "check --base-url (default https://api.mailjet.com; the emulator prints its URL)",
            base_url=url,
        )
    except APIError as exc:
        return CheckResult(
            EXIT_API, f"the API answered {exc}", "retry later or contact Mailjet", base_url=url
        )
    except MailjetError as exc:
        return CheckResult(EXIT_USAGE, str(exc), "fix the settings", base_url=url)
    shown = f" (key {name!r})" if name else ""
    return CheckResult(EXIT_OK, f"ok: connected to {url}{shown}", key_name=name, base_url=url)


def _key_name(client: Client) -> str | None:
    """The key's display name from `apikey/{key}`; a key that may not read it still proves itself by a count."""
    try:
        catalog.get("apikey")
    except KeyError:
        client.count("contact")
        return None
    try:
        return client.get("apikey", client.api_key).get("Name") or None
    except (PermissionDeniedError, NotFoundError):
        client.count("contact")
        return None
