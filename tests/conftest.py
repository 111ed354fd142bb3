"""Shared fixtures: a clean environment for every test and a live emulator server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

CREDENTIAL_PREFIXES = ("MAILJET_", "MJ_")

# `make test` (and CI) runs every property test on the same examples, so a red run is reproducible and a
# green one stays green; `HYPOTHESIS_PROFILE=explore make test` draws new examples each run to hunt for bugs
# (pin what it finds with @example).
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def _clean_mailjet_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide the developer's real Mailjet credentials and settings from every test."""
    for name in list(os.environ):
        if name.upper().startswith(CREDENTIAL_PREFIXES):
            monkeypatch.delenv(name)


@pytest.fixture
def emulator() -> Iterator[object]:
    """A real uvicorn emulator on a free 127.0.0.1 port, tiny preset, control endpoints on.

    Yields the running `EmulatorServer`: `.url` (no trailing slash), `.api_key`, `.api_secret`, `.state`.
    """
    from mailjet_connector.emulator.server import start_emulator

    server = start_emulator(scale="tiny", seed=0)
    try:
        yield server
    finally:
        server.stop()
