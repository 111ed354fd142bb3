"""A faithful local emulator of the Mailjet API: the project's test double, demo backend and a product feature.

Typical use from a test::

    from mailjet_connector.emulator import start_emulator

    with start_emulator(scale="tiny") as server:
        ...  # talk to server.url with (server.api_key, server.api_secret)
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_API_SECRET",
    "EmulatorServer",
    "ServerStartError",
    "build_state",
    "create_app",
    "start_emulator",
]

# Public name -> defining module. Resolved on first use so that importing one emulator module
# (the table, the state) does not pull in uvicorn and Starlette.
_EXPORTS = {
    "DEFAULT_API_KEY": "seed",
    "DEFAULT_API_SECRET": "seed",
    "build_state": "seed",
    "create_app": "app",
    "EmulatorServer": "server",
    "ServerStartError": "server",
    "start_emulator": "server",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mailjet_connector.emulator' has no attribute {name!r}")
    return getattr(importlib.import_module(f"mailjet_connector.emulator.{module}"), name)
