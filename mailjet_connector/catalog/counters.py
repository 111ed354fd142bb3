"""statcounters rules: which Counter* combinations and which FromTS..ToTS spans the API accepts.

Stated by Mailjet's connector documentation (`seeds/002-domo-mailjet.txt`, mailjet-api.md §3):

- `CounterResolution=Lifetime` cannot be used with `CounterTiming=Event`;
- `CounterSource=List` only with `CounterTiming=Message` and `CounterResolution=Lifetime`;
- `CounterSource=Sender` only with `CounterTiming=Message`;
- FromTS..ToTS spans at most 100 slices of the resolution (Highest = 5 minutes: 500 minutes; Hour: 100
  hours; Day: 100 days).

The emulator refuses what breaks them (400 naming the parameter); the sync plans only requests inside them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from mailjet_connector.catalog.enums import COUNTER_RESOLUTIONS, COUNTER_SOURCES, COUNTER_TIMINGS

# Seconds per time slice of each resolution (Lifetime has none: one row per source).
SLICE_SECONDS: dict[str, int] = {"Highest": 300, "Hour": 3_600, "Day": 86_400}
# At most this many slices between FromTS and ToTS in one request.
MAX_SLICES = 100


@dataclass(frozen=True, slots=True)
class CounterRule:
    """`parameter=value` may only be used with the listed values of other Counter* parameters."""

    parameter: str
    value: str
    only_with: tuple[tuple[str, str], ...]

    def message(self) -> str:
        others = " and ".join(f"{name}={allowed}" for name, allowed in self.only_with)
        return f"{self.parameter}={self.value} can only be used with {others}"


RULES: tuple[CounterRule, ...] = (
    CounterRule("CounterResolution", "Lifetime", (("CounterTiming", "Message"),)),
    CounterRule("CounterSource", "List", (("CounterTiming", "Message"), ("CounterResolution", "Lifetime"))),
    CounterRule("CounterSource", "Sender", (("CounterTiming", "Message"),)),
)


def broken_rule(source: str, timing: str, resolution: str) -> CounterRule | None:
    """The first rule the combination breaks, or None when the API accepts it."""
    given = {"CounterSource": source, "CounterTiming": timing, "CounterResolution": resolution}
    for rule in RULES:
        if given[rule.parameter] == rule.value and any(given[n] != v for n, v in rule.only_with):
            return rule
    return None


def legal_combinations(
    sources: Sequence[str] = COUNTER_SOURCES,
    timings: Sequence[str] = COUNTER_TIMINGS,
    resolutions: Sequence[str] = COUNTER_RESOLUTIONS,
) -> Iterator[tuple[str, str, str]]:
    """Every (source, timing, resolution) of the given values that the API accepts, in the given order."""
    for source in sources:
        for timing in timings:
            for resolution in resolutions:
                if broken_rule(source, timing, resolution) is None:
                    yield source, timing, resolution


def max_span(resolution: str) -> int | None:
    """The widest FromTS..ToTS one request may ask for, in seconds (None: Lifetime, which takes no window)."""
    width = SLICE_SECONDS.get(resolution)
    return None if width is None else MAX_SLICES * width
