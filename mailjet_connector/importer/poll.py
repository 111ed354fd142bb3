"""Wait for Mailjet async jobs (managemanycontacts): poll their status with capped exponential backoff."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from mailjet_connector.errors import JobTimeoutError

__all__ = ["DEFAULT_BACKOFF", "FINAL_STATUSES", "Backoff", "JobTimeoutError", "wait_for_jobs"]

# DOC lists Allocated, Upload, Prepare, Importing, Completed, Error, Abort; NODE adds "In Progress" (§4.2).
# Anything not final is taken as still running, whatever its spelling.
FINAL_STATUSES = ("Completed", "Error", "Abort")


@dataclass(frozen=True)
class Backoff:
    """How often to poll: `first` seconds, then times `factor`, at most `cap`; give up after `timeout`.

    No jitter: each poll is one cheap GET per job and the waits are long compared with a request.
    """

    first: float = 1.0
    factor: float = 2.0
    cap: float = 30.0
    timeout: float = 3600.0

    def delays(self) -> Iterator[float]:
        delay = self.first
        while True:
            yield min(delay, self.cap)
            delay *= self.factor


DEFAULT_BACKOFF = Backoff()


def is_final(status: dict[str, Any]) -> bool:
    """Whether a status row says the job has ended."""
    return str(status.get("Status", "")) in FINAL_STATUSES


def wait_for_jobs(
    fetch: Callable[[int], dict[str, Any]],
    job_ids: Iterable[int],
    *,
    backoff: Backoff = DEFAULT_BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[int, dict[str, Any]]:
    """Poll jobs until each has a final status.

    Args:
        fetch: job ID -> its status row (`{Status, Count, Error, ErrorFile, JobStart, JobEnd}`).
        job_ids: the jobs to wait for.
        backoff: the waits between rounds (a wait comes before the first poll: a job never ends at once).
        sleep / clock: injectable time; tests pass a sleep that advances the emulator clock.

    Returns:
        job ID -> its final status row.

    Raises:
        JobTimeoutError: some job was still running after `backoff.timeout` seconds.
    """
    pending = sorted(set(job_ids))
    finished: dict[int, dict[str, Any]] = {}
    started = clock()
    delays = backoff.delays()
    while pending:
        delay = next(delays)
        if clock() - started + delay > backoff.timeout:
            raise JobTimeoutError(
                f"jobs {', '.join(map(str, pending))} still running after {backoff.timeout:g} s; "
                "re-run the import later to pick them up"
            )
        sleep(delay)
        for job_id in list(pending):
            status = fetch(job_id)
            if is_final(status):
                finished[job_id] = status
                pending.remove(job_id)
    return finished
