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

# The whole check must end within 10 s, even against a black hole: no retries, short timeouts.
CHECK_TIMEOUT = httpx.Timeout(5.0, connect=3.0)


@dataclass(frozen=True)
class CheckResult:
    """The verdict of `check_connection`.

    Args:
        message: one line saying what happened.
        hint: how to fix it ("" when ok).
        key_name: the API key's name, when readable.
        base_url: the URL that was checked.
        error: what failed (None when ok); the CLI turns it into an exit code.
    """

    message: str
    hint: str = ""
    key_name: str | None = None
    base_url: str = ""
    error: MailjetError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def fast_client_options(timeout: float | None = None) -> dict[str, object]:
    """`Client` keyword arguments for a verdict within 10 s: no retry ladder, short timeouts.

    Args:
        timeout: the user's own timeout (seconds), kept when shorter than the check's.
    """
    read = min(CHECK_TIMEOUT.read or 5.0, timeout or 5.0)
    return {
        "retry": NO_RETRY,
        "timeout": httpx.Timeout(read, connect=min(CHECK_TIMEOUT.connect or 3.0, read)),
    }


def check_connection(client: Client) -> CheckResult:
    """Make one cheap call and explain the outcome.

    Args:
        client: a client (see `fast_client_options`).

    Returns:
        The verdict; never raises for API or network failures.
    """
    url = client.base_url
    try:
        name = _key_name(client)
    except AuthenticationError as exc:
        return CheckResult(
            f"authentication refused by {url} ({exc.status})",
            "check MJ_APIKEY_PUBLIC / MJ_APIKEY_PRIVATE (API key management in the Mailjet app); "
            "an account on the US stack needs --region us",
            base_url=url,
            error=exc,
        )
    except TransportError as exc:
        return CheckResult(
            f"cannot reach {url}: {exc.message}",
            "check the network, proxy and --base-url / --region; try again later if Mailjet is down",
            base_url=url,
            error=exc,
        )
    except NotFoundError as exc:
        return CheckResult(
            f"{url} does not look like the Mailjet API ({exc})",
            "check --base-url (default https://api.mailjet.com; the emulator prints its URL)",
            base_url=url,
            error=exc,
        )
    except APIError as exc:
        return CheckResult(
            f"the API answered {exc}", "retry later or contact Mailjet", base_url=url, error=exc
        )
    except MailjetError as exc:
        return CheckResult(str(exc), "fix the settings", base_url=url, error=exc)
    shown = f" (key {name!r})" if name else ""
    return CheckResult(f"ok: connected to {url}{shown}", key_name=name, base_url=url)


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
