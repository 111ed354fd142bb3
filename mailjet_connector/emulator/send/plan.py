"""Account plan limits on sending (off by default): the free plan's daily cap and the hourly cap in test mode.

The agent guide (`shared/seeds/003-agent-api-guide.txt`) states the caps: "a free account is limited to 200
emails per day, and a key in test mode is limited to 10 emails per hour". Each recipient of a real send
counts as one email (To, Cc and Bcc alike); SandboxMode sends count for nothing. The windows are the UTC
calendar day and the UTC clock hour of the emulator clock.

No public source records Mailjet's answer past a cap, so the answer is assumed and kept recognisable: the
call is refused whole, nothing is sent, with HTTP 429 (the status the guide gives for limits) and a one-line
message naming the plan, the cap and when sending resumes; v3.1 answers in its global error shape
(`ErrorIdentifier`, `StatusCode`, `ErrorMessage`), v3 in the classic one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mailjet_connector.emulator.state import Account
from mailjet_connector.wire.timestamps import format_timestamp

PLAN_KEY = "send.plan"
DAY, HOUR = 86_400, 3_600


@dataclass(frozen=True, slots=True)
class SendingPlan:
    """Which caps apply: emails per UTC day and per UTC hour (None = no cap)."""

    name: str = "unlimited"
    daily_limit: int | None = None
    hourly_limit: int | None = None

    def view(self) -> dict[str, Any]:
        return {"plan": self.name, "daily_limit": self.daily_limit, "hourly_limit": self.hourly_limit}


PLANS: dict[str, SendingPlan] = {
    "unlimited": SendingPlan(),
    "free": SendingPlan("free", daily_limit=200),
    "test": SendingPlan("test", hourly_limit=10),
}


@dataclass
class Usage:
    """Emails counted in the current day and hour windows (window start, count)."""

    plan: SendingPlan = field(default_factory=SendingPlan)
    day: tuple[int, int] = (0, 0)
    hour: tuple[int, int] = (0, 0)


def usage(account: Account) -> Usage:
    """The account's plan and counters, created on first use (unlimited)."""
    return account.extra.setdefault(PLAN_KEY, Usage())


def set_plan(account: Account, name: str, **caps: int | None) -> SendingPlan:
    """Put the account on a plan, optionally with other caps (`daily_limit`, `hourly_limit`).

    Raises:
        ValueError: an unknown plan or cap, or a cap that is not a positive integer.
    """
    if name not in PLANS:
        raise ValueError(f"unknown plan {name!r}: expected one of {', '.join(PLANS)}")
    unknown = sorted(set(caps) - {"daily_limit", "hourly_limit"})
    if unknown:
        raise ValueError(f"unknown plan settings: {', '.join(unknown)}")
    for key, value in caps.items():
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise ValueError(f"{key} must be a positive integer or null")
    base = PLANS[name]
    limits = {"daily_limit": base.daily_limit, "hourly_limit": base.hourly_limit, **caps}
    plan = SendingPlan(name, limits["daily_limit"], limits["hourly_limit"])
    with account.lock:
        usage(account).plan = plan
    return plan


def _window(now: int, size: int, current: tuple[int, int]) -> tuple[int, int]:
    start = now - now % size
    return current if current[0] == start else (start, 0)


def refusal(account: Account, now: int, emails: int) -> str | None:
    """Why sending `emails` more now would pass a cap (the message to answer), or None."""
    use = usage(account)
    checks = (
        (use.plan.daily_limit, DAY, use.day, "a day"),
        (use.plan.hourly_limit, HOUR, use.hour, "an hour"),
    )
    for limit, size, current, per in checks:
        start, count = _window(now, size, current)
        if limit is not None and count + emails > limit:
            resumes = format_timestamp(start + size)
            return (
                f"Sending limit reached: the {use.plan.name} plan sends {limit} emails {per} "
                f"({count} sent, {emails} more asked); sending resumes at {resumes}"
            )
    return None


def record(account: Account, now: int, emails: int) -> None:
    """Count `emails` sent now."""
    use = usage(account)
    start, count = _window(now, DAY, use.day)
    use.day = (start, count + emails)
    start, count = _window(now, HOUR, use.hour)
    use.hour = (start, count + emails)
