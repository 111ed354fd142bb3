"""Checks of a parsed TOML document, shared by the policy file and the accounts file.

Each raises what the caller's `fail(key, problem)` builds, so every error is one line naming the key.
"""

from __future__ import annotations

from typing import Any


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
