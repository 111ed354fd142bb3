"""statcounters (mailjet-api.md §3): message and event counters per source and time slice, with numpy.

- CounterTiming=Message puts every counter in the slice of the message's ArrivedAt; CounterTiming=Event
  puts each counter in the slice of the event that produced it (first open, first click, spam/unsub time
  from `facts.derived_event_time`; arrival for delivery, bounces, blocks, queue and deferral).
- Event*Count counts unique events (first open/click per message), so over Lifetime EventOpenedCount
  equals MessageOpenedCount; Event*Delay sums the seconds from arrival to that first event.
- Day/Hour slices are UTC, Highest slices are 5 minutes; Timeslice is the RFC 3339 start of the slice.
  Only slices with at least one processed or event count appear; Lifetime always gives one row per source.
- FromTS (exclusive) / ToTS (inclusive, default now) bound the counted times; without FromTS the window is
  the last 100 slices before ToTS.
- The documented rules (`catalog.counters`: Lifetime not with Event; List only with Message x Lifetime; Sender
  only with Message; FromTS..ToTS at most 100 slices) are enforced: 400 naming the parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from mailjet_connector.catalog import get
from mailjet_connector.catalog.counters import MAX_SLICES, SLICE_SECONDS, broken_rule, max_span
from mailjet_connector.catalog.enums import COUNTER_RESOLUTIONS, COUNTER_SOURCES, COUNTER_TIMINGS
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.frame import build_rows
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.stats.facts import MessageFacts, facts
from mailjet_connector.emulator.stats.params import param_choice, param_int, param_time, shown

# statcounters field -> (outcome mask in `facts`, weight: None = count, "open"/"click" = delay).
COUNTERS: dict[str, tuple[str, str | None]] = {
    "EventClickDelay": ("clicked", "click"),
    "EventClickedCount": ("clicked", None),
    "EventOpenDelay": ("opened", "open"),
    "EventOpenedCount": ("opened", None),
    "EventSpamCount": ("spam", None),
    "EventUnsubscribedCount": ("unsub", None),
    "MessageBlockedCount": ("blocked", None),
    "MessageClickedCount": ("clicked", None),
    "MessageDeferredCount": ("deferred", None),
    "MessageHardBouncedCount": ("hardbounced", None),
    "MessageOpenedCount": ("opened", None),
    "MessageQueuedCount": ("queued", None),
    "MessageSentCount": ("delivered", None),
    "MessageSoftBouncedCount": ("softbounced", None),
    "MessageSpamCount": ("spam", None),
    "MessageUnsubscribedCount": ("unsub", None),
    "Total": ("processed", None),
}
_TYPE_LETTERS = ({"C": "Campaign", "A": "APIKey"}, {"E": "Event", "M": "Message"},
                 {"S": "Highest", "D": "Day", "H": "Hour", "L": "Lifetime"})  # fmt: skip


def _counter_type(params: Mapping[str, str]) -> dict[str, str]:
    """CounterType=CML-style shorthand -> the three Counter* parameters."""
    raw = (params.get("countertype") or "").strip().upper()
    if not raw:
        return {}
    if len(raw) != 3 or any(letter not in table for letter, table in zip(raw, _TYPE_LETTERS, strict=True)):
        raise EmulatorError(
            400, f"Invalid value for CounterType: {shown(raw)} (source C|A, timing E|M, res S|D|H|L)"
        )
    names = ("countersource", "countertiming", "counterresolution")
    return {name: table[letter] for name, table, letter in zip(names, _TYPE_LETTERS, raw, strict=True)}


def _request(params: Mapping[str, str]) -> dict[str, Any]:
    """Resolve shortcuts and check the required Counter* parameters."""
    merged = {**_counter_type(params), **params}
    for shortcut, source in (("campaignid", "Campaign"), ("apikeyid", "APIKey")):
        if merged.get(shortcut):
            merged.setdefault("countersource", source)
            merged.setdefault("sourceid", merged[shortcut])
    wanted = {
        "CounterSource": COUNTER_SOURCES,
        "CounterTiming": COUNTER_TIMINGS,
        "CounterResolution": COUNTER_RESOLUTIONS,
    }
    resolved = {name: param_choice(merged, name, choices) for name, choices in wanted.items()}
    for name, value in resolved.items():
        if value is None:
            choices = "|".join(wanted[name])
            raise EmulatorError(400, f"Missing required parameter {name} ({choices})")
    lifetime = resolved["CounterResolution"] == "Lifetime"
    if lifetime and (merged.get("fromts") or merged.get("tots")):
        raise EmulatorError(400, "FromTS and ToTS are not allowed with CounterResolution=Lifetime")
    rule = broken_rule(resolved["CounterSource"], resolved["CounterTiming"], resolved["CounterResolution"])
    if rule is not None:
        raise EmulatorError(400, f"Invalid value for {rule.parameter}: {rule.message()}")
    return {**resolved, "params": merged}


def _window(request: dict[str, Any], now: int) -> tuple[int, int]:
    """(FromTS, ToTS] of a sliced request: ToTS defaults to now, FromTS to the widest span before ToTS."""
    resolution = request["CounterResolution"]
    span = max_span(resolution)
    assert span is not None
    end = param_time(request["params"], "ToTS")
    end = now if end is None else end
    start = param_time(request["params"], "FromTS")
    if start is None:
        return end - span, end
    if end - start > span:
        raise EmulatorError(
            400,
            f"Invalid value for FromTS: FromTS..ToTS spans more than {MAX_SLICES} slices of "
            f"CounterResolution={resolution} ({span // 60} minutes)",
        )
    return start, end


def _sources(request: dict[str, Any], account: Account) -> list[int]:
    params = request["params"]
    raw_list = params.get("sourceids")
    if raw_list:
        try:
            ids = [int(part) for part in raw_list.split(",") if part.strip()]
        except ValueError:
            raise EmulatorError(400, f"Invalid value for SourceIDs: {shown(raw_list)}") from None
    else:
        single = param_int(params, "SourceID")
        ids = [single] if single is not None else []
    if request["CounterSource"] == "APIKey":
        # Only the caller's own key can be asked for; another key's ID gives no rows.
        return [account.key_id] if not ids or account.key_id in ids else []
    if not ids:
        raise EmulatorError(400, f"SourceID is required with CounterSource={request['CounterSource']}")
    return ids


def _source_mask(data: MessageFacts, source: str, source_id: int) -> np.ndarray:
    if source == "Campaign":
        return data.campaign == source_id
    if source == "List":
        return data.campaign_list == source_id
    if source == "Sender":
        return data.sender == source_id
    return np.ones(data.size, dtype=bool)


def _outcome_table(data: MessageFacts, slots: np.ndarray, inside: np.ndarray, span: int) -> np.ndarray:
    """Messages per (slot, outcome pattern): one bincount; messages outside the window go to a spare bin."""
    width = data.pattern_masks["processed"].size
    combined = np.where(inside, slots * width + data.pattern, span * width)
    return np.bincount(combined, minlength=span * width + 1)[:-1].reshape(span, width)


def _counts(
    data: MessageFacts, selected: np.ndarray, timing: str, window: tuple[int, int] | None, width: int
):
    """Per-slice sums: (starts of the non-empty slices ascending, field -> int64 array).

    Slice keys and the window test are computed once per distinct time array (arrival, first open, ...),
    then each counter is one weighted bincount over all messages: no per-counter copies of 2M rows.
    """
    sources: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for outcome, _ in COUNTERS.values():
        times = data.times[outcome] if timing == "Event" else data.arrived
        if id(times) not in sources:
            inside = selected if window is None else selected & (times > window[0]) & (times <= window[1])
            sources[id(times)] = (times // width if width else np.zeros(times.size, np.int64), inside)
    live_keys = [keys[inside] for keys, inside in sources.values() if inside.any()]
    if not live_keys:
        return np.zeros(0, np.int64), {name: np.zeros(0, np.int64) for name in COUNTERS}
    low = min(int(k.min()) for k in live_keys)
    span = max(int(k.max()) for k in live_keys) - low + 1
    tables = {key: _outcome_table(data, keys - low, inside, span) for key, (keys, inside) in sources.items()}
    sums: dict[str, np.ndarray] = {}
    for name, (outcome, delay) in COUNTERS.items():
        source = id(data.times[outcome] if timing == "Event" else data.arrived)
        if delay is None:
            sums[name] = tables[source] @ data.pattern_masks[outcome]
            continue
        keys, inside = sources[source]
        weights = (inside & data.masks[outcome]) * (
            (data.first_open if delay == "open" else data.first_click) - data.arrived
        )
        # Messages outside the window weigh 0, so clipping their keys into range changes nothing.
        sums[name] = np.bincount(np.clip(keys - low, 0, span - 1), weights=weights, minlength=span).astype(
            np.int64
        )
    used = np.flatnonzero(np.any([values != 0 for values in sums.values()], axis=0))
    return (used + low) * width, {name: values[used] for name, values in sums.items()}


def statcounters(state: EmulatorState, account: Account, params: Mapping[str, str]) -> list[dict[str, Any]]:
    """Rows of `GET /statcounters` (see the module docstring for the counting rules).

    Raises:
        EmulatorError: 400 for a missing or invalid Counter* parameter, a combination the rules refuse, a
            missing SourceID, FromTS/ToTS with Lifetime, or a window wider than 100 slices.
    """
    request = _request(params)
    resolution = request["CounterResolution"]
    width = SLICE_SECONDS.get(resolution, 0)
    window = _window(request, int(state.clock.now())) if width else None
    data = facts(account)
    resource = get("statcounters")
    rows: list[dict[str, Any]] = []
    for source_id in _sources(request, account):
        selected = _source_mask(data, request["CounterSource"], source_id)
        slices, sums = _counts(data, selected, request["CounterTiming"], window, width)
        if not width and not slices.size:
            slices, sums = np.zeros(1, np.int64), {name: np.zeros(1, np.int64) for name in COUNTERS}
        columns: dict[str, Any] = {
            **sums,
            "APIKeyID": np.full(slices.size, account.key_id, dtype=np.int64),
            "SourceID": np.full(slices.size, source_id, dtype=np.int64),
            "Timeslice": slices if width else np.zeros(slices.size, np.int64),
        }
        rows.extend(build_rows(resource, columns, np.arange(slices.size)))
    return rows
