"""The policy file: TOML in, a validated `Policy` out, with one-line errors naming the agent and key."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from mailjet_connector.agents import tokens
from mailjet_connector.agents.policy_model import Access, AgentPolicy, Limits, Policy
from mailjet_connector.catalog import Area
from mailjet_connector.errors import PolicyError
from mailjet_connector.toml_checks import expect_table, no_unknown_keys, read_toml

DEFAULT_AUDIT_FILE = "audit.jsonl"
TOP_KEYS = {"audit", "agents", "gateway"}
GATEWAY_KEYS = {"max_body_bytes"}
AUDIT_KEYS = {"path", "redact_emails", "key_env", "key_file"}
AGENT_KEYS = {"token_hash", "access", "send", "limits", "account"}
LIMIT_KEYS = {"max_recipients", "calls_per_minute", "allowed_lists", "dry_run_only"}
SEND_MODES = ("sandbox", "live")


def parse_policy_file(path: Path) -> Policy:
    """Read `path` and validate it.

    Raises:
        PolicyError: unreadable, not TOML, or invalid.
    """
    data = read_toml(path, "policy file", PolicyError)
    return parse_policy(data, base_dir=path.parent, source=str(path))


def parse_policy(data: dict[str, Any], *, base_dir: Path, source: str = "policy") -> Policy:
    """Validate an already-parsed policy document.

    Args:
        data: the TOML document as a dict.
        base_dir: directory a relative audit path is resolved against.
        source: name used in error messages (the file path).

    Raises:
        PolicyError: the first problem found, as `<source>: <key>: <what is wrong>`.
    """

    def fail(key: str, message: str) -> PolicyError:
        return PolicyError(f"{source}: {key}: {message}")

    no_unknown_keys(data, TOP_KEYS, "", fail)
    audit = expect_table(data.get("audit", {}), "audit", fail)
    no_unknown_keys(audit, AUDIT_KEYS, "audit.", fail)
    audit_path = Path(_typed(audit.get("path", DEFAULT_AUDIT_FILE), str, "audit.path", fail))
    redact = _typed(audit.get("redact_emails", True), bool, "audit.redact_emails", fail)
    agents_table = expect_table(data.get("agents", {}), "agents", fail)
    if not agents_table:
        raise fail("agents", "no agent defined: add an [agents.NAME] table")
    agents = {
        name: _agent(name, expect_table(raw, f"agents.{name}", fail), fail)
        for name, raw in agents_table.items()
    }
    gateway = expect_table(data.get("gateway", {}), "gateway", fail)
    no_unknown_keys(gateway, GATEWAY_KEYS, "gateway.", fail)
    max_body = _positive(gateway.get("max_body_bytes"), "gateway.max_body_bytes", fail)
    resolved = audit_path if audit_path.is_absolute() else base_dir / audit_path
    key_env, key_file = _audit_key(audit, base_dir, resolved, fail)
    policy = Policy(
        agents=agents,
        audit_path=resolved,
        redact_emails=redact,
        audit_key_env=key_env,
        audit_key_file=key_file,
    )
    return replace(policy, max_body_bytes=max_body) if max_body is not None else policy


def _audit_key(audit: dict[str, Any], base_dir: Path, log: Path, fail: Any) -> tuple[str | None, Path | None]:
    """Where the audit chain's key comes from: an environment variable or a file outside the log's folder
    (whoever can write the log must not be able to read the key next to it)."""
    env = _typed(audit["key_env"], str, "audit.key_env", fail) if "key_env" in audit else None
    file = Path(_typed(audit["key_file"], str, "audit.key_file", fail)) if "key_file" in audit else None
    if env is not None and file is not None:
        raise fail("audit.key_file", "give key_env or key_file, not both")
    if file is not None:
        file = (file if file.is_absolute() else base_dir / file).resolve()
        if file.is_relative_to(log.resolve().parent):
            raise fail("audit.key_file", f"{file} is inside the audit log's folder: keep the key elsewhere")
    return env, file


def _agent(name: str, raw: dict[str, Any], fail: Any) -> AgentPolicy:
    key = f"agents.{name}"
    if not name or ":" in name or not name.isprintable() or " " in name:
        raise fail(key, "an agent name must be non-empty, without spaces or ':' (it is the Basic-auth user)")
    no_unknown_keys(raw, AGENT_KEYS, f"{key}.", fail)
    if "token_hash" not in raw:
        raise fail(f"{key}.token_hash", "missing; make one with `mailjet-connector agents token`")
    token_hash = _typed(raw["token_hash"], str, f"{key}.token_hash", fail)
    try:
        tokens.parse_token_hash(token_hash)
    except ValueError as exc:
        raise fail(f"{key}.token_hash", str(exc)) from None
    send = _typed(raw.get("send", "sandbox"), str, f"{key}.send", fail)
    if send not in SEND_MODES:
        raise fail(f"{key}.send", f"{send!r} is not one of {', '.join(SEND_MODES)}")
    areas = _areas(expect_table(raw.get("access", {}), f"{key}.access", fail), f"{key}.access", fail)
    limits = _limits(expect_table(raw.get("limits", {}), f"{key}.limits", fail), f"{key}.limits", fail)
    account = _typed(raw["account"], str, f"{key}.account", fail) if "account" in raw else None
    return AgentPolicy(name, token_hash, areas, send_live=send == "live", limits=limits, account=account)


def _areas(raw: dict[str, Any], key: str, fail: Any) -> dict[Area, Access]:
    known = {area.value: area for area in Area}
    levels = {level.value: level for level in Access}
    areas: dict[Area, Access] = {}
    for name, value in raw.items():
        if name not in known:
            raise fail(f"{key}.{name}", f"unknown area; expected one of {', '.join(known)}")
        if value not in levels:
            raise fail(f"{key}.{name}", f"{value!r} is not one of {', '.join(levels)}")
        areas[known[name]] = levels[value]
    return areas


def _limits(raw: dict[str, Any], key: str, fail: Any) -> Limits:
    no_unknown_keys(raw, LIMIT_KEYS, f"{key}.", fail)
    counts = {
        name: _positive(raw.get(name), f"{key}.{name}", fail)
        for name in ("max_recipients", "calls_per_minute")
    }
    lists = raw.get("allowed_lists")
    allowed = None
    if lists is not None:
        if not isinstance(lists, list):
            raise fail(f"{key}.allowed_lists", "expected a list of contacts list IDs, e.g. [12, 34]")
        allowed = frozenset(_positive(item, f"{key}.allowed_lists", fail) for item in lists)
    dry_run = _typed(raw.get("dry_run_only", False), bool, f"{key}.dry_run_only", fail)
    return Limits(counts["max_recipients"], counts["calls_per_minute"], allowed, dry_run)


def _positive(value: Any, key: str, fail: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise fail(key, f"expected a positive integer, got {value!r}")
    return value


def _typed(value: Any, kind: type, key: str, fail: Any) -> Any:
    if not isinstance(value, kind):
        raise fail(key, f"expected a {kind.__name__}, got {value!r}")
    return value
