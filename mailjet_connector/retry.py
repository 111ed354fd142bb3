"""Retry policy: what may be retried, capped exponential backoff with full jitter, Retry-After parsing."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from mailjet_connector.errors import MailjetError, TransportError

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

# A request extension the client sets on a creating POST whose duplicate it can detect and resolve
# (MJ18 on a resource with a unique key): such a POST may be retried even after it may have been processed.
DUPLICATE_SAFE = "mailjet_connector.duplicate_safe"


def full_jitter(ceiling: float, rand: Callable[[], float] = random.random) -> float:
    """A uniformly random delay in [0, ceiling) ("full jitter", AWS architecture blog 2015).

    Args:
        ceiling: the upper bound in seconds.
        rand: a source of floats in [0, 1), injectable so tests can pin it.
    """
    return ceiling * rand()


def backoff_delay(
    attempt: int, *, base: float, cap: float, rand: Callable[[], float] = random.random
) -> float:
    """The delay before retry number `attempt` (0 for the first retry).

    Args:
        attempt: how many retries came before this one.
        base: the delay ceiling of the first retry, seconds.
        cap: the largest ceiling, seconds.
        rand: random source in [0, 1).

    Returns:
        A delay in [0, min(cap, base * 2**attempt)).
    """
    # Cap the exponent too: 2**attempt overflows floats long before anyone waits that long.
    ceiling = min(cap, base * (2.0 ** min(attempt, 62)))
    return full_jitter(ceiling, rand)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait according to a Retry-After header (delta-seconds or HTTP-date form).

    Args:
        value: the header value, or None.
        now: the current Unix time, for the HTTP-date form.

    Returns:
        A non-negative number of seconds, or None when absent or unreadable.
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)


def may_retry_method(method: str, error: MailjetError, duplicate_safe: bool) -> bool:
    """Whether a failed request of this method may be sent again without risking a double write.

    Args:
        method: the HTTP method.
        error: what went wrong (its `retriable` flag has already been checked).
        duplicate_safe: the caller can detect and resolve a duplicate create (MJ18 lookup).

    Returns:
        True for idempotent verbs; for POST only when it cannot have been processed (connect failure, 429:
        Mailjet refuses rate-limited calls before doing anything) or when duplicates are detectable.
    """
    if method.upper() in IDEMPOTENT_METHODS or duplicate_safe:
        return True
    if isinstance(error, TransportError):
        return error.reached_server is False
    return getattr(error, "status", None) == 429


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try.

    Args:
        max_retries: retries after the first attempt (0 disables retrying).
        base: first backoff ceiling, seconds.
        cap: largest backoff ceiling, seconds.
        budget: total seconds of backoff one request may spend before giving up.
        retry_after_max: never honour a Retry-After longer than this (seconds).
    """

    max_retries: int = 8
    base: float = 0.5
    cap: float = 30.0
    budget: float = 300.0
    retry_after_max: float = 120.0
    rand: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """The wait before retry `attempt`: Retry-After when given (bounded), else jittered backoff."""
        if retry_after is not None:
            return min(retry_after, self.retry_after_max)
        return backoff_delay(attempt, base=self.base, cap=self.cap, rand=self.rand)

    def should_retry(
        self, error: MailjetError, *, method: str, attempt: int, spent: float, duplicate_safe: bool = False
    ) -> bool:
        """Whether to try again after `error`.

        Args:
            error: the failure of the last attempt.
            method: the HTTP method.
            attempt: retries done so far.
            spent: seconds of backoff already spent on this request.
            duplicate_safe: see `may_retry_method`.
        """
        if not error.retriable or attempt >= self.max_retries or spent >= self.budget:
            return False
        return may_retry_method(method, error, duplicate_safe)


NO_RETRY = RetryPolicy(max_retries=0)
