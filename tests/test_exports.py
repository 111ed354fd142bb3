"""Public names of the lazy packages (#19 item 7): listed, sorted, resolvable, and loaded only on use."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

LAZY = [
    "mailjet_connector",
    "mailjet_connector.importer",
    "mailjet_connector.twoway",
    "mailjet_connector.webhooks",
]


@pytest.mark.parametrize("name", LAZY)
def test_all_is_sorted_and_every_name_resolves(name: str) -> None:
    package = importlib.import_module(name)
    assert package.__all__ == sorted(package.__all__)
    assert all(getattr(package, n) is not None for n in package.__all__)
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        package.nope  # noqa: B018


@pytest.mark.parametrize(
    ("statement", "absent"),
    [
        ("import mailjet_connector.catalog", ("mailjet_connector.client", "httpx", "pydantic_settings")),
        ("import mailjet_connector.importer.sources", ("mailjet_connector.client", "httpx")),
        ("from mailjet_connector.importer import read_rows", ("mailjet_connector.client",)),
        ("from mailjet_connector.webhooks.store import open_store", ("starlette", "uvicorn")),
    ],
)
def test_importing_a_part_does_not_load_the_client(statement: str, absent: tuple[str, ...]) -> None:
    # A fresh interpreter: this test process has loaded everything already.
    code = f"import sys\n{statement}\nprint(sorted(m for m in {absent!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
