"""Polling async jobs with capped backoff, on an injected clock."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from mailjet_connector.importer.poll import Backoff, JobTimeoutError, wait_for_jobs


class FakeTime:
    """A clock and a sleep that only move a number."""

    def __init__(self) -> None:
        self.now = 0.0
        self.naps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.now += seconds


def test_backoff_grows_to_its_cap() -> None:
    assert list(itertools.islice(Backoff(first=1, factor=2, cap=5).delays(), 5)) == [1, 2, 4, 5, 5]


def test_jobs_are_polled_until_each_is_final() -> None:
    time = FakeTime()
    ends = {1: 3.0, 2: 10.0}

    def fetch(job: int) -> dict[str, Any]:
        return {"Status": "Completed" if time.now >= ends[job] else "Importing", "Job": job}

    done = wait_for_jobs(fetch, [2, 1, 1], sleep=time.sleep, clock=lambda: time.now)
    assert sorted(done) == [1, 2] and time.naps == [1, 2, 4, 8] and time.now == 15


def test_unknown_statuses_count_as_running_and_error_is_final() -> None:
    answers = iter(["In Progress", "Prepare", "Error"])
    time = FakeTime()
    done = wait_for_jobs(lambda job: {"Status": next(answers)}, [5], sleep=time.sleep, clock=lambda: time.now)
    assert done[5]["Status"] == "Error" and len(time.naps) == 3


def test_a_job_that_never_ends_times_out() -> None:
    time = FakeTime()
    with pytest.raises(JobTimeoutError, match="jobs 9 still running"):
        wait_for_jobs(
            lambda job: {"Status": "Importing"},
            [9],
            backoff=Backoff(timeout=60),
            sleep=time.sleep,
            clock=lambda: time.now,
        )
    assert time.now <= 60
