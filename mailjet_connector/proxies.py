"""Proxies from the environment (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY), honoured by our clients.

httpx reads these only when a client is built without a transport; ours always wrap theirs (retries, pacing),
so the client asks for the same mounts httpx would have made, each wrapped the same way. The variables are
read by httpx's own function, so their spelling and NO_PROXY rules (host, .domain, IP, `*`) are httpx's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from httpx._utils import get_environment_proxies  # httpx's reader of the proxy variables

T = TypeVar("T")


def proxy_mounts(wrap: Callable[[str], T]) -> dict[str, T | None]:
    """httpx `mounts` from the environment: URL pattern -> `wrap(proxy URL)`, or None for a NO_PROXY pattern
    (None sends those URLs through the client's default transport, straight to the host)."""
    return {pattern: None if url is None else wrap(url) for pattern, url in get_environment_proxies().items()}
