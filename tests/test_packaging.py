"""Packaging (#19 item 6): each part's imports are declared by its extra; uvicorn's private API still fits.

`scripts/extras_smoke.py` (run by `.ci/run`) proves each extra works alone; these tests name the mistake
when one does not: an import no extra declares, or one declared by another extra than the part's.
"""

from __future__ import annotations

import ast
import asyncio
import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mailjet_connector"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# The part of the package -> the extra that installs what it imports at module level.
PART_EXTRA = {
    "emulator": "emulator",
    "sync": "sync",
    "livesql": "sync",  # DuckDB, pyarrow, sqlglot and the sync's table layouts
    "agents": "agents",
    "webhooks": "webhooks",
    "airbyte": "airbyte",
    "dagster": "dagster",
}
# Modules of one part that plug into another extra's feature, imported only by it.
INTEGRATIONS = {"webhooks/source.py": "sync"}  # `sync --webhook-store`


def requirement_names(requirements: list[str]) -> set[str]:
    return {canonical(re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0]) for r in requirements}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


CORE = requirement_names(PYPROJECT["project"]["dependencies"])


def extra_requirements(name: str) -> set[str]:
    """What an extra installs, with the extras it names (`mailjet-connector[sync]`) expanded."""
    found = set()
    for requirement in PYPROJECT["project"]["optional-dependencies"][name]:
        if requirement.startswith("mailjet-connector["):
            for inner in requirement.split("[", 1)[1].rstrip("]").split(","):
                found |= extra_requirements(inner)
        else:
            found |= requirement_names([requirement])
    return found


EXTRAS = {name: extra_requirements(name) for name in PYPROJECT["project"]["optional-dependencies"]}
DISTRIBUTIONS = {
    module: {canonical(d) for d in dists} for module, dists in metadata.packages_distributions().items()
}


def third_party_imports(path: Path) -> tuple[set[str], set[str]]:
    """(module-level, inside functions or import guards) top-level names of third-party imports."""
    top, lazy = set(), set()
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Try)
            if isinstance(child, ast.Import | ast.ImportFrom) and not getattr(child, "level", 0):
                names = (
                    [a.name for a in child.names] if isinstance(child, ast.Import) else [child.module or ""]
                )
                for name in names:
                    root = name.split(".")[0]
                    if root and root != "mailjet_connector" and root not in sys.stdlib_module_names:
                        (lazy if inner else top).add(root)
            visit(child, inner)

    visit(tree, False)
    return top, lazy


def modules() -> list[tuple[str, Path]]:
    return [(str(p.relative_to(PACKAGE)), p) for p in sorted(PACKAGE.rglob("*.py"))]


@pytest.mark.parametrize(("name", "path"), modules(), ids=[m[0] for m in modules()])
def test_every_import_is_declared_where_it_is_made(name: str, path: Path) -> None:
    extra = INTEGRATIONS.get(name) or PART_EXTRA.get(name.split("/")[0])
    allowed = CORE | (EXTRAS[extra] if extra else set())
    anywhere = CORE.union(*EXTRAS.values())
    top, lazy = third_party_imports(path)
    for module in top:
        assert DISTRIBUTIONS.get(module, {module}) & allowed, (
            f"{name} imports {module} at module level: declare it in "
            f"{'the ' + extra + ' extra' if extra else 'the core dependencies'}"
        )
    for module in lazy:  # an optional feature: some extra must bring it (the code says which to install)
        assert DISTRIBUTIONS.get(module, {module}) & anywhere, (
            f"{name} imports {module}: no extra declares it"
        )


def test_all_is_every_extra() -> None:
    (everything,) = PYPROJECT["project"]["optional-dependencies"]["all"]
    listed = set(everything.split("[", 1)[1].rstrip("]").split(","))
    assert listed == set(EXTRAS) - {"all"}


def uvicorn_cap() -> tuple[int, int]:
    caps = {
        tuple(int(x) for x in found.group(1).split("."))
        for reqs in PYPROJECT["project"]["optional-dependencies"].values()
        for r in reqs
        if (found := re.match(r"uvicorn>=[\d.]+,<([\d.]+)", r))
    }
    assert len(caps) == 1, f"extras that subclass uvicorn's private classes must share one cap, not {caps}"
    return caps.pop()  # type: ignore[return-value]


def test_uvicorn_is_capped_just_above_the_tested_minor() -> None:
    # The private classes below change without notice: bumping the cap means re-running these tests.
    installed = tuple(int(x) for x in metadata.version("uvicorn").split(".")[:2])
    assert uvicorn_cap() == (installed[0], installed[1] + 1)


def test_uvicorns_private_h11_protocol_still_fits_reason_phrases() -> None:
    # emulator/reason.py: H11Protocol keeps its h11.Connection in `self.conn`, and every response goes
    # through `conn.send(h11.Response(...))`, which the subclass wraps to set the reason phrase.
    import h11
    import uvicorn
    from uvicorn.server import ServerState

    from mailjet_connector.emulator.reason import ReasonH11Protocol, _ReasonConnection

    config = uvicorn.Config(app=lambda *a: None, http=ReasonH11Protocol, lifespan="off")
    config.load()
    loop = asyncio.new_event_loop()  # uvicorn asks for one; other tests may have left none current
    try:
        protocol = ReasonH11Protocol(config=config, server_state=ServerState(), app_state={}, _loop=loop)
    finally:
        loop.close()
    assert isinstance(protocol.conn, _ReasonConnection) and isinstance(protocol.conn._conn, h11.Connection)
    head = protocol.conn.send(
        h11.Response(status_code=404, headers=[(b"x-emulator-reason", b"Object not found")])
    )
    assert head is not None and head.startswith(b"HTTP/1.1 404 Object not found\r\n")


def test_uvicorns_private_protocols_still_take_the_transport_in_connection_made() -> None:
    # agents/gateway_server.py: GatewayProtocol wraps the transport handed to connection_made.
    import inspect

    from uvicorn.protocols.http.h11_impl import H11Protocol
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    for protocol in (H11Protocol, HttpToolsProtocol):
        assert list(inspect.signature(protocol.connection_made).parameters)[:2] == ["self", "transport"]
