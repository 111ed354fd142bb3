"""Headless Chromium for report tests: DOM after rendering, a screenshot, and the console messages."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# No network, no first-run or background traffic: the report must render from the file alone.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",  # any network request would fail (and show up as a console error)
    "--enable-logging=stderr",
    "--v=0",
)
_CONSOLE = re.compile(r":CONSOLE(?:\(\d+\))?:?\d*\] (.*)")


@dataclass(frozen=True)
class Rendered:
    """What Chromium made of a page."""

    output: str  # stdout: the DOM with --dump-dom
    console: list[str]  # console messages (errors, uncaught exceptions, failed loads)


def run_chromium(page: Path, profile: Path, *extra: str) -> Rendered:
    """Open `page` in headless Chromium with `extra` flags (--dump-dom, --screenshot=...) and return the result."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return Rendered(done.stdout, [m.group(1) for m in map(_CONSOLE.search, done.stderr.splitlines()) if m])
