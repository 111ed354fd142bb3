"""The one spelling of a rate limit, shared by the client's pacer, `sync --rate-limit` and the emulator.

Grammar: `COUNT/[SPAN]UNIT`, where COUNT is a positive number (`300`, `2.5`), SPAN an optional positive
number of units (`10` in `1000/10s`) and UNIT one of `s`, `sec`, `second`, `m`, `min`, `minute`, `h`,
`hour` (a plural `s` and any case allowed). Examples: `300/min`, `5/s`, `2.5/s`, `1000/10s`, `20000/h`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNIT_SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
_NUMBER = r"\d+(?:\.\d+)?"
_RATE = re.compile(rf"^\s*({_NUMBER})\s*/\s*({_NUMBER})?\s*([a-z]+?)s?\s*$", re.IGNORECASE)
EXAMPLES = "300/min, 5/s, 2.5/s, 1000/10s"


class RateError(ValueError):
    """A rate spelling that does not follow the grammar; `str()` says what to write instead."""


@dataclass(frozen=True, slots=True)
class Rate:
    """`requests` per `seconds`."""

    requests: float
    seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def parse_rate(spec: str) -> Rate:
    """The rate a spelling such as `300/min`, `2.5/s` or `1000/10s` stands for.

    Raises:
        RateError: not the grammar, an unknown unit, or a count or span that is not positive.
    """
    found = _RATE.match(spec or "")
    unit = UNIT_SECONDS.get(found.group(3).lower()) if found else None
    if found is None or unit is None:
        raise RateError(
            f"rate limit {spec!r} not understood: write COUNT/UNIT or COUNT/<n>UNIT, e.g. {EXAMPLES}"
        )
    requests, span = float(found.group(1)), float(found.group(2) or 1)
    if requests <= 0 or span <= 0:
        raise RateError(f"rate limit {spec!r} must be positive, e.g. {EXAMPLES}")
    return Rate(requests, span * unit)
