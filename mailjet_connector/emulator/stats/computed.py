"""Answers of computed resources: run the statistic, and keep its frame while the data and filters stay the same.

A walk over a big statistic asks for page after page with only Offset changing; recomputing two million
rows for each page made such walks impossible. The frame a compute function returns is therefore cached per
account, keyed by the resource, the parameters that change the rows (everything but paging) and the
versions of the account's tables, so any write to the data a statistic reads starts a fresh computation.
Lists (small answers such as statcounters, whose figures also follow the clock) are never cached.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mailjet_connector.catalog import Resource
from mailjet_connector.emulator.frame import Frame
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.stats import registry

CACHE_KEY = "computed.frames"
LIMITS_KEY = "computed.limits"


@dataclass(frozen=True, slots=True)
class CacheLimits:
    """How much an account keeps; set per account as `account.extra[LIMITS_KEY]` (tests, small machines).

    Args:
        frames: frames kept (one walk per statistic at a time is the common case).
        rows: rows held by all of them together (a frame over the large preset's 2M messages holds a few
            hundred MB); the newest frame is kept whatever its size.
    """

    frames: int = 4
    rows: int = 4_000_000


PAGING_PARAMS = frozenset({"limit", "offset", "sort", "countonly", "countrecords"})
# Job bookkeeping tables change on every tick while a job runs and feed no statistic: they do not count
# as a data change (otherwise a running import would defeat the cache of every walk).
NOT_STATISTIC_SOURCES = frozenset({"batchjob", "csvimport"})


def data_version(account: Account) -> tuple[Any, ...]:
    """A value that changes whenever a table a statistic may read changes (or is replaced)."""
    return tuple(
        (name, id(table), table.version, table.n)
        for name, table in sorted(account.tables.items())
        if name not in NOT_STATISTIC_SOURCES
    )


def result(
    state: EmulatorState, account: Account, resource: Resource, params: Mapping[str, str]
) -> Frame | list[dict[str, Any]]:
    """The answer of a computed resource: a frame (cached) or a list of rows; empty without a function.

    Args:
        state: the emulator state.
        account: the caller's account.
        resource: the computed catalog entry.
        params: query parameters, lower-cased names, first occurrence only.

    Returns:
        The frame or rows, before Sort/Offset/Limit.

    Raises:
        EmulatorError: 400 for bad parameters (from the compute function).
    """
    compute = registry.COMPUTED.get(resource.name)
    if compute is None:
        return []
    filters = tuple(sorted((k, v) for k, v in params.items() if k not in PAGING_PARAMS))
    with account.lock:
        version = data_version(account)
        key = (resource.name, filters, version)
        cache: OrderedDict[tuple[Any, ...], Frame] = account.extra.setdefault(CACHE_KEY, OrderedDict())
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit
        for stale in [k for k in cache if k[2] != version]:
            del cache[stale]  # computed from data that has changed since: can never be hit again
        answer = compute(state, account, params)
        if isinstance(answer, Frame):
            cache[key] = answer
            limits: CacheLimits = account.extra.get(LIMITS_KEY, CacheLimits())
            while len(cache) > limits.frames or (
                len(cache) > 1 and sum(frame.held for frame in cache.values()) > limits.rows
            ):
                cache.popitem(last=False)
        return answer


def rows(
    state: EmulatorState, account: Account, resource: Resource, params: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Every row of a computed answer as JSON-ready dicts (unsorted, unpaged)."""
    answer = result(state, account, resource, params)
    return answer.records() if isinstance(answer, Frame) else answer
