"""Checking an audit log: its hash chain, its keyed chain when a key is given, and its anchor; and naming what
happened to it: `edited`, `removed`, `reordered`, `inserted`, `truncated` or `rewritten`.

- edited: a record's content no longer matches its hash (the hash was left as it was).
- rewritten: a record's hash matches its content but not the chain's key (re-hashed without the key), or a
  plain record follows keyed ones, or the anchor's record has another hash, or the anchor itself is forged.
- removed: a link is broken and sequence numbers jump forward.
- reordered: every sequence number is there once, out of order.
- inserted: a sequence number appears twice.
- truncated: the anchor names a later record than the file's last (the end was cut off), or a keyed log has
  no anchor.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from mailjet_connector.agents.audit import GENESIS, KEYED, anchor_mac, anchor_path, record_hash

__all__ = ["PROBLEMS", "VerifyResult", "verify"]

PROBLEMS = ("edited", "removed", "reordered", "inserted", "truncated", "rewritten")


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of `verify`.

    Attributes:
        ok: the chain (and anchor) hold.
        records: how many records were checked before the first problem (all of them when ok).
        line: the 1-based line of the first problem (None when ok, or for the anchor).
        problem: one of `PROBLEMS` ("" when ok).
        reason: one line: what was found.
        note: when ok, what could not be checked (no anchor; keyed records without the key).
    """

    ok: bool
    records: int
    line: int | None = None
    problem: str = ""
    reason: str = ""
    note: str = ""


def _bad(records: int, line: int | None, problem: str, reason: str) -> VerifyResult:
    return VerifyResult(False, records, line, problem, reason)


def _read(path: Path) -> tuple[list[tuple[int, Any]], list[int]]:
    """(line number, record or None when not a record) for every non-empty line, and the seq of each record."""
    entries, seqs = [], []
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError:
                record = None
            if not isinstance(record, dict) or not {"seq", "prev", "hash"} <= record.keys():
                record = None
            entries.append((number, record))
            if record is not None and isinstance(record["seq"], int):
                seqs.append(record["seq"])
    return entries, seqs


def _broken_link(record: dict[str, Any], expected: int, seqs: list[int]) -> tuple[str, str]:
    if not seqs or not isinstance(record["seq"], int):
        return "edited", "the record's sequence number is not a number"
    if len(set(seqs)) < len(seqs):
        return "inserted", f"sequence {record['seq']} breaks the chain and a sequence number appears twice"
    if sorted(seqs) == list(range(seqs[0], seqs[0] + len(seqs))) and seqs != sorted(seqs):
        return "reordered", "every record is there but out of order"
    if record["seq"] > expected:
        return "removed", f"records {expected} to {record['seq'] - 1} are missing"
    return "rewritten", "the record before it was re-hashed (its hash no longer links)"


def _content(record: dict[str, Any], key: bytes | None, keyed_seen: bool) -> tuple[str, str] | None:
    """(problem, reason) when the record's content does not hold, else None."""
    keyed = record.get("alg") == KEYED
    if key is None:
        if not keyed and record["hash"] != record_hash(record):
            return "edited", "the record does not match its hash"
        return None
    if not keyed:
        if keyed_seen:
            return "rewritten", "a plain record after keyed ones: the chain was re-hashed without the key"
        return (
            None
            if record["hash"] == record_hash(record)
            else ("edited", "the record does not match its hash")
        )
    if hmac.compare_digest(str(record["hash"]), record_hash(record, key)):
        return None
    if record["hash"] == record_hash(record):
        return "rewritten", "the record was re-hashed without the key"
    return "edited", "the record does not match its keyed hash"


def verify(path: str | Path, *, key: bytes | None = None) -> VerifyResult:
    """Check the whole audit file and its anchor (`<path>.anchor`).

    Args:
        path: the audit JSONL file.
        key: the chain's HMAC key (the policy's `[audit]` key); without it, keyed records are only checked
            for their links, and the anchor for its record.

    Raises:
        OSError: the file cannot be read.
    """
    path = Path(path)
    entries, seqs = _read(path)
    prev, expected, keyed_seen, last_hash = GENESIS, 1, False, {}
    for count, (number, record) in enumerate(entries):
        if record is None:
            return _bad(
                count, number, "edited", "not an audit record (bad JSON, or seq, prev or hash missing)"
            )
        found = _content(record, key, keyed_seen)
        if found is not None:
            return _bad(count, number, *found)
        if record["prev"] != prev:
            return _bad(count, number, *_broken_link(record, expected, seqs))
        if record["seq"] != expected:
            return _bad(count, number, "edited", f"sequence {record['seq']} where {expected} was due")
        keyed_seen = keyed_seen or record.get("alg") == KEYED
        prev, expected = record["hash"], expected + 1
        last_hash[record["seq"]] = record["hash"]
    if key is not None and entries and not keyed_seen:
        return _bad(len(entries), None, "rewritten", "no record carries the keyed chain this key signs")
    return _check_anchor(path, len(entries), expected - 1, last_hash, key, keyed_seen)


def _check_anchor(
    path: Path, count: int, last_seq: int, hashes: dict[int, str], key: bytes | None, keyed: bool
) -> VerifyResult:
    try:
        anchor = orjson.loads(anchor_path(path).read_bytes())
    except FileNotFoundError:
        if count and (key is not None or keyed):
            return _bad(
                count, None, "truncated", "the anchor file is missing: the end of the log cannot be checked"
            )
        note = "no anchor file: truncation not checked" if count else ""
        return VerifyResult(True, count, note=note)
    except (OSError, orjson.JSONDecodeError):
        return _bad(count, None, "rewritten", "the anchor file is not readable JSON")
    seq, digest = anchor.get("seq"), anchor.get("hash")
    if not isinstance(seq, int) or not isinstance(digest, str):
        return _bad(count, None, "rewritten", "the anchor file has no seq and hash")
    if key is not None and not hmac.compare_digest(str(anchor.get("mac", "")), anchor_mac(key, seq, digest)):
        return _bad(
            count, None, "rewritten", "the anchor's HMAC does not match: it was written without the key"
        )
    if seq > last_seq:
        return _bad(count, None, "truncated", f"the anchor names record {seq}, the log ends at {last_seq}")
    if hashes.get(seq) != digest:
        return _bad(count, None, "rewritten", f"record {seq} has another hash than the anchor says")
    note = "" if key is not None or not keyed else "keyed records: contents checked only with the key"
    return VerifyResult(True, count, note=note)
