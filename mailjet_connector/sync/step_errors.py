"""dlt wraps whatever fails inside a pipeline step; a sync raises the error itself, as a `MailjetError`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mailjet_connector.errors import MailjetError, SyncError


@contextmanager
def unwrap_step_errors() -> Iterator[None]:
    """Inside the block, a failed dlt step raises its cause: our own error as it is (an API error keeps its
    meaning), anything else as a one-line `SyncError` naming the step.

    Raises:
        MailjetError: the cause of a failed step.
    """
    try:
        yield
    except Exception as exc:
        if type(exc).__module__.split(".")[0] != "dlt":
            raise
        cause = root_cause(exc)
        if isinstance(cause, MailjetError):
            raise cause from None
        text = str(cause).strip()
        raise SyncError(
            str(getattr(exc, "step", "sync")), text.splitlines()[0] if text else type(cause).__name__
        ) from None


def root_cause(exc: BaseException) -> BaseException:
    """The innermost exception dlt wrapped (it nests them in `.exception` and `__cause__`)."""
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = getattr(exc, "exception", None) or exc.__cause__
        if not isinstance(inner, BaseException):
            break
        exc = inner
    return exc
