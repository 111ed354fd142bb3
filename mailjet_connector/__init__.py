"""mailjet-connector: move data in and out of Mailjet, safely.

The public names below are loaded on first use (PEP 562): `import mailjet_connector.catalog` does not
import the client, httpx and pydantic-settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailjet_connector._lazy import lazy_exports

__version__ = "0.1.0"

if TYPE_CHECKING:
    from mailjet_connector import errors
    from mailjet_connector.client import AsyncClient, Client
    from mailjet_connector.config import Settings
    from mailjet_connector.errors import MailjetError

__all__ = ["AsyncClient", "Client", "MailjetError", "Settings", "__version__", "errors"]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AsyncClient": "client",
        "Client": "client",
        "MailjetError": "errors",
        "Settings": "config",
        "errors": "errors",
    },
)
