"""Lazy package exports (PEP 562): a package lists its public names and loads each one on first use.

So `import mailjet_connector.catalog` (or `mailjet_connector.importer.sources`) does not import the client,
httpx and pydantic-settings just because a parent package re-exports them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, homes: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The `__getattr__` and `__dir__` of a package whose public names live in its submodules.

    Args:
        package: the package's `__name__`.
        homes: public name -> the submodule (relative to `package`) that defines it; a name equal to
            its submodule's name is the submodule itself.

    Returns:
        `(__getattr__, __dir__)`, to assign at the package's module level.
    """
    namespace = import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = import_module(f"{package}.{home}")
        value = module if name == home.rpartition(".")[2] else getattr(module, name)
        namespace[name] = value  # later lookups find it without coming back here
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *homes})

    return __getattr__, __dir__
