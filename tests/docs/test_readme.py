"""The README and docs stay true to the CLI: every command is documented, every documented command exists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from mailjet_connector.cli import app

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
INVOCATION = re.compile(r"mailjet-connector((?:[ \t]+[a-z][a-z-]*)+)")
CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)  # fenced blocks and inline code: prose is not a command


def is_group(command: Any) -> bool:
    return hasattr(command, "commands")  # typer ships its own click: compare by shape, not class


def command_paths(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name, command in group.commands.items():
        path = (*prefix, name)
        yield path, command
        if is_group(command):
            yield from command_paths(command, path)


COMMANDS = dict(command_paths(typer.main.get_command(app)))


def documented_invocations() -> Iterator[tuple[str, tuple[str, ...]]]:
    for doc in DOCS:
        for code in CODE.findall(doc.read_text()):
            for match in INVOCATION.finditer(code):
                yield doc.name, tuple(match.group(1).split())


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_every_command_is_documented_with_help(path: tuple[str, ...]) -> None:
    command = COMMANDS[path]
    assert (command.help or "").strip(), f"`mailjet-connector {' '.join(path)}` has no help text"
    documented = {words[: len(path)] for _, words in documented_invocations()}
    assert path in documented, f"`mailjet-connector {' '.join(path)}` appears in no doc page"


def test_every_documented_command_exists() -> None:
    unknown = set()
    for doc, words in documented_invocations():
        if words[0] not in {p[0] for p in COMMANDS}:
            unknown.add((doc, words[0]))
            continue
        # The longest prefix naming a command must not be a group followed by a word it does not know.
        known = max((p for p in COMMANDS if words[: len(p)] == p), key=len)
        if is_group(COMMANDS[known]) and len(words) > len(known):
            unknown.add((doc, " ".join(words[: len(known) + 1])))
    assert not unknown, f"documented commands that do not exist: {sorted(unknown)}"


def test_readme_links_resolve() -> None:
    text = (ROOT / "README.md").read_text()
    missing = [link for link in re.findall(r"\]\(([^)#:]+)\)", text) if not (ROOT / link).exists()]
    assert not missing, f"README links to missing files: {missing}"
