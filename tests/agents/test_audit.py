"""The audit log: hash chain, tamper detection, redaction, filtering, several writers on one file."""

from __future__ import annotations

import itertools
from pathlib import Path

import orjson
from hypothesis import assume, given
from hypothesis import strategies as st

from mailjet_connector.agents.audit import GENESIS, AuditLog, iter_records, record_hash, redact_emails
from mailjet_connector.agents.audit_verify import verify

T0 = 1_700_000_000.0


class StepClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        self.now += 60
        return self.now


def fill(path: Path, n: int = 4, **options) -> AuditLog:
    log = AuditLog(path, fsync=False, clock=StepClock(), **options)
    for i in range(n):
        log.record(
            agent="analytics" if i % 2 == 0 else "support",
            operation=f"GET /v3/REST/contact/{i}",
            area="contacts",
            decision="allow" if i % 3 else "deny",
            reason="contacts: read allowed",
            status=200,
            duration_ms=1.23456,
            counts={"rows": i},
        )
    return log


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def test_records_are_chained_and_verify(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    fill(path)
    records = list(iter_records(path))
    assert [r["seq"] for r in records] == [1, 2, 3, 4]
    assert records[0]["prev"] == GENESIS
    assert all(b["prev"] == a["hash"] for a, b in itertools.pairwise(records))
    assert records[0]["ts"] == "2023-11-14T22:14:20.000Z" and records[0]["duration_ms"] == 1.235
    result = verify(path)
    assert result.ok and result.records == 4


def test_verify_detects_an_edited_line(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    fill(path)
    content = lines(path)
    content[2] = (
        content[2]
        .replace(b'"decision":"deny"', b'"decision":"allow"')
        .replace(b'"decision":"allow","reason"', b'"decision":"deny","reason"')
    )
    record = orjson.loads(content[2])
    record["status"] = 500
    content[2] = orjson.dumps(record)
    path.write_bytes(b"\n".join(content) + b"\n")
    result = verify(path)
    assert not result.ok and result.line == 3 and result.problem == "edited" and result.records == 2


def test_verify_detects_a_removed_line_and_a_rehashed_edit(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    fill(path)
    content = lines(path)
    path.write_bytes(b"\n".join(content[:1] + content[2:]) + b"\n")
    assert verify(path).line == 2 and verify(path).problem == "removed"
    # Re-hashing an edited record does not help: the next record's `prev` no longer matches.
    record = orjson.loads(content[1])
    record["agent"] = "someone-else"
    record["hash"] = record_hash(record)
    path.write_bytes(b"\n".join([content[0], orjson.dumps(record), *content[2:]]) + b"\n")
    result = verify(path)
    assert not result.ok and result.line == 3 and result.problem == "rewritten"


def test_verify_reports_garbage(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    fill(path, 2)
    with open(path, "ab") as handle:
        handle.write(b"not json\n")
    assert verify(path).line == 3 and verify(path).problem == "edited"
    assert "not an audit record" in verify(path).reason


def test_emails_are_redacted_unless_disabled(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "a.jsonl", fsync=False)
    record = log.record(
        agent="s",
        operation="GET /v3/REST/contact/ann.lee@example.com",
        area="contacts",
        decision="deny",
        reason="no ann%40example.com here",
        status=403,
        duration_ms=0,
    )
    assert record["operation"] == "GET /v3/REST/contact/***@example.com"
    assert record["reason"] == "no ***@example.com here"
    raw = AuditLog(tmp_path / "b.jsonl", fsync=False, redact_emails=False)
    kept = raw.record(
        agent="s",
        operation="GET /v3/REST/contact/ann@example.com",
        area=None,
        decision="allow",
        reason="",
        status=200,
        duration_ms=0,
    )
    assert kept["operation"].endswith("ann@example.com") and kept["area"] is None


@given(st.emails())
def test_redaction_never_keeps_the_local_part(address: str) -> None:
    local, _, domain = address.rpartition("@")
    assume("/" not in local)  # "/" ends a local part: it separates path segments (documented limit)
    assert redact_emails(f"x {address} y") == f"x ***@{domain} y"


def test_iter_records_filters_by_agent_and_time(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    fill(path, 6)
    assert [r["seq"] for r in iter_records(path, agent="support")] == [2, 4, 6]
    assert [r["seq"] for r in iter_records(path, since="2023-11-14T22:17:20Z")] == [4, 5, 6]
    assert [r["seq"] for r in iter_records(path, agent="analytics", since="2023-11-14T22:17:20")] == [5]


def test_two_writers_on_one_file_keep_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    first, second = AuditLog(path, fsync=False), AuditLog(path)
    for i in range(3):
        for log in (first, second):
            log.record(
                agent=f"w{i}",
                operation="tool",
                area=None,
                decision="allow",
                reason="",
                status=None,
                duration_ms=0,
            )
    result = verify(path)
    assert result.ok and result.records == 6
    assert [r["seq"] for r in iter_records(path)] == [1, 2, 3, 4, 5, 6]


def test_a_new_log_on_an_existing_file_continues_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    fill(path, 3)
    fill(path, 2)
    assert verify(path).ok and verify(path).records == 5


def test_group_commit_writes_at_once_and_syncs_in_the_background(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, fsync=0.01)
    for i in range(5):
        log.record(
            agent="g", operation=f"op {i}", area=None, decision="allow", reason="", status=200, duration_ms=0
        )
        assert len(lines(path)) == i + 1  # in the file (page cache) as soon as record returns
    log.close()
    log.close()  # idempotent
    assert verify(path).ok and verify(path).records == 5
    log.record(
        agent="g", operation="after close", area=None, decision="allow", reason="", status=200, duration_ms=0
    )
    log.close()
    assert verify(path).records == 6
