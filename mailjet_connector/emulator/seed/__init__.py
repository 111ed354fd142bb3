"""Deterministic seeded emulator data at any scale (presets tiny/small/large) for one or several API keys.

This package module builds the state; its stages are `account`, `contacts`, `campaigns` and `messages`,
over the shared `context` (one account's seeding context) and `values` (vectorised value generators).

The same `seed` and `now` give identical tables. Every table is generated column-wise with numpy from
seeded generators (one stream per stage, see `SeedContext.rng`), so the large preset (a million contacts,
millions of messages and events) builds in seconds. Stages run in dependency order; each reads the columns
of earlier stages from `SeedContext.frames`, and the frames become `Table`s at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

from mailjet_connector import catalog
from mailjet_connector.emulator.seed.account import (
    EMPTY,
    seed_generic,
    seed_integrations,
    seed_owner,
    seed_senders,
)
from mailjet_connector.emulator.seed.campaigns import (
    seed_batchjobs,
    seed_campaigns,
    seed_drafts,
    seed_templates,
)
from mailjet_connector.emulator.seed.contacts import (
    seed_contacts,
    seed_history_segments_signups,
    seed_lists,
    seed_properties,
)
from mailjet_connector.emulator.seed.context import KeyInfo, SeedContext, store_frames
from mailjet_connector.emulator.seed.messages import seed_messages
from mailjet_connector.emulator.state import Account, Clock, EmulatorState

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_API_SECRET",
    "PRESETS",
    "SUB_API_KEY",
    "SUB_API_SECRET",
    "build_state",
    "resolve_counts",
    "sub_account_keys",
]

DEFAULT_API_KEY = "emulator-key"
DEFAULT_API_SECRET = "emulator-secret"
SUB_API_KEY = "emulator-sub-key"
SUB_API_SECRET = "emulator-sub-secret"

GENERIC_ROWS = 3  # stored resources without a dedicated generator get this many rows
SUB_ACCOUNT_DIVISOR = 10  # other accounts get the tiny preset divided by this

_TINY = {
    "contact": 200, "contactslist": 5, "listrecipient": 300, "contactmetadata": 8, "contactdata": 150,
    "contacthistorydata": 20, "contactfilter": 3, "contactslistsignup": 10,
    "campaign": 4, "campaigndraft": 6, "template": 3, "batchjob": 3,
    "message": 500, "openinformation": 300, "clickstatistics": 100, "bouncestatistics": 25,
    "sender": 4, "metasender": 2, "dns": 2, "eventcallbackurl": 2, "parseroute": 1,
    "user": 1, "myprofile": 1, "preferences": 3,
}  # fmt: skip
_SMALL = {
    **_TINY,
    "contact": 10_000, "contactslist": 20, "listrecipient": 20_000, "contactdata": 8_000,
    "contacthistorydata": 500, "contactfilter": 5, "contactslistsignup": 200,
    "campaign": 30, "campaigndraft": 30, "template": 10, "batchjob": 30,
    "message": 20_000, "openinformation": 20_000, "clickstatistics": 7_000, "bouncestatistics": 3_000,
    "sender": 6, "dns": 3,
}  # fmt: skip
_LARGE = {
    **_SMALL,
    "contact": 1_000_000, "contactslist": 50, "listrecipient": 2_000_000, "contactdata": 50_000,
    "contacthistorydata": 10_000, "contactfilter": 10, "contactslistsignup": 5_000,
    "campaign": 200, "campaigndraft": 200, "template": 30, "batchjob": 200,
    "message": 2_000_000, "openinformation": 2_000_000, "clickstatistics": 750_000, "bouncestatistics": 250_000,
    "sender": 8,
}  # fmt: skip
# Row counts are not settable for these: messagestate mirrors catalog.enums, apikey has one row per key.
_FIXED = frozenset({"messagestate", "apikey"})


def _with_generic(explicit: Mapping[str, int]) -> dict[str, int]:
    """The preset plus GENERIC_ROWS for every other stored catalog resource (0 for those left empty)."""
    counts = dict(explicit)
    for resource in catalog.all_resources():
        if resource.computed or not resource.account_data or resource.name in _FIXED:
            continue
        counts.setdefault(resource.name, 0 if resource.name in EMPTY else GENERIC_ROWS)
    return dict(sorted(counts.items()))


PRESETS: dict[str, dict[str, int]] = {
    "tiny": _with_generic(_TINY),
    "small": _with_generic(_SMALL),
    "large": _with_generic(_LARGE),
}


def resolve_counts(scale: str = "tiny", overrides: Mapping[str, int] | None = None) -> dict[str, int]:
    """Row counts per resource: the preset with `overrides` applied on top.

    Raises:
        ValueError: unknown preset, unknown resource name in overrides, or a negative count.
    """
    if scale not in PRESETS:
        raise ValueError(f"unknown scale {scale!r}; choose one of: {', '.join(PRESETS)}")
    counts = dict(PRESETS[scale])
    unknown = sorted(set(overrides or {}) - set(counts))
    if unknown:
        raise ValueError(
            f"unknown resource(s) in overrides: {', '.join(unknown)}; valid names: {', '.join(counts)}"
        )
    for name, value in (overrides or {}).items():
        if int(value) < 0:
            raise ValueError(f"row count for {name} must be >= 0, got {value}")
        counts[name] = int(value)
    return counts


def sub_account_keys(count: int) -> list[tuple[str, str]]:
    """(api_key, api_secret) of `count` sub-accounts: `emulator-sub-key`, then `emulator-sub-key-2`, ..."""
    return [
        (SUB_API_KEY, SUB_API_SECRET) if i == 1 else (f"{SUB_API_KEY}-{i}", f"{SUB_API_SECRET}-{i}")
        for i in range(1, count + 1)
    ]


def _sub_counts() -> dict[str, int]:
    return {name: max(1, n // SUB_ACCOUNT_DIVISOR) if n else 0 for name, n in PRESETS["tiny"].items()}


_STAGES: tuple[Callable[[SeedContext], None], ...] = (
    seed_senders,
    seed_integrations,
    seed_owner,
    seed_contacts,
    seed_lists,
    seed_properties,
    seed_history_segments_signups,
    seed_templates,
    seed_campaigns,
    seed_drafts,
    seed_messages,
    seed_batchjobs,
    seed_generic,
)


def _domain(index: int) -> str:
    if index == 0:
        return "example.com"
    return "example.net" if index == 1 else f"sub{index}.example.org"


def build_state(
    *,
    seed: int = 0,
    scale: str = "tiny",
    overrides: Mapping[str, int] | None = None,
    accounts: Sequence[tuple[str, str]] | None = None,
    now: float | None = None,
    frozen: bool = False,
    sub_counts: Mapping[str, int] | None = None,
) -> EmulatorState:
    """Build an emulator state full of consistent seeded data.

    Args:
        seed: the random seed; with the same `now`, the same seed gives identical tables.
        scale: preset name (`tiny` for tests, `small` for demos, `large` for benchmarks).
        overrides: per-resource row counts on top of the preset (main account only), e.g. {"contact": 5000}.
        accounts: (api_key, api_secret) pairs; the first is the main account and gets the preset, the others
            a tenth of `tiny` with their own email domain. None means DEFAULT_* and SUB_* keys.
        now: the emulator clock's start (Unix seconds; default the real time). Seeded times lie in the
            90 days before it, a few events on the current day.
        frozen: freeze the clock (it then moves only when told).
        sub_counts: row counts of every account after the first (default: a tenth of `tiny`); pass
            `resolve_counts(scale, overrides)` to seed each account like the main one.

    Returns:
        The state, with one account per key.

    Raises:
        ValueError: unknown scale or resource name, negative count, no accounts or duplicate keys.
    """
    counts = resolve_counts(scale, overrides)
    pairs = (
        list(accounts)
        if accounts is not None
        else [(DEFAULT_API_KEY, DEFAULT_API_SECRET), (SUB_API_KEY, SUB_API_SECRET)]
    )
    if not pairs:
        raise ValueError("at least one (api_key, api_secret) pair is needed")
    if len({key for key, _ in pairs}) != len(pairs):
        raise ValueError("API keys must be distinct")
    start = time.time() if now is None else float(now)
    state = EmulatorState(clock=Clock(start, frozen=frozen), seed=seed)
    keys = tuple(
        KeyInfo(
            key_id=i + 1, name="Main account" if i == 0 else f"Sub-account {i}", api_key=key, is_master=i == 0
        )
        for i, (key, _) in enumerate(pairs)
    )
    for i, (key, secret) in enumerate(pairs):
        account = Account(api_key=key, api_secret=secret, key_id=keys[i].key_id, name=keys[i].name)
        ctx = SeedContext(
            account=account,
            index=i,
            seed=seed,
            now=int(start),
            counts=counts if i == 0 else dict(sub_counts) if sub_counts is not None else _sub_counts(),
            domain=_domain(i),
            keys=keys,
        )
        for stage in _STAGES:
            stage(ctx)
        store_frames(ctx)
        state.add_account(account)
    return state
