"""The emulator's whole state: a movable clock and one account per API key, each with its own tables."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.catalog import Resource
from mailjet_connector.emulator.table import Table


class Clock:
    """Emulator time in Unix seconds: real time shifted by an offset, or frozen.

    Tests move it with `advance`/`set`; everything in the emulator that needs "now" asks this clock.

    Args:
        start: the emulator's time at creation (default: the real time).
        frozen: when true, time moves only through `advance`/`set`.
        real_time: the source of real time (injectable for tests).
    """

    def __init__(
        self,
        start: float | None = None,
        *,
        frozen: bool = False,
        real_time: Callable[[], float] = time.time,
    ) -> None:
        self._real_time = real_time
        now = real_time()
        self._offset = (start if start is not None else now) - now
        self._frozen_at: float | None = (start if start is not None else now) if frozen else None

    def now(self) -> int:
        """The current emulator time, whole Unix seconds."""
        return int(self.now_float())

    def now_float(self) -> float:
        if self._frozen_at is not None:
            return self._frozen_at
        return self._real_time() + self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def advance(self, seconds: float) -> int:
        """Move time forward by `seconds` (never backwards). Returns the new time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds
        return self.now()

    def set(self, when: float) -> int:
        """Jump to `when` (Unix seconds), which must not be in the emulator's past."""
        return self.advance(max(0.0, when - self.now_float()))


@dataclass
class Account:
    """One API key (main account or sub-account) and everything it owns.

    Args:
        api_key / api_secret: the Basic-auth credentials.
        key_id: the apikey row ID (APIKeyID in rows that carry it).
        name: the key's display name (apikey Name).
        tables: catalog name -> table, for every stored (not computed) resource.
        extra: per-feature state that is not a catalog table (async jobs, uploaded CSV data, ...).
    """

    api_key: str
    api_secret: str
    key_id: int
    name: str
    tables: dict[str, Table] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def __repr__(self) -> str:  # never show the secret
        return f"Account(api_key={self.api_key!r}, name={self.name!r}, tables={len(self.tables)})"

    def table(self, resource: Resource | str) -> Table:
        """The account's table for a stored resource, created empty on first use."""
        if isinstance(resource, str) and (known := self.tables.get(resource)) is not None:
            return known  # a catalog name of an existing table: the write path asks this many times per row
        res = catalog.get(resource) if isinstance(resource, str) else resource
        found = self.tables.get(res.name)
        if found is None:
            found = Table(res, first_id=first_id_for(res))
            self.tables[res.name] = found
        return found


def first_id_for(resource: Resource) -> int:
    """Where IDs start for a resource: messages use 64-bit IDs above 2**53, as Mailjet's do."""
    if resource.name in ("message", "messageinformation", "messagesentstatistics"):
        return MESSAGE_ID_BASE
    return 1


MESSAGE_ID_BASE = 1152921504606846976 + 12345  # 2**60 + a little: beyond what doubles hold exactly


@dataclass
class EmulatorState:
    """Everything the emulator serves.

    Args:
        clock: emulator time.
        accounts: API key -> account.
        seed: the seed the data was generated from (faults derive their randomness from it too).
    """

    clock: Clock
    accounts: dict[str, Account] = field(default_factory=dict)
    seed: int = 0
    request_log: list[dict[str, Any]] = field(default_factory=list)
    request_total: int = 0  # requests served since start (the log above keeps only the last ones)

    def add_account(self, account: Account) -> Account:
        self.accounts[account.api_key] = account
        return account

    def authenticate(self, api_key: str, api_secret: str) -> Account | None:
        """The account these credentials open, or None."""
        import hmac

        account = self.accounts.get(api_key)
        if account is None or not hmac.compare_digest(account.api_secret, api_secret):
            return None
        return account
