"""Computed resources: statistics (statcounters and the legacy *statistics) derived from stored rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mailjet_connector.emulator.state import Account, EmulatorState

# A compute function gets the state, the caller's account and the query parameters (names lower-cased,
# first occurrence only) and returns JSON-ready rows in the resource's field order. The REST layer then
# applies Sort/Offset/Limit/countOnly to them. Raise emulator.errors.EmulatorError for bad parameters.
ComputeFn = Callable[[EmulatorState, Account, Mapping[str, str]], list[dict[str, Any]]]

COMPUTED: dict[str, ComputeFn] = {}
