"""What every command shares, added when it is registered: -v/-q, the connection options, errors as one line
(or JSON with --json) with the exit codes of `cli.exits`, Ctrl-C and broken pipes, and flags shown without a
metavar.

Use `Typer` from here instead of `typer.Typer`; a command asks for the connection options with a parameter
annotated `ConnectionOptions` (see `cli.options`).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from mailjet_connector.cli import exits, options, output
from mailjet_connector.cli.options import ConnectionOptions

try:  # typer >= 0.20 ships its own copy of click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover
    from click.exceptions import ClickException  # type: ignore[no-redef]

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
CONTEXT_PARAM = "mailjet_context"

VERBOSITY_PARAMETERS = [
    inspect.Parameter(
        "verbose",
        inspect.Parameter.KEYWORD_ONLY,
        default=0,
        annotation=Annotated[
            int,
            typer.Option(
                "-v", "--verbose", count=True, show_default=False,
                help="More detail on stderr, dlt's logs included; -vv for debug detail.",
            ),
        ],
    ),
    inspect.Parameter(
        "quiet",
        inspect.Parameter.KEYWORD_ONLY,
        default=False,
        annotation=Annotated[
            bool, typer.Option("-q", "--quiet", help="Only errors on stderr: no progress, no retry line.")
        ],
    ),
    inspect.Parameter(CONTEXT_PARAM, inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context),
]  # fmt: skip


class _PlainMetavars:
    """Help without `<bool>` after a flag (`--emulator <bool>` suggests `--emulator true`, which fails) and
    `<str>...` rather than `<list[str]>` after a repeatable option."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "metavar", "") is not None or not hasattr(param, "display_type"):
                continue
            if getattr(param, "is_flag", False) or getattr(param, "count", False):
                param.metavar = ""
            elif getattr(param, "multiple", False):
                param.metavar = _element(param.display_type(ctx)) + "..."
            elif param.param_type_name == "argument" and param.nargs == -1:
                label = _element(param.display_type(ctx))
                param.display_type_rich = lambda ctx, label=label: label
        return params


def _element(label: str) -> str:
    """`<list[str]>` -> `<str>`."""
    return label.replace("list[", "").replace("]", "")


class Command(_PlainMetavars, TyperCommand):
    """Every command's click class."""


class Group(_PlainMetavars, TyperGroup):
    """Every group's click class; as the root, a usage error (unknown option, missing argument) is one line
    too, or JSON with --json."""

    def main(self, args: Any = None, prog_name: str | None = None, *rest: Any, **extra: Any) -> Any:
        standalone = extra.pop("standalone_mode", True)
        if not standalone:
            return super().main(args, prog_name, *rest, standalone_mode=False, **extra)
        words = list(sys.argv[1:] if args is None else args)
        try:
            result = super().main(words, prog_name, *rest, standalone_mode=False, **extra)
        except ClickException as exc:
            context = getattr(exc, "ctx", None)
            where = context.command_path if context is not None else "mailjet-connector"
            failure = exits.Failure(
                exc.exit_code, exc.format_message(), f"see `{where} --help`", "UsageError"
            )
            _print(failure, "--json" in words)
            sys.exit(failure.code)
        except typer.Abort:
            typer.echo("Aborted.", err=True)
            sys.exit(exits.EXIT_ROWS_FAILED)
        sys.exit(result if isinstance(result, int) else 0)


def _print(failure: exits.Failure, as_json: bool) -> None:
    with contextlib.suppress(typer.Exit):
        exits.report(failure, as_json)


class Typer(typer.Typer):
    """`typer.Typer` whose commands get the shared behaviour of this module."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("context_settings", CONTEXT_SETTINGS)
        kwargs.setdefault("cls", Group)
        kwargs.setdefault("pretty_exceptions_enable", False)
        super().__init__(**kwargs)

    def command(
        self, name: str | None = None, *, resumable: bool = False, **kwargs: Any
    ) -> Callable[[Any], Any]:
        """Register a command.

        Args:
            name: the command's name.
            resumable: running it again after Ctrl-C resumes it (the interrupted line says so).
            **kwargs: as `typer.Typer.command`.
        """
        kwargs.setdefault("cls", Command)
        register = super().command(name, **kwargs)

        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            register(shared(func, resumable=resumable))
            return func

        return decorator


def shared(func: Callable[..., Any], *, resumable: bool = False) -> Callable[..., Any]:
    """`func` with the shared options in its signature and the shared behaviour around its call."""
    signature = inspect.signature(func, eval_str=True)
    kept: list[inspect.Parameter] = []
    conn_name, conn_default = None, None
    for param in signature.parameters.values():
        if param.annotation is ConnectionOptions:
            conn_name = param.name
            conn_default = (
                param.default if isinstance(param.default, ConnectionOptions) else ConnectionOptions()
            )
        else:
            kept.append(param)
    added = options.parameters(conn_default) if conn_default is not None else []
    params = [*kept, *added, *VERBOSITY_PARAMETERS]

    @functools.wraps(func)
    def command(**kwargs: Any) -> Any:
        context: typer.Context = kwargs.pop(CONTEXT_PARAM)
        level = output.Verbosity.from_flags(kwargs.pop("verbose"), kwargs.pop("quiet"))
        if conn_name is not None and conn_default is not None:
            kwargs[conn_name] = options.collect(kwargs, conn_default)
        as_json = bool(kwargs.get("as_json") or kwargs.get("json_output"))
        words = context.command_path.split()[1:]
        with output.session(level):
            return _run(func, kwargs, as_json=as_json, resumable=resumable, command=" ".join(words))

    del command.__wrapped__  # typer must see the new signature, not the function's own
    command.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    return command


def _run(
    func: Callable[..., Any], kwargs: dict[str, Any], *, as_json: bool, resumable: bool, command: str
) -> Any:
    try:
        return func(**kwargs)
    except (typer.Exit, typer.Abort, ClickException):
        raise
    except exits.CommandFailure as exc:
        exits.report(exc.failure, as_json)
    except KeyboardInterrupt:
        exits.report(exits.interrupted(resumable), as_json)
    except BrokenPipeError:
        exits.quiet_broken_pipe()
    except Exception as exc:
        exits.report(exits.describe(exc, command), as_json)
