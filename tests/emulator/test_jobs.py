"""The async job model: phases on the emulator clock, lazy progress, batchjob rows and settings."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.emulator import jobs
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.jobs import JobScope, JobSettings
from mailjet_connector.emulator.state import Account, Clock, EmulatorState
from tests.emulator.conftest import NOW, TestClient


class CountingWork:
    """A job of `total` items that records when each one ran; items listed in `bad` fail."""

    def __init__(self, total: int, bad: tuple[int, ...] = (), fatal: str | None = None) -> None:
        self.total, self.bad, self.fatal = total, bad, fatal
        self.ran: list[tuple[int, int]] = []

    def prepare(self, scope: JobScope) -> str | None:
        return self.fatal

    def run(self, scope: JobScope, index: int) -> dict[str, Any] | None:
        self.ran.append((index, scope.now))
        return {"Index": index, "Error": "bad"} if index in self.bad else None


def new_state(**settings: int) -> tuple[EmulatorState, Account]:
    state = EmulatorState(clock=Clock(NOW, frozen=True))
    account = state.add_account(Account("k", "s", key_id=9, name="k"))
    account.extra[jobs.SETTINGS_KEY] = JobSettings(**settings)
    return state, account


def status_at(state: EmulatorState, account: Account, job: jobs.Job, seconds: int) -> jobs.Job:
    state.clock.set(job.requested_at + seconds)
    jobs.refresh(state, account)
    return job


def test_job_moves_through_its_phases_on_the_clock() -> None:
    state, account = new_state(queue_seconds=1, prepare_seconds=2, per_second=10)
    work = CountingWork(25)
    job = jobs.start(state, account, work, rules={}, kind="k", job_type="Unknown")
    assert (job.status, job.done) == ("Allocated", 0)
    assert status_at(state, account, job, 1).status == "Prepare"
    assert job.started_at == NOW + 1
    assert (status_at(state, account, job, 3).status, job.done) == ("Importing", 0)
    assert (status_at(state, account, job, 4).status, job.done) == ("Importing", 10)
    assert (status_at(state, account, job, 6).status, job.done) == ("Completed", 25)
    assert job.ended_at == NOW + 6
    # Each item ran at its own emulator second, not at the time of the read that caught up.
    assert work.ran[0] == (0, NOW + 3) and work.ran[24] == (24, NOW + 5)


def test_work_does_not_run_before_a_read() -> None:
    state, account = new_state(queue_seconds=0, prepare_seconds=0, per_second=1)
    work = CountingWork(3)
    jobs.start(state, account, work, rules={}, kind="k", job_type="Unknown")
    state.clock.advance(100)
    assert work.ran == []  # lazy: nothing happens until someone looks
    jobs.refresh(state, account)
    assert [i for i, _ in work.ran] == [0, 1, 2]


def test_empty_job_completes_when_importing_starts() -> None:
    state, account = new_state(queue_seconds=1, prepare_seconds=1)
    job = jobs.start(state, account, CountingWork(0), rules={}, kind="k", job_type="Unknown")
    assert status_at(state, account, job, 2).status == "Completed"
    assert job.ended_at == NOW + 2


def test_fatal_preparation_ends_in_error() -> None:
    state, account = new_state()
    job = jobs.start(
        state, account, CountingWork(5, fatal="no email column"), rules={}, kind="k", job_type="Unknown"
    )
    status_at(state, account, job, 60)
    assert (job.status, job.error, job.done) == ("Error", "no email column", 0)


def test_error_threshold_stops_the_job() -> None:
    state, account = new_state(per_second=100)
    work = CountingWork(50, bad=(3, 4, 5, 6))
    job = jobs.start(state, account, work, rules={}, kind="k", job_type="Unknown", err_threshold=2)
    status_at(state, account, job, 60)
    assert job.status == "Error" and job.done == 6 and len(job.errors) == 3


def test_abort_stops_a_running_job_and_not_a_finished_one() -> None:
    state, account = new_state(per_second=1)
    job = jobs.start(state, account, CountingWork(10), rules={}, kind="k", job_type="Unknown")
    status_at(state, account, job, 4)
    assert jobs.abort(state, account, job)
    assert (job.status, job.done, job.ended_at) == ("Abort", 2, NOW + 4)
    status_at(state, account, job, 100)
    assert job.done == 2  # an aborted job does no more work
    assert not jobs.abort(state, account, job)


@given(st.integers(0, 40), st.integers(1, 7), st.lists(st.integers(0, 30), max_size=6))
def test_progress_depends_on_the_time_not_on_how_often_it_is_read(
    total: int, per_second: int, reads: list[int]
) -> None:
    final = 2 + -(-total // per_second)
    outcomes = []
    for read_times in ([], sorted(reads)):
        state, account = new_state(per_second=per_second)
        work = CountingWork(total, bad=(1,))
        job = jobs.start(state, account, work, rules={}, kind="k", job_type="Unknown")
        for at in read_times:
            status_at(state, account, job, at)
        status_at(state, account, job, max([final, *read_times]))
        outcomes.append((job.status, job.done, job.ended_at, len(job.errors), work.ran))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][:3] == ("Completed", total, NOW + final)


def test_batchjob_listing_shows_live_progress(state: EmulatorState, client: TestClient) -> None:
    account = state.accounts["mainkey"]
    account.extra[jobs.SETTINGS_KEY] = JobSettings(per_second=2)
    job = jobs.start(
        state, account, CountingWork(5), rules={}, kind="k", job_type="Unknown", method="addforce"
    )
    state.clock.advance(3)
    row = client.get(f"/v3/REST/batchjob/{job.id}").json()["Data"][0]
    assert row["Status"] == "Importing" and row["Count"] == 2 and row["Method"] == "addforce"
    assert row["RequestAt"] == NOW and row["JobStart"] == NOW + 1 and row["APIKeyID"] == 1
    state.clock.advance(10)
    completed = client.get("/v3/REST/batchjob", params={"Status": "Completed"}).json()["Data"]
    assert [(r["ID"], r["Count"], r["JobEnd"]) for r in completed] == [(job.id, 5, NOW + 5)]


def test_seeded_batchjob_rows_are_kept_next_to_job_rows() -> None:
    state, account = new_state()
    plain = account.table("batchjob")
    for status in ("Completed", "Error", "Completed"):
        plain.insert({"Status": status, "RequestAt": NOW - 100})
    plain.delete(1)
    job = jobs.start(state, account, CountingWork(1), rules={}, kind="k", job_type="Unknown")
    table = account.table("batchjob")
    assert [r["ID"] for r in table.records(table.live())] == [1, 3, job.id]
    assert job.id == 4


class RefusingWork(CountingWork):
    def run(self, scope: JobScope, index: int) -> dict[str, Any] | None:
        raise EmulatorError(400, "MJ08 refused")


def test_an_item_refused_by_a_write_rule_is_an_item_error_not_a_failed_read() -> None:
    state, account = new_state()
    job = jobs.start(state, account, RefusingWork(2), rules={}, kind="k", job_type="Unknown")
    status_at(state, account, job, 60)
    assert job.status == "Completed" and job.errors == [
        {"Index": 0, "Error": "MJ08 refused"},
        {"Index": 1, "Error": "MJ08 refused"},
    ]


def test_settings_reject_a_stalled_rate() -> None:
    with pytest.raises(ValueError, match="per_second"):
        JobSettings(per_second=0)
