"""mailjet-connector: move data in and out of Mailjet, safely."""

from __future__ import annotations

__version__ = "0.1.0"

# Imported after __version__: the client reads it for its User-Agent.
from mailjet_connector import errors
from mailjet_connector.client import AsyncClient, Client
from mailjet_connector.config import Settings
from mailjet_connector.errors import MailjetError

__all__ = ["AsyncClient", "Client", "MailjetError", "Settings", "__version__", "errors"]
