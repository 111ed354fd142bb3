"""The audit log: one JSONL line per agent call, hash-chained so that an edited or removed line is detected.

Each record holds `seq`, `ts`, `agent`, `operation`, `area`, `decision`, `reason`, `status`, `duration_ms`,
`counts`, `prev` (the previous record's hash; 64 zeros for the first) and `hash` = SHA-256 of the record's
canonical JSON (sorted keys, without `hash`). With a key (`AuditLog(key=...)`), `hash` is an HMAC-SHA256
under that key and the record says `"alg": "hmac-sha256"`: whoever can write the file but not read the key
cannot re-hash an edited chain. After each append the anchor file (`<log>.anchor`: the last `seq` and
`hash`, with an HMAC of both when keyed) is replaced, so removing the last lines is detected too
(`audit_verify`). Never holds secrets or message bodies; email addresses in `operation` and `reason` are
masked (`***@example.com`) unless `redact_emails=False`. Appends are locked (thread lock + `flock`, so
several processes may share one file) and fsync'ed: after every record by default, or in groups
(`fsync=0.05`: a background thread syncs at most 50 ms after a write and then updates the anchor, so no
caller waits for the disk; a process crash loses nothing, a power cut at most that window).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

GENESIS = "0" * 64
# A local part is any run of characters that cannot separate it from its surroundings (RFC 5322 atext is
# wide: {, |, ', = ... are all legal), so the mask errs towards hiding too much.
_LOCAL = r"[^\s@/\"<>(),;:\[\]\\]+"
_DOMAIN = r"([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)"
EMAIL = re.compile(_LOCAL + "@" + _DOMAIN)
# Percent-encoded "@" in paths: /v3/REST/contact/ann%40example.com
EMAIL_ENCODED = re.compile(_LOCAL + "?%40" + _DOMAIN, re.IGNORECASE)
TAIL_BYTES = 64 * 1024


def redact_emails(text: str) -> str:
    """`text` with the local part of every email address replaced by `***` (the domain is kept)."""
    if "@" not in text and "%40" not in text.lower():
        return text
    return EMAIL.sub(r"***@\1", EMAIL_ENCODED.sub(r"***@\1", text))


KEYED = "hmac-sha256"


def record_hash(record: dict[str, Any], key: bytes | None = None) -> str:
    """The hash (hex) of the record's canonical JSON without its `hash` key: SHA-256, or HMAC-SHA256 under
    `key` for a keyed record."""
    body = orjson.dumps({k: v for k, v in record.items() if k != "hash"}, option=orjson.OPT_SORT_KEYS)
    if key is not None:
        return hmac.new(key, body, hashlib.sha256).hexdigest()
    return hashlib.sha256(body).hexdigest()


def anchor_path(path: Path) -> Path:
    """Where the anchor of the audit file `path` lives (next to it)."""
    return path.with_name(path.name + ".anchor")


def anchor_mac(key: bytes, seq: int, digest: str) -> str:
    """The anchor's HMAC over the last record's seq and hash."""
    return hmac.new(key, f"{seq}:{digest}".encode(), hashlib.sha256).hexdigest()


def write_anchor(path: Path, seq: int, digest: str, key: bytes | None) -> None:
    """Replace the anchor of `path` atomically with the last record's seq and hash (and their HMAC)."""
    anchor = {"seq": seq, "hash": digest}
    if key is not None:
        anchor |= {"alg": KEYED, "mac": anchor_mac(key, seq, digest)}
    target = anchor_path(path)
    temporary = target.with_name(target.name + f".{os.getpid()}.{threading.get_ident()}")
    temporary.write_bytes(orjson.dumps(anchor))
    os.replace(temporary, target)


class AuditLog:
    """Appends audit records to a JSONL file with a hash chain.

    Args:
        path: the JSONL file (created with its directory if missing).
        redact_emails: mask email addresses in `operation` and `reason`.
        fsync: True: each record is on disk before `record` returns; a number of seconds: group commit by a
            background thread within that delay; False: never (tests).
        clock: returns Unix seconds (injectable for tests).
        key: the HMAC key of a keyed chain (`audit_key.read_audit_key`); None: plain SHA-256.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        redact_emails: bool = True,
        fsync: bool | float = True,
        clock: Callable[[], float] = time.time,
        key: bytes | None = None,
    ) -> None:
        self.path = Path(path)
        self.redact = redact_emails
        self.fsync = fsync
        self.clock = clock
        self._key = key
        self._lock = threading.Lock()
        self._handle: Any = None
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._syncer: threading.Thread | None = None
        self._known_size = -1
        self._last: tuple[int, str] = (0, GENESIS)

    def __repr__(self) -> str:  # the key stays out
        return f"AuditLog(path={str(self.path)!r}, keyed={self._key is not None})"

    def record(
        self,
        *,
        agent: str,
        operation: str,
        area: str | None,
        decision: str,
        reason: str,
        status: int | None,
        duration_ms: float,
        counts: dict[str, int] | None = None,
    ) -> dict[str, Any]:
        """Append one record and return it (with its `seq`, `prev` and `hash`).

        Args:
            agent: the agent name ("" when the caller could not be identified).
            operation: tool name, or `METHOD /path` (no query string, no body).
            area: the catalog area, or None.
            decision: "allow" or "deny".
            reason: one line (the policy's reason, or the upstream outcome).
            status: the HTTP status answered (None when not applicable).
            duration_ms: time spent serving the call.
            counts: numbers worth keeping (recipients, rows), never content.

        Raises:
            OSError: the file cannot be written.
        """
        fields = {
            "ts": _timestamp(self.clock()),
            "agent": agent,
            "operation": self._clean(operation),
            "area": str(area) if area is not None else None,
            "decision": decision,
            "reason": self._clean(reason),
            "status": status,
            "duration_ms": round(float(duration_ms), 3),
            "counts": dict(counts) if counts else {},
        }
        if self._key is not None:
            fields["alg"] = KEYED
        with self._lock:
            if self._group_commit:
                record = self._append(self._open(), fields, anchor=False)
                self._dirty.set()
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with open(self.path, "ab") as handle:
                    record = self._append(handle, fields, anchor=True)
                    if self.fsync:
                        os.fsync(handle.fileno())
        return record

    @property
    def _group_commit(self) -> bool:
        return self.fsync is not True and bool(self.fsync)

    def _append(self, handle: Any, fields: dict[str, Any], *, anchor: bool) -> dict[str, Any]:
        """Chain and write one record under an exclusive `flock` (other processes may share the file); with
        `anchor`, replace the anchor too (group commit does it in its sync loop instead)."""
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            record = self._chain(handle, fields)
            handle.write(orjson.dumps(record) + b"\n")
            handle.flush()
            self._known_size = handle.tell()
            if anchor:
                write_anchor(self.path, record["seq"], record["hash"], self._key)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
        return record

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Sync what is pending and close the file kept open by group commit (a later `record` reopens it)."""
        self._stop.set()
        self._dirty.set()
        if self._syncer is not None:
            self._syncer.join()
            self._syncer = None
        with self._lock:
            if self._handle is not None:
                if self.fsync:
                    os.fsync(self._handle.fileno())
                self._handle.close()
                self._handle = None
        self._write_anchor()
        self._stop.clear()

    def _open(self) -> Any:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "ab")  # noqa: SIM115 - kept open across records, closed by close()
            if self._syncer is None:
                self._syncer = threading.Thread(target=self._sync_loop, name="audit-fsync", daemon=True)
                self._syncer.start()
        return self._handle

    def _sync_loop(self) -> None:
        """Group commit: one fsync for every record written since the last one, at most `fsync` s late."""
        while not self._stop.is_set():
            self._dirty.wait()
            self._stop.wait(float(self.fsync))
            self._dirty.clear()
            handle = self._handle
            if handle is not None:
                with contextlib.suppress(OSError, ValueError):  # closed meanwhile: close() synced it
                    os.fsync(handle.fileno())
            self._write_anchor()

    def _write_anchor(self) -> None:
        """The anchor after group-committed records: the last record this writer knows (under the lock)."""
        with self._lock:
            seq, digest = self._last
            if seq:
                with contextlib.suppress(OSError):
                    write_anchor(self.path, seq, digest, self._key)

    def _clean(self, text: str) -> str:
        return redact_emails(text) if self.redact else text

    def _chain(self, handle: Any, fields: dict[str, Any]) -> dict[str, Any]:
        """Link `fields` to the last record in the file (re-read when another writer appended)."""
        size = os.fstat(handle.fileno()).st_size
        if size != self._known_size:
            self._last = _last_link(self.path, size)
        seq, prev = self._last
        record = {"seq": seq + 1, **fields, "prev": prev}
        record["hash"] = record_hash(record, self._key)
        self._last = (record["seq"], record["hash"])
        return record


def _timestamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _last_link(path: Path, size: int) -> tuple[int, str]:
    """(seq, hash) of the file's last record, or (0, GENESIS) for an empty file."""
    if size == 0:
        return 0, GENESIS
    with open(path, "rb") as handle:
        handle.seek(max(0, size - TAIL_BYTES))
        lines = [line for line in handle.read().splitlines() if line.strip()]
    if not lines:
        return 0, GENESIS
    try:
        last = orjson.loads(lines[-1])
        return int(last["seq"]), str(last["hash"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        # A broken tail: keep appending from the genesis value; `verify` reports the break.
        return 0, GENESIS


def iter_records(
    path: str | Path, *, agent: str | None = None, since: datetime | str | None = None
) -> Iterator[dict[str, Any]]:
    """The records of an audit file, oldest first, optionally for one agent and from a time on.

    Args:
        path: the JSONL file.
        agent: only this agent's records.
        since: only records at or after this time (datetime, or ISO 8601 text; naive means UTC).

    Raises:
        OSError: the file cannot be read.
        ValueError: `since` is not a date/time.
    """
    floor = _as_utc(since) if since is not None else None
    with open(path, "rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue  # `verify` reports it; reading goes on
            if agent is not None and record.get("agent") != agent:
                continue
            if floor is not None and _as_utc(record.get("ts", "")) < floor:
                continue
            yield record


def _as_utc(value: datetime | str) -> datetime:
    moment = (
        value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    )
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
