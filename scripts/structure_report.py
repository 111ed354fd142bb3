"""Measure the code's structure for docs/architecture.md (#19): duplicates, import cycles, sizes, import time.

Run from the repository root:

    python3 -m uv run --frozen python scripts/structure_report.py            # markdown on stdout
    python3 -m uv run --frozen python scripts/structure_report.py --json     # the same as JSON
    python3 -m uv run --frozen python scripts/structure_report.py --repo /tmp/old-tree   # another tree

What it measures:

- duplicated code blocks: the pair count of the `duplicates` command over the tree and over the package;
- import-graph cycles: strongly connected components of the package's import graph, between modules and
  between top-level parts (`importer`, `contacts`, `client`...), counting imports made inside functions
  too (they are dependencies all the same) and leaving out `if TYPE_CHECKING:` imports;
- the largest modules (lines) and functions (lines from `def` to the last line);
- the import time of `mailjet_connector.catalog` (median of `python -X importtime` runs) and whether that
  import loads httpx, pydantic-settings or the client.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
ROOT = HERE  # the tree measured (`--repo`)
PACKAGE = "mailjet_connector"
HEAVY = ("httpx", "pydantic_settings", f"{PACKAGE}.client")


def module_files(root: Path | None = None) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    root = root or ROOT
    found = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _runtime_nodes(tree: ast.Module) -> Iterator[ast.AST]:
    """Every node, except those under `if TYPE_CHECKING:` (imports for type hints only)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the package modules it imports (at module level or inside functions)."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _targets(node, name, is_package, modules):
                if target != name:
                    graph[name].add(target)
    return graph


def _targets(node: ast.AST, name: str, is_package: bool, modules: dict[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        return [_known(alias.name, modules) for alias in node.names if _known(alias.name, modules)]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        anchor = name.split(".") if is_package else name.split(".")[:-1]
        anchor = anchor[: len(anchor) - node.level + 1]
        base = ".".join([*anchor, base] if base else anchor)
    found = []
    for alias in node.names:
        target = _known(f"{base}.{alias.name}", modules) or _known(base, modules)
        if target:
            found.append(target)
    return found


def _known(dotted: str, modules: dict[str, Path]) -> str | None:
    while dotted:
        if dotted in modules:
            return dotted
        dotted = dotted.rpartition(".")[0]
    return None


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        nonlocal counter
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def part_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph between top-level parts (`mailjet_connector.importer.run` -> `importer`); the root left out."""

    def part(module: str) -> str | None:
        pieces = module.split(".")
        return pieces[1] if len(pieces) > 1 else None

    parts: dict[str, set[str]] = {}
    for source, targets in graph.items():
        origin = part(source)
        if origin is None:
            continue
        parts.setdefault(origin, set())
        for target in targets:
            goal = part(target)
            if goal is not None and goal != origin:
                parts[origin].add(goal)
    for targets in list(parts.values()):
        for target in targets:
            parts.setdefault(target, set())
    return parts


def largest_modules(modules: dict[str, Path], most: int = 10) -> list[tuple[str, int]]:
    sizes = [(str(path.relative_to(ROOT)), _lines(path)) for path in modules.values()]
    return sorted(sizes, key=lambda item: (-item[1], item[0]))[:most]


def largest_functions(modules: dict[str, Path], most: int = 10) -> list[tuple[str, int]]:
    sizes = []
    for path in modules.values():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                where = f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
                sizes.append((where, (node.end_lineno or node.lineno) - node.lineno + 1))
    return sorted(sizes, key=lambda item: (-item[1], item[0]))[:most]


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def duplicate_pairs(repo: Path) -> dict[str, object]:
    """The `duplicates` command's first line, parsed: pairs and files read."""
    if shutil.which("duplicates") is None:
        return {"pairs": None, "note": "the `duplicates` command is not on PATH"}
    out = subprocess.run(
        ["duplicates", "--repo", str(repo), "--seconds", "300", "--most", "1"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    ).stdout
    first = out.splitlines()[0] if out else ""
    pairs = re.match(r"(\d+) pairs", first)
    files = re.search(r"\((\d+) files read\)", first)
    return {
        "pairs": int(pairs.group(1)) if pairs else 0,
        "files": int(files.group(1)) if files else None,
        "line": first,
    }


def catalog_import(runs: int = 7) -> dict[str, object]:
    """Median cumulative import time of the catalog (ms), and which heavy modules that import loads."""
    times = []
    loaded: set[str] = set()
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {PACKAGE}.catalog"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stderr
        for line in out.splitlines():
            fields = [f.strip() for f in line.removeprefix("import time:").split("|")]
            if len(fields) != 3 or not fields[1].isdigit():
                continue
            name = fields[2]
            loaded.update(h for h in HEAVY if name == h)
            if name == f"{PACKAGE}.catalog":
                times.append(int(fields[1]) / 1000)
    return {"ms": round(statistics.median(times), 1), "loads": sorted(loaded)}


def measure() -> dict[str, object]:
    modules = module_files()
    graph = import_graph(modules)
    report: dict[str, object] = {
        "duplicates_tree": duplicate_pairs(ROOT),
        "duplicates_package": duplicate_pairs(ROOT / PACKAGE),
        "module_cycles": cycles(graph),
        "part_cycles": cycles(part_graph(graph)),
        "modules": len(modules),
        "largest_modules": largest_modules(modules),
        "largest_functions": largest_functions(modules),
        "catalog_import": catalog_import(),
    }
    return report


def markdown(report: dict[str, object]) -> str:
    tree, package = report["duplicates_tree"], report["duplicates_package"]
    catalog = report["catalog_import"]
    lines = [
        "| measure | value |",
        "|---|---|",
        f"| duplicated code blocks, whole tree (`duplicates`) | {tree['pairs']} pairs ({tree.get('files')} files) |",  # type: ignore[index]
        f"| duplicated code blocks, `{PACKAGE}/` | {package['pairs']} pairs ({package.get('files')} files) |",  # type: ignore[index]
        f"| import cycles between modules | {_cycles(report['module_cycles'])} |",
        f"| import cycles between parts | {_cycles(report['part_cycles'])} |",
        f"| `import {PACKAGE}.catalog` | {catalog['ms']} ms; loads {', '.join(catalog['loads']) or 'none of httpx, pydantic-settings, the client'} |",  # type: ignore[index]
        "",
        "Largest modules (lines): "
        + ", ".join(f"`{name}` {size}" for name, size in report["largest_modules"][:5]),  # type: ignore[index]
        "",
        "Largest functions (lines): "
        + ", ".join(f"`{name}` {size}" for name, size in report["largest_functions"][:5]),  # type: ignore[index]
    ]
    return "\n".join(lines)


def _cycles(found: object) -> str:
    groups = list(found)  # type: ignore[call-overload]
    if not groups:
        return "none"
    return f"{len(groups)}: " + "; ".join(" <-> ".join(g) for g in groups)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    parser.add_argument("--repo", type=Path, default=HERE, help="the tree to measure (default: this one)")
    args = parser.parse_args()
    global ROOT
    ROOT = args.repo.resolve()
    report = measure()
    print(json.dumps(report, indent=2) if args.json else markdown(report))


if __name__ == "__main__":
    main()
