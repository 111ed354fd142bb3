"""Reading and checking the project's TOML files (the policy file, the accounts file, the two-way mapping).

Each check raises what the caller's `fail(key, problem)` builds, so every error is one line naming the key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


def read_toml(path: Path, name: str, error: type[Exception]) -> dict[str, Any]:
    """The TOML document in `path`, or `error` with one line: unreadable, or not TOML.

    Args:
        path: the file.
        name: what the file is, for the message (`policy file`, `accounts file`...).
        error: the exception class to raise (the caller's place in the error tree).
    """
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"cannot read {name} {str(path)!r}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None


def expect_table(value: Any, key: str, fail: Any) -> dict[str, Any]:
    """`value` when it is a TOML table, else `fail(key, ...)`."""
    if not isinstance(value, dict):
        raise fail(key, "expected a table")
    return value


def no_unknown_keys(table: dict[str, Any], allowed: set[str], prefix: str, fail: Any) -> None:
    """`fail` on the first key of `table` not in `allowed` (named `prefix` + key), listing the allowed ones."""
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise fail(f"{prefix}{unknown[0]}", f"unknown key; expected one of {', '.join(sorted(allowed))}")
