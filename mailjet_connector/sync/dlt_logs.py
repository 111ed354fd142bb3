"""dlt's own log lines (schema-hint warnings...), kept off the terminal unless asked for (`SyncOptions.dlt_logs`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_dlt() -> Iterator[None]:
    """Keep dlt's own log lines (schema-hint warnings...) off the terminal unless RUNTIME__LOG_LEVEL is set.

    dlt re-creates its logger from its runtime configuration on every pipeline, hence the variable; it is
    restored afterwards so the process environment is left as it was found.
    """
    if "RUNTIME__LOG_LEVEL" in os.environ:
        yield
        return
    os.environ["RUNTIME__LOG_LEVEL"] = "ERROR"
    try:
        yield
    finally:
        os.environ.pop("RUNTIME__LOG_LEVEL", None)
