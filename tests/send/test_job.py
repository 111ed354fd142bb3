"""`plan_send` and `open_journal`: the job-id policy of a send, in the library (#19 item 8)."""

from __future__ import annotations

from pathlib import Path

from mailjet_connector.send import Content, MessageSpec, open_journal, plan_send

SPEC = MessageSpec("news@example.com", Content(text="hi {{var:first}}"), subject="Hi")


def test_the_same_file_and_message_resume_the_same_job(tmp_path: Path) -> None:
    rows = tmp_path / "people.csv"
    rows.write_text("email,first\nann@example.com,Ann\n")
    first, again = plan_send(SPEC, source=rows), plan_send(SPEC, source=str(rows))
    assert first.job == again.job and first.resumable
    assert plan_send(SPEC, source=rows, sandbox=True).job != first.job
    assert plan_send(SPEC, source=rows, job="mine").job == "mine"


def test_a_single_message_is_a_new_job_every_time() -> None:
    first, again = plan_send(SPEC, to="ann@example.com"), plan_send(SPEC, to="ann@example.com")
    assert first.job != again.job and not first.resumable
    assert [row.email for row in first.sendable] == ["ann@example.com"]


def test_only_a_resumable_plan_writes_the_journal_file(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with open_journal(plan_send(SPEC, to="ann@example.com"), path):
        pass
    assert not path.exists()
    rows = tmp_path / "people.csv"
    rows.write_text("email\nann@example.com\n")
    with open_journal(plan_send(SPEC, source=rows), path):
        pass
    assert path.exists()
