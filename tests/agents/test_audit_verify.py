"""`audit verify` names what happened to a log (#16, class 8): edited, removed, reordered, inserted, truncated,
rewritten; a keyed chain cannot be re-hashed without its key, and an anchor catches a cut-off end."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from mailjet_connector.agents.audit import GENESIS, AuditLog, anchor_path, record_hash, write_anchor
from mailjet_connector.agents.audit_key import read_audit_key
from mailjet_connector.agents.audit_verify import PROBLEMS, verify
from mailjet_connector.agents.policy_file import parse_policy
from mailjet_connector.errors import PolicyError

KEY = b"k" * 32


def write(path: Path, n: int = 6, key: bytes | None = None, **options) -> None:
    log = AuditLog(path, fsync=False, key=key, **options)
    for i in range(n):
        log.record(agent="a", operation=f"GET /v3/REST/contact/{i}", area="contacts", decision="allow",
                   reason="", status=200, duration_ms=1.0)  # fmt: skip
    log.close()


def rehash_from(records: list[dict], start: int, key: bytes | None = None) -> list[dict]:
    """What an attacker who can write the file does: fix every hash and link from `start` on."""
    prev = records[start - 1]["hash"] if start else GENESIS
    for record in records[start:]:
        record["prev"] = prev
        record["hash"] = prev = record_hash(record, key)
    return records


def edit(records: list[dict]) -> list[dict]:
    records[2]["decision"] = "deny"
    return records


def edit_and_rehash(records: list[dict]) -> list[dict]:
    records[2]["decision"] = "deny"
    return rehash_from(records, 2)


TAMPERS: dict[str, tuple[Callable[[list[dict]], list[dict]], str, int | None]] = {
    "edit a line": (edit, "edited", 3),
    "remove a line": (lambda r: r[:2] + r[3:], "removed", 3),
    "swap two lines": (lambda r: [r[0], r[2], r[1], *r[3:]], "reordered", 2),
    "duplicate a line": (lambda r: [*r[:3], r[2], *r[3:]], "inserted", 4),
    "cut the end": (lambda r: r[:4], "truncated", None),
    "edit and re-hash the rest": (edit_and_rehash, "rewritten", None),
    "cut the last line": (lambda r: r[:5], "truncated", None),
}


def tamper(path: Path, change: Callable[[list[dict]], list[dict]]) -> None:
    records = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in change(records)))


@pytest.mark.parametrize("name", list(TAMPERS))
def test_each_tampering_is_named_plain_chain(tmp_path: Path, name: str) -> None:
    path = tmp_path / "audit.jsonl"
    write(path)
    assert verify(path).ok
    change, problem, line = TAMPERS[name]
    tamper(path, change)
    result = verify(path)
    assert (result.ok, result.problem) == (False, problem), result
    if line is not None:
        assert result.line == line
    assert problem in PROBLEMS


def test_without_a_key_a_full_rewrite_with_a_new_anchor_passes_with_a_key_it_does_not(tmp_path: Path) -> None:
    """The limit of a plain chain, and why the key exists: re-hash everything, rewrite the anchor."""
    plain, keyed = tmp_path / "plain.jsonl", tmp_path / "keyed.jsonl"
    for path, key in ((plain, None), (keyed, KEY)):
        write(path, key=key)
        tamper(path, lambda r: rehash_from(edit(r), 0))  # re-hashed without the key (plain SHA-256)
        last = orjson.loads(path.read_bytes().splitlines()[-1])
        write_anchor(path, last["seq"], last["hash"], None)
    assert verify(plain).ok
    result = verify(keyed, key=KEY)
    assert (result.ok, result.problem, result.line) == (False, "rewritten", 1)


def test_a_keyed_chain_resists_a_rehash_and_a_forged_anchor(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write(path, key=KEY)
    assert verify(path, key=KEY).ok and verify(path).ok  # links still checked without the key
    assert verify(path, key=b"x" * 32).problem == "edited"  # another key: nothing matches
    tamper(path, lambda r: r[:4])
    last = orjson.loads(path.read_bytes().splitlines()[-1])
    write_anchor(path, last["seq"], last["hash"], b"guessed-key-0123456")
    assert verify(path, key=KEY).problem == "rewritten"  # the anchor's HMAC gives it away
    anchor_path(path).unlink()
    assert verify(path, key=KEY).problem == "truncated"  # a keyed log without its anchor


def test_a_plain_record_after_keyed_ones_is_a_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write(path, key=KEY)

    def downgrade(records: list[dict]) -> list[dict]:
        del records[3]["alg"]
        return rehash_from(records, 3)

    tamper(path, downgrade)
    assert verify(path, key=KEY).problem == "rewritten"


def test_group_commit_writes_the_anchor_within_its_delay(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write(path, n=3, key=KEY)
    log = AuditLog(path, fsync=0.01, key=KEY)
    log.record(agent="a", operation="x", area=None, decision="allow", reason="", status=200, duration_ms=0)
    log.close()
    anchor = orjson.loads(anchor_path(path).read_bytes())
    assert anchor["seq"] == 4 and verify(path, key=KEY).ok


def test_the_key_comes_from_the_environment_or_a_file_outside_the_log_folder(tmp_path: Path) -> None:
    base = {"agents": {"a": {"token_hash": "sha256$" + "00" * 16 + "$" + "00" * 32}}}
    policy = parse_policy({**base, "audit": {"key_env": "AUDIT_KEY"}}, base_dir=tmp_path)
    assert read_audit_key(policy, {"AUDIT_KEY": "k" * 20}) == b"k" * 20
    with pytest.raises(PolicyError, match="AUDIT_KEY is not set"):
        read_audit_key(policy, {})
    with pytest.raises(PolicyError, match="shorter than 16"):
        read_audit_key(policy, {"AUDIT_KEY": "short"})
    outside = tmp_path / "keys" / "audit.key"
    outside.parent.mkdir()
    outside.write_bytes(b"f" * 32 + b"\n")
    audit_dir = {"path": "logs/audit.jsonl"}
    from_file = parse_policy({**base, "audit": {**audit_dir, "key_file": str(outside)}}, base_dir=tmp_path)
    assert read_audit_key(from_file, {}) == b"f" * 32
    with pytest.raises(PolicyError, match="inside the audit log's folder"):
        parse_policy({**base, "audit": {**audit_dir, "key_file": "logs/key"}}, base_dir=tmp_path)
    assert read_audit_key(parse_policy(base, base_dir=tmp_path), os.environ) is None


def test_the_cli_names_the_problem_and_uses_the_policys_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from mailjet_connector.agents.tokens import hash_token
    from mailjet_connector.cli import app

    token_hash = hash_token("t" * 20)
    policy = tmp_path / "agents.toml"
    policy.write_text(
        f'[audit]\npath = "audit.jsonl"\nkey_env = "MJ_TEST_AUDIT_KEY"\n[agents.a]\ntoken_hash = "{token_hash}"\n'
    )
    write(tmp_path / "audit.jsonl", key=KEY)
    monkeypatch.setenv("MJ_TEST_AUDIT_KEY", KEY.decode())
    runner = CliRunner()
    good = runner.invoke(app, ["agents", "audit", "verify", "--policy", str(policy)])
    assert good.exit_code == 0 and "6 records, chain intact (keyed)" in good.output
    tamper(tmp_path / "audit.jsonl", lambda r: r[:4])
    bad = runner.invoke(app, ["agents", "audit", "verify", "--policy", str(policy)])
    assert bad.exit_code == 1 and "truncated: the anchor names record 6, the log ends at 4" in bad.output
    monkeypatch.delenv("MJ_TEST_AUDIT_KEY")
    unset = runner.invoke(app, ["agents", "audit", "verify", "--policy", str(policy)])
    assert unset.exit_code == 2 and "MJ_TEST_AUDIT_KEY is not set" in unset.output
