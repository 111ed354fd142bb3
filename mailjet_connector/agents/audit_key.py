"""The audit chain's HMAC key: read from the environment variable or the file the policy names.

The library never reads the environment on its own: the caller (the CLI) passes it in.
"""

from __future__ import annotations

from collections.abc import Mapping

from mailjet_connector.agents.policy import Policy
from mailjet_connector.errors import PolicyError

__all__ = ["MIN_KEY_BYTES", "read_audit_key"]

MIN_KEY_BYTES = 16


def read_audit_key(policy: Policy, environ: Mapping[str, str]) -> bytes | None:
    """The key of the policy's keyed audit chain, or None when the policy names none.

    Args:
        policy: the loaded policy (`[audit] key_env` or `key_file`).
        environ: the environment to read `key_env` from (`os.environ` in the CLI).

    Raises:
        PolicyError: the variable is unset, the file unreadable, or the key shorter than 16 bytes.
    """
    if policy.audit_key_env is not None:
        value = environ.get(policy.audit_key_env)
        if not value:
            raise PolicyError(f"audit.key_env: {policy.audit_key_env} is not set; export the audit key there")
        key = value.encode("utf-8")
        where = policy.audit_key_env
    elif policy.audit_key_file is not None:
        try:
            key = policy.audit_key_file.read_bytes().strip()
        except OSError as exc:
            raise PolicyError(
                f"audit.key_file: cannot read {policy.audit_key_file}: {exc.strerror or exc}"
            ) from None
        where = str(policy.audit_key_file)
    else:
        return None
    if len(key) < MIN_KEY_BYTES:
        raise PolicyError(
            f"audit key in {where} is shorter than {MIN_KEY_BYTES} bytes: use a long random value"
        )
    return key
