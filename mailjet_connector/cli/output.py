"""How loud a command is (-q, default, -v, -vv), and the library's log lines on stderr while it runs.

Retries are shown by default, on one line that updates ("retrying in 2.1 s (attempt 3 of 8): ConnectError
...") so a slow or unreachable API is never silent; -q hides them with everything else that is not an
error. Other library log lines (and dlt's) appear with -v; -vv adds debug detail.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from mailjet_connector.transport import RETRY_RECORD

if TYPE_CHECKING:
    from rich.console import Console

QUIET, NORMAL, VERBOSE, DEBUG = -1, 0, 1, 2

LIBRARY_LOGGER = "mailjet_connector"


@dataclass(frozen=True)
class Verbosity:
    """-q (QUIET), nothing (NORMAL), -v (VERBOSE) or -vv (DEBUG)."""

    level: int = NORMAL

    @property
    def quiet(self) -> bool:
        return self.level <= QUIET

    @property
    def verbose(self) -> bool:
        return self.level >= VERBOSE

    @classmethod
    def from_flags(cls, verbose: int, quiet: bool) -> Verbosity:
        return cls(QUIET if quiet else min(verbose, DEBUG))


_current: ContextVar[Verbosity | None] = ContextVar("mailjet_connector_verbosity", default=None)


def verbosity() -> Verbosity:
    """The running command's verbosity."""
    return _current.get() or Verbosity()


def progress_enabled(as_json: bool = False) -> bool:
    """Whether a command may draw progress on stderr: not with -q, not when stdout carries JSON."""
    return not as_json and not verbosity().quiet


def make_console(*, stderr: bool = False, **options: Any) -> Console:
    """A rich Console for what a command prints: it never reads markup in the text it is given.

    Cells, names and messages come from users and from Mailjet: with rich's default, a contact named `[/x]`
    made `query` end in a MarkupError traceback, and a name holding `[red]` lost it in the table. A style is
    given as `style=` or a `rich.text.Text`, never as markup inside the text.
    """
    from rich.console import Console

    return Console(stderr=stderr, markup=False, **options)


class RetryLine(logging.Handler):
    """Renders retry records on one stderr line that updates in place.

    Off a terminal, or above progress bars, a line each time, at most one per `interval` seconds, so a log
    file is not flooded.
    """

    def __init__(self, stream: TextIO | None = None, interval: float = 1.0):
        super().__init__(logging.INFO)
        self._stream = stream
        self._interval = interval
        self._last = 0.0
        self._open = False
        self._lock_line = threading.Lock()

    @property
    def stream(self) -> TextIO:
        return self._stream or sys.stderr

    def emit(self, record: logging.LogRecord) -> None:
        retry = getattr(record, RETRY_RECORD, None)
        if retry is None:
            return
        text = retry_text(retry)
        try:
            with self._lock_line:
                if self.stream.isatty() and not _under_live_display(self.stream):
                    self.stream.write(f"\r\x1b[2K{text}")
                    self._open = True
                elif time.monotonic() - self._last >= self._interval:
                    self.stream.write(text + "\n")
                    self._last = time.monotonic()
                self.stream.flush()
        except (OSError, ValueError):  # stderr closed: retries are not worth a crash
            pass

    def finish(self) -> None:
        """End the updating line, so what follows starts on a line of its own."""
        with self._lock_line:
            if self._open:
                try:
                    self.stream.write("\n")
                    self.stream.flush()
                except (OSError, ValueError):
                    pass
                self._open = False


def _under_live_display(stream: TextIO) -> bool:
    """Progress bars are drawn: rich prints whole lines above them, so the retry line is a line too."""
    from rich.file_proxy import FileProxy

    return isinstance(stream, FileProxy)


def retry_text(retry: dict[str, object]) -> str:
    """`retrying GET /v3/REST/contact in 2.1 s (attempt 3 of 8): ConnectError: ...`."""
    return (
        f"retrying {retry.get('method', '')} {retry.get('path', '')} in {float(retry.get('delay', 0)):.1f} s "  # type: ignore[arg-type]
        f"(attempt {retry.get('attempt')} of {retry.get('max')}): {retry.get('reason', '')}"
    )


class _NotRetries(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not hasattr(record, RETRY_RECORD)


@contextmanager
def session(level: Verbosity) -> Iterator[Verbosity]:
    """Set the verbosity for the block and route the library's log records to stderr accordingly."""
    token = _current.set(level)
    logger = logging.getLogger(LIBRARY_LOGGER)
    saved_level, saved_propagate = logger.level, logger.propagate
    handlers: list[logging.Handler] = []
    retry_line = RetryLine()
    if not level.quiet:
        handlers.append(retry_line)
    if level.verbose:
        plain = logging.StreamHandler()
        plain.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        plain.addFilter(_NotRetries())
        handlers.append(plain)
    logger.setLevel(logging.DEBUG if level.level >= DEBUG else logging.INFO)
    for handler in handlers:
        logger.addHandler(handler)
    try:
        yield level
    finally:
        retry_line.finish()
        for handler in handlers:
            logger.removeHandler(handler)
        logger.setLevel(saved_level)
        logger.propagate = saved_propagate
        _current.reset(token)
