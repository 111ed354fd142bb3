"""The command examples of README.md and docs/, as a person would copy them, and how to run each one.

An example is a line (with its `\\` continuations) of a fenced block that runs `mailjet-connector`. A
synopsis (`[--json]`, `ID|NAME`, `EMAIL...`) is not an example: it is only checked to name real commands
(`test_readme.py`). Examples run in a sandbox directory against an emulator server whose credentials are in
the environment, as the docs tell a reader to set them (`MJ_APIKEY_PUBLIC=... MJ_APIKEY_PRIVATE=...`).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
SYNOPSIS = re.compile(r"\[|\]|(?<=\s)\|(?=\s)|\w\|\w|EMAIL\.\.\.|\bFILE\b|\bID\|NAME\b")
ENV_ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=\S*$")

# Ports the docs name, mapped to free ones for each page (a page's examples may talk to each other).
DOC_PORTS = ("8025", "8026", "8030", "8040")

# Commands that run until Ctrl-C: they must start (say where they listen) and stop cleanly on SIGINT.
SERVERS = {
    ("emulator", "serve"): "listening on",
    ("webhooks", "serve"): "Receiving on",
    ("agents", "gateway"): "listening on",
    ("agents", "mcp"): "Mailjet MCP server",
    ("webhooks", "tail"): "Ctrl-C to stop",
}

# Examples not run, and why (matched as substrings of the example).
NOT_RUN = {
    "--install-completion": "changes the reader's shell configuration; `--show-completion` is run instead",
}


@dataclass(frozen=True)
class Example:
    """One command a reader may copy: the page, its line, the words after `mailjet-connector`."""

    doc: str
    line: int
    text: str  # as written (continuations joined, comment dropped)
    argv: tuple[str, ...]
    stdout_to: str | None = None  # `> file`
    background: bool = False  # `&`: a server the following examples of the page talk to

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"

    @property
    def server(self) -> bool:
        return self.background or self.argv[:2] in SERVERS or self.mcp_stdio

    @property
    def mcp_stdio(self) -> bool:
        return self.argv[:2] == ("agents", "mcp") and "--transport" not in self.argv

    @property
    def ready_text(self) -> str:
        if self.argv[:2] == ("agents", "mcp"):
            return "Mailjet MCP server"
        return SERVERS.get(self.argv[:2], "")


def iter_examples() -> Iterator[Example]:
    for doc in DOCS:
        text = doc.read_text()
        for block in FENCE.finditer(text):
            first_line = text.count("\n", 0, block.start(1)) + 1
            lines = block.group(1).split("\n")
            index = 0
            while index < len(lines):
                start, joined = index, lines[index]
                while joined.rstrip().endswith("\\") and index + 1 < len(lines):
                    index += 1
                    joined = joined.rstrip()[:-1] + " " + lines[index].strip()
                index += 1
                example = parse(doc.name, first_line + start, joined)
                if example is not None:
                    yield example


def parse(doc: str, line: int, text: str) -> Example | None:
    """The example on a line, or None when the line runs no `mailjet-connector` command or is a synopsis."""
    try:
        words = shlex.split(text, comments=True)
    except ValueError:
        return None
    while words and (words[0] in ("uv", "run") or ENV_ASSIGNMENT.match(words[0])):
        words = words[1:]
    if not words or words[0] != "mailjet-connector":
        return None
    shown = " ".join(shlex.quote(w) for w in words)
    if SYNOPSIS.search(text.split("#")[0]):
        return None
    background = words[-1] == "&"
    words = words[:-1] if background else words
    stdout_to = None
    if ">" in words:
        position = words.index(">")
        stdout_to, words = words[position + 1], words[:position]
    return Example(doc, line, shown, tuple(words[1:]), stdout_to, background)
