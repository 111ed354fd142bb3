"""Exit codes, and the one place errors become a one-line message (or a JSON object) and an exit code.

| code | meaning |
|---|---|
| 0 | done |
| 1 | partial: the run finished, but some rows, emails, sync resources or accounts failed (see the errors/results file, the sync report or the summary), or a prompt was declined, or a remove matched nothing, or an audit log is tampered |
| 2 | usage: bad option, missing credentials, unreadable file, bad SQL or dataset, unknown resource |
| 3 | authentication refused (wrong key or secret, or an account on the other region) |
| 4 | the API is unreachable: connection refused, DNS, TLS, timeout |
| 5 | the API answered with another error, or a job did not finish in time |
| 130 | interrupted (Ctrl-C); the resumable commands pick up where they stopped when run again |
| 141 | the reader of the output went away (`... \\| head`): nothing is printed |

docs/cli.md carries the same table; a test keeps them equal.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import NoReturn

import orjson
import typer

from mailjet_connector.errors import (
    APIError,
    AuthenticationError,
    ConfigError,
    DatasetAccountError,
    DatasetBusyError,
    InputError,
    JobTimeoutError,
    MailjetError,
    NotFoundError,
    ServerError,
    TransportError,
)

EXIT_OK = 0
EXIT_ROWS_FAILED = 1
EXIT_PARTIAL = EXIT_ROWS_FAILED  # a sync whose resources the API partly refused: the rest was loaded
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NETWORK = 4
EXIT_API = 5
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141

EXIT_CODES = {
    EXIT_OK: "done",
    EXIT_ROWS_FAILED: (
        "partial: some rows, emails, sync resources or accounts failed, a prompt was declined, "
        "a remove matched nothing, or an audit log is tampered"
    ),
    EXIT_USAGE: "usage: bad option, missing credentials, unreadable file, bad SQL or dataset, unknown resource",
    EXIT_AUTH: "authentication refused (wrong key or secret, or the other region)",
    EXIT_NETWORK: "the API is unreachable: connection refused, DNS, TLS, timeout",
    EXIT_API: "the API answered with another error, or a job did not finish in time",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
    EXIT_BROKEN_PIPE: "the reader of the output went away",
}

RESUME_HINT = "run the same command again to resume"


@dataclass(frozen=True)
class Failure:
    """What a person (or a script, with --json) is told about an error."""

    code: int
    message: str
    hint: str = ""
    kind: str = ""

    def line(self) -> str:
        if self.code == EXIT_INTERRUPTED:  # not an error: the user stopped it
            return self.message
        if not self.hint:
            return f"Error: {self.message}"
        message = (
            self.message[:-1]
            if self.message.endswith(".") and not self.message.endswith("..")
            else self.message
        )
        return f"Error: {message}; {self.hint}"

    def to_dict(self) -> dict[str, object]:
        return {
            "error": {"type": self.kind, "message": self.message, "hint": self.hint, "exit_code": self.code}
        }


def describe(exc: BaseException, command: str = "") -> Failure:
    """The exit code, one-line message and hint for an exception raised under a command.

    Args:
        exc: the exception.
        command: the command's words after `mailjet-connector` (for the `--help` hint).
    """
    kind = type(exc).__name__
    see_help = f"see `mailjet-connector {command} --help`" if command else ""
    if isinstance(exc, AuthenticationError) and exc.operation_not_allowed:
        return Failure(
            EXIT_API,
            f"the API does not allow {exc.method or 'this verb'} on {exc.path or 'this resource'} (401 Operation not allowed)",
            "`mailjet-connector resources` lists the verbs each resource allows",
            kind,
        )
    if isinstance(exc, AuthenticationError):
        return Failure(
            EXIT_AUTH,
            f"authentication refused ({exc.status})",
            "check MJ_APIKEY_PUBLIC / MJ_APIKEY_PRIVATE or --api-key/--api-secret; "
            "an account on the US stack needs --region us",
            kind,
        )
    if isinstance(exc, TransportError):
        return Failure(
            EXIT_NETWORK, f"cannot reach the API: {exc}", "check the network, --base-url and --region", kind
        )
    if isinstance(exc, NotFoundError) and not exc.message:
        return Failure(EXIT_API, f"the API answered {exc}", "check --base-url", kind)
    if isinstance(exc, ServerError):
        return Failure(
            EXIT_API, f"the API answered {exc}", "retry later; if it persists, check --base-url", kind
        )
    if isinstance(exc, APIError | JobTimeoutError):
        return Failure(EXIT_API, one_line(exc), "", kind)
    if isinstance(exc, DatasetAccountError | DatasetBusyError):  # the message says what to do itself
        return Failure(EXIT_USAGE, one_line(exc), "", kind)
    # Plain ValueErrors are the library's older spelling of bad input (a date, a NAME=VALUE pair...).
    if isinstance(exc, ConfigError | InputError | MailjetError | ValueError):
        return Failure(EXIT_USAGE, one_line(exc), see_help, kind)
    if isinstance(exc, FileNotFoundError | IsADirectoryError | PermissionError | NotADirectoryError):
        where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
        return Failure(EXIT_USAGE, f"{exc.strerror or kind}{where}", see_help, kind)
    if isinstance(exc, OSError):
        return Failure(EXIT_USAGE, one_line(exc), see_help, kind)
    raise exc


def one_line(exc: BaseException) -> str:
    """The first line of an exception's text (its class name when it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def report(failure: Failure, as_json: bool = False) -> NoReturn:
    """Print a failure (one line on stderr, or a JSON object on stdout with --json) and exit with its code.

    An interruption is told on stderr in any case: whoever pressed Ctrl-C is looking at the terminal.
    """
    if as_json:
        typer.echo(orjson.dumps(failure.to_dict()).decode())
    if not as_json or failure.code == EXIT_INTERRUPTED:
        typer.echo(failure.line(), err=True)
    raise typer.Exit(failure.code)


def fail(message: str, code: int = EXIT_USAGE, *, hint: str = "") -> NoReturn:
    """Stop a command with a one-line error (a usage error unless `code` says otherwise).

    Raised as `CommandFailure`, so that the command wrapper renders it the same way as a library error
    (as JSON when the command was given --json).
    """
    raise CommandFailure(Failure(code, message, hint, "UsageError" if code == EXIT_USAGE else ""))


class CommandFailure(Exception):
    """A failure a command decided on itself (`fail`); the command wrapper reports it."""

    def __init__(self, failure: Failure):
        super().__init__(failure.message)
        self.failure = failure


def interrupted(resumable: bool) -> Failure:
    """The one line Ctrl-C earns."""
    return Failure(
        EXIT_INTERRUPTED, "interrupted" + (f"; {RESUME_HINT}" if resumable else ""), "", "Interrupted"
    )


def quiet_broken_pipe() -> NoReturn:
    """The reader went away (`export ... | head`): say nothing, and keep Python from complaining at exit."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test runner's capture)
        pass
    raise typer.Exit(EXIT_BROKEN_PIPE)
