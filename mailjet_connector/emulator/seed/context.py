"""The seeding context of one account: its counts, seeded generators, ID ranges and the columns built so far."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mailjet_connector import catalog
from mailjet_connector.emulator.seed.values import DAY
from mailjet_connector.emulator.state import MESSAGE_ID_BASE, Account
from mailjet_connector.emulator.table import Table, empty_value

WINDOW_DAYS = 90  # seeded history spreads over this many days before `now`
# Each account's IDs live in their own range, as Mailjet's IDs are global: rows of two accounts never share one.
ACCOUNT_ID_STRIDE = 1_000_000_000
MESSAGE_ID_STRIDE = 1_000_000_000_000

Lazy = Callable[[], np.ndarray]
Columns = dict[str, Any]  # field name -> np.ndarray or Lazy


@dataclass(frozen=True)
class KeyInfo:
    """An API key as the apikey table shows it (the secret is never kept here)."""

    key_id: int
    name: str
    api_key: str
    is_master: bool


@dataclass
class SeedContext:
    """Everything the table generators of one account share.

    Args:
        account: the account being filled.
        index: 0 for the main account, 1.. for the others (picks the ID range and the rng streams).
        seed: the global seed.
        now: emulator time at start, whole Unix seconds; all data lies before it.
        counts: rows to generate per catalog resource.
        domain: the email domain of this account's contacts (distinct per account).
        keys: every account's key, for the apikey table.
        frames: catalog name -> columns generated so far (turned into tables by `store_frames`).
    """

    account: Account
    index: int
    seed: int
    now: int
    counts: Mapping[str, int]
    domain: str
    keys: tuple[KeyInfo, ...]
    frames: dict[str, Columns] = field(default_factory=dict)

    @property
    def start(self) -> int:
        """The oldest seeded time."""
        return self.now - WINDOW_DAYS * DAY

    @property
    def day_start(self) -> int:
        """Midnight UTC of the current day (the default window of today-default resources)."""
        return self.now - self.now % DAY

    def rng(self, stage: str) -> np.random.Generator:
        """A generator for one stage, independent of the others so one count change moves only its stage."""
        return np.random.default_rng([self.seed, self.index, zlib.crc32(stage.encode())])

    def count(self, name: str) -> int:
        return int(self.counts.get(name, 0))

    def ids(self, name: str, n: int) -> np.ndarray:
        """IDs for `n` new rows of resource `name`, ascending, in this account's range."""
        if name == "message":
            base = MESSAGE_ID_BASE + self.index * MESSAGE_ID_STRIDE
        else:
            base = self.index * ACCOUNT_ID_STRIDE
        return base + 1 + np.arange(n, dtype=np.int64)

    def frame(self, name: str, columns: Columns) -> Columns:
        """Record the columns of resource `name`; later stages may still change them in place."""
        self.frames[name] = columns
        return columns

    def column(self, name: str, field_name: str) -> np.ndarray:
        """A column generated earlier (empty when the resource was not generated)."""
        return self.frames.get(name, {}).get(field_name, np.empty(0, dtype=np.int64))


def store_frame(ctx: SeedContext, name: str) -> None:
    """Turn the frame of `name` into the account's table now, keeping only the catalog's fields.

    Frame values are arrays or zero-argument callables producing one (`Lazy`); they are evaluated in frame
    order, copied into the table one at a time and released, and replaced by read-only views into the
    table (helper columns starting with "_" are kept as they are). Later stages can still read the frame,
    while the peak memory of a large table is one generated column instead of all of them. Fields the catalog
    lacks are dropped, so the catalog stays the single authority on what a resource holds; resources missing
    from the catalog are not stored. The first frame value must be an array: it fixes the row count.
    """
    columns = ctx.frames[name]
    try:
        resource = catalog.get(name)
    except catalog.UnknownResourceError:
        resource = None
    if resource is None or resource.computed or resource.name in ctx.account.tables:
        for key, value in columns.items():
            columns[key] = value() if callable(value) else value
        return
    size = len(next(iter(columns.values())))
    if resource.field("ID") is not None and "ID" in columns:
        init = {"ID": columns["ID"]}  # given at construction: the table derives its next ID from it
    else:
        init = {resource.fields[0].name: np.full(size, empty_value(resource.fields[0].type), dtype=object)}
    table = Table(resource, columns=init, first_id=int(ctx.ids(resource.name, 1)[0]))
    del init
    for key in list(columns):
        value = columns.pop(key)
        value = value() if callable(value) else value
        if resource.field(key) is not None:
            if key != "ID":
                table.fill(key, value)
            columns[key] = table.column(key)
        elif key.startswith("_"):
            columns[key] = value
        del value
    ctx.account.tables[resource.name] = table


def store_frames(ctx: SeedContext) -> None:
    """Store every frame not stored yet, then drop the frames."""
    for name in list(ctx.frames):
        store_frame(ctx, name)
    ctx.frames.clear()
