"""The checkpoint journal: statuses survive a reopen, in-flight rows are visible, batches are atomic."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.journal import DONE, FAILED, PENDING, Journal, job_id


def test_statuses_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "journal.sqlite"
    with Journal(path) as journal:
        journal.begin("job", "a@b.co")
        journal.done("job", "a@b.co", {"ID": 12})
        journal.begin("job", "c@d.co")
        journal.fail("job", "c@d.co", "MJ18 already exists")
        journal.begin("job", "e@f.co")
    with Journal(path) as journal:
        assert journal.get("job", "a@b.co").result == {"ID": 12}  # type: ignore[union-attr]
        assert journal.get("job", "c@d.co").error == "MJ18 already exists"  # type: ignore[union-attr]
        assert journal.in_flight("job") == ["e@f.co"]
        assert journal.counts("job") == {DONE: 1, FAILED: 1, PENDING: 1}
        assert journal.get("other", "a@b.co") is None


def test_batches_and_meta_and_forget(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as journal:
        journal.begin_many("job", ["1", "2", "3"])
        journal.finish_many("job", [("1", DONE, None, None), ("2", FAILED, None, "bad")])
        journal.set_meta("job", "mailjet_job", {"JobID": 99})
        assert set(journal.entries("job", PENDING)) == {"3"}
        assert journal.get_meta("job", "mailjet_job") == {"JobID": 99}
        journal.forget("job")
        assert journal.entries("job") == {}
        assert journal.get_meta("job", "mailjet_job", "none") == "none"


def test_unknown_status_is_refused(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as journal, pytest.raises(ValueError, match="unknown journal status"):
        journal.finish_many("job", [("1", "maybe", None, None)])


def test_repr_names_the_file_only(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as journal:
        assert repr(journal) == f"Journal({str(tmp_path / 'j.sqlite')!r})"


@given(st.lists(st.text(), max_size=5), st.lists(st.text(), max_size=5))
def test_job_id_is_stable_and_separates_parts(left: list[str], right: list[str]) -> None:
    assert job_id(*left) == job_id(*left)
    if left != right:
        assert job_id(*left) != job_id(*right) or "\x1f".join(left) == "\x1f".join(right)


def test_erase_forgets_every_record_naming_an_address_and_only_it(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as journal:
        journal.finish_many(
            "import",
            [
                ("a@x.com", DONE, {"ID": 1}, None),
                ("ba@x.com", DONE, None, None),  # another person: a@x.com is only a substring
                ("row:3", FAILED, None, 'Invalid email address "A@X.com"'),
                ("c@y.com", DONE, {"to": "a@x.com.evil.example"}, None),
            ],
        )
        journal.finish_many("send", [("k1", DONE, {"Email": "a@x.com"}, None)])
        journal.set_meta("contacts", "batch", {"errors": {"0": "refused a@x.com"}})
        journal.set_meta("contacts", "other", {"errors": {}})
        assert journal.erase([" A@x.COM "]) == 4
        assert sorted(journal.entries("import")) == ["ba@x.com", "c@y.com"]
        assert journal.entries("send") == {}
        assert journal.get_meta("contacts", "batch") is None and journal.get_meta("contacts", "other") == {
            "errors": {}
        }
        assert journal.erase([]) == 0
