"""The message lifecycle: each sent message moves on the emulator clock through sent, opened, clicked, or
bounce, blocked, spam, unsub, with seeded rates and delays.

Nothing runs in the background. `advance(state, account)` registers the messages sends appended to
`account.extra["sent_messages"]` since last time, plans each one once (deterministic from the seed, the
API key and the message ID, see `plan_message`), and applies every step whose time the clock has reached,
in time order (`lifecycle.effects`), queueing the resulting events for delivery. The app calls it around
every request; it costs a length check and a heap peek when nothing is due.
Spam and unsub times are `stats.facts.derived_event_time`, the same function the statistics use, so an
event and the statistics always agree on when it happened.
"""

from __future__ import annotations

import dataclasses
import heapq
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mailjet_connector.emulator.lifecycle import delivery
from mailjet_connector.emulator.lifecycle.effects import Step, apply_step, message_links
from mailjet_connector.emulator.seed.messages import USER_AGENTS
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.stats.facts import derived_event_time

# messagestate IDs (catalog enums) each outcome draws from: bounces are hard for recipient/domain
# failures that do not go away, soft for full mailboxes, greylisting and transient system issues.
HARD_BOUNCE_STATES = (1, 2, 4, 5)
SOFT_BOUNCE_STATES = (3, 13, 12, 10)
BLOCKED_STATES = (14, 16, 20, 21, 7, 8, 9)
PREBLOCKED_STATE = 14
_QUEUE_KEY = "lifecycle"


@dataclass(frozen=True)
class LifecycleSettings:
    """Rates (probabilities) and delays (seconds, min..max) of the lifecycle; change with `configure`.

    bounce_rate and blocked_rate split the sent messages (the rest is delivered); click_rate applies to
    opened messages, reopen_rate to opened ones (a second open); spam_rate and unsub_rate split the
    delivered messages.
    """

    open_rate: float = 0.4
    click_rate: float = 0.15
    reopen_rate: float = 0.25
    bounce_rate: float = 0.03
    hard_bounce_share: float = 1 / 3
    blocked_rate: float = 0.01
    spam_rate: float = 0.002
    unsub_rate: float = 0.005
    bounce_delay: tuple[int, int] = (5, 300)
    blocked_delay: tuple[int, int] = (0, 2)
    open_delay: tuple[int, int] = (60, 6 * 3600)
    reopen_delay: tuple[int, int] = (600, 24 * 3600)
    click_delay: tuple[int, int] = (5, 1800)

    def replaced(self, changes: dict[str, Any]) -> LifecycleSettings:
        """A copy with some fields changed (JSON lists accepted for delays).

        Raises:
            ValueError: unknown name, a rate outside 0..1, rates of one split summing over 1, bad delays.
        """
        names = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise ValueError(f"unknown lifecycle settings: {', '.join(unknown)}")
        fixed = {
            k: tuple(int(x) for x in v) if k.endswith("_delay") else float(v) for k, v in changes.items()
        }
        updated = dataclasses.replace(self, **fixed)
        updated.check()
        return updated

    def check(self) -> None:
        """Raises ValueError when the settings are inconsistent."""
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name.endswith("_delay"):
                if len(value) != 2 or not 0 <= value[0] <= value[1]:
                    raise ValueError(f"{f.name} must be [min, max] seconds with 0 <= min <= max")
            elif not 0.0 <= value <= 1.0:
                raise ValueError(f"{f.name} must be between 0 and 1")
        if self.bounce_rate + self.blocked_rate > 1 or self.spam_rate + self.unsub_rate > 1:
            raise ValueError("bounce_rate + blocked_rate and spam_rate + unsub_rate must not exceed 1")

    def view(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}


@dataclass
class LifecycleQueue:
    """Per-account lifecycle state: how far `sent_messages` was read, and the heap of planned steps."""

    settings: LifecycleSettings = field(default_factory=LifecycleSettings)
    cursor: int = 0
    heap: list[Step] = field(default_factory=list)
    seq: int = 0


def queue(account: Account) -> LifecycleQueue:
    """The account's lifecycle state, created on first use."""
    found = account.extra.get(_QUEUE_KEY)
    if found is None:
        found = account.extra.setdefault(_QUEUE_KEY, LifecycleQueue())
    return found


def configure(account: Account, changes: dict[str, Any]) -> LifecycleSettings:
    """Change the account's settings; messages registered from now on use them.

    Raises:
        ValueError: see `LifecycleSettings.replaced`.
    """
    q = queue(account)
    with account.lock:
        q.settings = q.settings.replaced(changes)
    return q.settings


def _delay(rng: random.Random, bounds: tuple[int, int]) -> int:
    return rng.randint(bounds[0], bounds[1])


def plan_message(
    settings: LifecycleSettings, rng: random.Random, row: dict[str, Any], urls: tuple[str, ...]
) -> list[tuple[int, str, dict[str, Any]]]:
    """Everything that will happen to one message, as (due time, step kind, details); pure.

    Args:
        settings: rates and delays.
        rng: the message's own random source (seeded from seed, key and message ID).
        row: the message row (raw values: ID, ArrivedAt, Status, StateID, IsOpenTracked, IsClickTracked).
        urls: the links a click may hit.

    Returns:
        The planned steps; a message already blocked at send time gets only its `blocked` step, a message
        in any other state than "sent" or "blocked" nothing.
    """
    arrived, status = int(row["ArrivedAt"]), str(row["Status"])
    if status == "blocked":
        return [(arrived, "blocked", {"state_id": int(row["StateID"] or PREBLOCKED_STATE), "preset": True})]
    if status != "sent":
        return []
    outcome = rng.random()
    if outcome < settings.bounce_rate:
        hard = rng.random() < settings.hard_bounce_share
        state_id = rng.choice(HARD_BOUNCE_STATES if hard else SOFT_BOUNCE_STATES)
        return [
            (arrived + _delay(rng, settings.bounce_delay), "bounce", {"state_id": state_id, "hard": hard})
        ]
    if outcome < settings.bounce_rate + settings.blocked_rate:
        state_id = rng.choice(BLOCKED_STATES)
        return [(arrived + _delay(rng, settings.blocked_delay), "blocked", {"state_id": state_id})]
    client = {"agent": rng.randrange(len(USER_AGENTS)), "ip": f"203.0.113.{rng.randint(1, 254)}"}
    steps: list[tuple[int, str, dict[str, Any]]] = [(arrived, "sent", {})]
    if rng.random() < settings.open_rate:
        opened = arrived + _delay(rng, settings.open_delay)
        if row.get("IsOpenTracked", True):
            steps.append((opened, "open", client))
            if rng.random() < settings.reopen_rate:
                steps.append((opened + _delay(rng, settings.reopen_delay), "open", client))
        if rng.random() < settings.click_rate and row.get("IsClickTracked", True) and urls:
            steps.append(
                (opened + _delay(rng, settings.click_delay), "click", {**client, "url": rng.choice(urls)})
            )
    complaint = rng.random()
    ids, when = np.array([int(row["ID"])], dtype=np.int64), np.array([arrived], dtype=np.int64)
    if complaint < settings.spam_rate:
        steps.append((int(derived_event_time(when, ids, "spam")[0]), "spam", {}))
    elif complaint < settings.spam_rate + settings.unsub_rate:
        header = rng.random() < 0.5  # half use the List-Unsubscribe header, half the link in the mail
        steps.append((int(derived_event_time(when, ids, "unsub")[0]), "unsub", {**client, "header": header}))
    return steps


def _register(state: EmulatorState, account: Account, q: LifecycleQueue) -> None:
    sent = account.extra.get("sent_messages") or []
    messages = account.table("message")
    for message_id in sent[q.cursor :]:
        pos = messages.position(int(message_id))
        if pos is None:
            continue
        rng = random.Random(f"{state.seed}:{account.key_id}:{message_id}")
        row = messages.raw(pos)
        for due, kind, details in plan_message(q.settings, rng, row, message_links(account, int(message_id))):
            q.seq += 1
            heapq.heappush(q.heap, Step(due, q.seq, int(message_id), kind, details))
    q.cursor = len(sent)


def advance(state: EmulatorState, account: Account) -> int:
    """Apply every lifecycle step due up to the emulator's now, and queue their events for delivery.

    Args:
        state: the emulator (clock, seed).
        account: the account whose messages move.

    Returns:
        How many steps were applied.
    """
    q = queue(account)
    now = state.clock.now()
    sent = account.extra.get("sent_messages")
    if (sent is None or len(sent) == q.cursor) and (not q.heap or q.heap[0].due > now):
        return 0
    events: list[dict[str, Any]] = []
    applied = 0
    with account.lock:
        _register(state, account, q)
        while q.heap and q.heap[0].due <= now:
            step = heapq.heappop(q.heap)
            payload = apply_step(account, step)
            applied += 1
            if payload is not None:
                events.append(payload)
        delivery.enqueue_events(account, events, now)  # reads the callback table: under the lock too
    return applied


def advance_all(state: EmulatorState) -> int:
    """`advance` for every account; returns the number of steps applied."""
    return sum(advance(state, account) for account in list(state.accounts.values()))


def pending_steps(account: Account) -> int:
    """How many planned steps are still in the future (for the control view)."""
    return len(queue(account).heap)
