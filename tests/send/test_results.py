"""The per-row results file: every source row, in order, with MessageID/UUID or the reason."""

from __future__ import annotations

import csv
from pathlib import Path

import orjson

from mailjet_connector.journal import Journal
from mailjet_connector.send import Content, MessageSpec, Outcome, plan_merge, write_results

SPEC = MessageSpec("a@example.com", Content(text="hi"))


def make_journal(tmp_path: Path, job: str) -> Journal:
    journal = Journal(tmp_path / "j.sqlite")
    journal.finish_many(
        job,
        [
            ("a@x.example", "done", Outcome("sent", 2**60 + 5, "uuid-a").result(), None),
            ("b@x.example", "failed", None, "mj-0013: bad address"),
        ],
    )
    journal.begin(job, "c@x.example")
    return journal


def test_csv_results_cover_every_row_in_source_order(tmp_path: Path) -> None:
    rows = [{"email": e} for e in ("a@x.example", "b@x.example", "c@x.example", "d@x.example", "oops")]
    plan = plan_merge(rows, SPEC, job="job1")
    with make_journal(tmp_path, "job1") as journal:
        assert write_results(tmp_path / "r.csv", plan, journal) == 5
    with (tmp_path / "r.csv").open() as handle:
        got = [(r["row"], r["status"], r["message_id"], r["error"]) for r in csv.DictReader(handle)]
    assert got == [
        ("1", "sent", str(2**60 + 5), ""),
        ("2", "failed", "", "mj-0013: bad address"),
        ("3", "pending", "", "outcome unknown: run again to settle it"),
        ("4", "not sent", "", ""),
        ("5", "skipped", "", "'oops' is not an email address"),
    ]


def test_jsonl_results_keep_64_bit_message_ids(tmp_path: Path) -> None:
    plan = plan_merge([{"email": "a@x.example"}], SPEC, job="job2")
    with make_journal(tmp_path, "job2") as journal:
        write_results(tmp_path / "r.jsonl", plan, journal)
    line = orjson.loads((tmp_path / "r.jsonl").read_bytes().splitlines()[0])
    assert line["message_id"] == 2**60 + 5 and line["message_uuid"] == "uuid-a"
