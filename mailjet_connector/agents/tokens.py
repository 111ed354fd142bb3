"""Agent tokens: generate them, store only a salted hash, and check a presented token in constant time.

Stored form: `sha256$<salt hex>$<digest hex>`, digest = SHA-256(salt || token). A slow KDF (scrypt,
argon2) protects low-entropy passwords; agent tokens are 256-bit random strings made by `new_token`, which
no dictionary attack can reach, and a fast hash keeps the gateway's per-call check in microseconds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCHEME = "sha256"
SALT_BYTES = 16
TOKEN_BYTES = 32
MIN_TOKEN_LENGTH = 16


def new_token() -> str:
    """A new random agent token (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str, *, salt: bytes | None = None) -> str:
    """The storable hash of `token`: `sha256$<salt hex>$<digest hex>`.

    Args:
        token: the plain token.
        salt: fixed salt (tests); a random one by default.

    Returns:
        The string to put in the policy file as `token_hash`.

    Raises:
        ValueError: the token is shorter than 16 characters (too guessable for a fast hash).
    """
    if len(token) < MIN_TOKEN_LENGTH:
        raise ValueError(f"an agent token needs at least {MIN_TOKEN_LENGTH} characters")
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = hashlib.sha256(salt + token.encode("utf-8")).hexdigest()
    return f"{SCHEME}${salt.hex()}${digest}"


def parse_token_hash(stored: str) -> tuple[bytes, bytes]:
    """The salt and digest of a stored hash.

    Raises:
        ValueError: not of the form `sha256$<salt hex>$<64 hex digits>`.
    """
    parts = stored.split("$")
    if len(parts) != 3 or parts[0] != SCHEME:
        raise ValueError(
            "expected 'sha256$<salt hex>$<digest hex>' (made by `mailjet-connector agents token`)"
        )
    try:
        salt, digest = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
    except ValueError:
        raise ValueError("salt and digest must be hexadecimal") from None
    if len(digest) != hashlib.sha256().digest_size or not salt:
        raise ValueError("the digest must be 64 hex digits and the salt not empty")
    return salt, digest


def check_token(stored: str, token: str) -> bool:
    """Whether `token` matches the stored hash; compares in constant time, never raises on bad input."""
    try:
        salt, digest = parse_token_hash(stored)
    except ValueError:
        return False
    candidate = hashlib.sha256(salt + token.encode("utf-8", "surrogatepass")).digest()
    return hmac.compare_digest(candidate, digest)
