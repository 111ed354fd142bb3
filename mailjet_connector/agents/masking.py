"""Secrets out of answers: every catalog field marked secret (`apikey.SecretKey`, `apitoken.Token`...) is masked
wherever it appears as a JSON key, in any case and at any depth, and an answer that cannot be checked is not
passed on (the gateway answers 502).

Answers of resources with secret fields are always parsed and masked (they must be JSON, or empty). Any other
answer is scanned for a secret field's name as a JSON key (`"secretkey"`, any case); one that holds it is
masked like the others, and a streamed one that holds it is cut before that piece is sent.
"""

from __future__ import annotations

from typing import Any

import orjson

from mailjet_connector import catalog
from mailjet_connector.catalog.links import fold

__all__ = ["MASK", "SECRET_KEYS", "StreamScanner", "mask_secrets", "mentions_secret"]

MASK = "***"
SECRET_KEYS = frozenset(fold(f.name) for r in catalog.all_resources() for f in r.fields if f.secret)
NEEDLES = tuple(f'"{name}"'.encode() for name in sorted(SECRET_KEYS))
OVERLAP = max(len(n) for n in NEEDLES)


def mentions_secret(content: bytes) -> bool:
    """Whether a secret field's name appears as a JSON key (quoted, any case) in `content`."""
    lowered = content.lower()
    return any(needle in lowered for needle in NEEDLES)


def mask_secrets(content: bytes) -> bytes | None:
    """The answer with every secret field masked; None when it is not JSON (it cannot be checked). An empty
    answer (204, 304) has nothing to mask."""
    if not content.strip():
        return content
    try:
        payload = orjson.loads(content)
    except orjson.JSONDecodeError:
        return None
    return orjson.dumps(_masked(payload))


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (MASK if fold(k) in SECRET_KEYS and v else _masked(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


class StreamScanner:
    """Scans a streamed answer piece by piece (with the tail of the previous piece, so that a name split
    across two pieces is seen too)."""

    def __init__(self) -> None:
        self._tail = b""

    def holds_secret(self, piece: bytes) -> bool:
        window = self._tail + piece
        self._tail = window[-OVERLAP:]
        return mentions_secret(window)
