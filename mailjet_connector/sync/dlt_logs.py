"""dlt's runtime as the sync wants it: no telemetry unless the user turns it on, and dlt's own log lines
(schema-hint warnings...) off the terminal unless asked for (`SyncOptions.dlt_logs`, the CLI's `-v`).

dlt resolves its runtime configuration (log level, `dlthub_telemetry`) once, the first time anything reads its
config, and starts its logger and telemetry from it then. A setting written or an environment variable set
after that point changes nothing until the runtime is initialised again, which is what `reinitialize` does
(through dlt's own `initialize_runtime`, so every provider the user configured is honoured).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import dlt

TELEMETRY_KEY = "runtime.dlthub_telemetry"
LOG_LEVEL_ENV = "RUNTIME__LOG_LEVEL"


def reinitialize() -> None:
    """Re-resolve dlt's runtime configuration and restart its logger and telemetry from it."""
    from dlt.common.configuration.container import Container
    from dlt.common.configuration.specs.pluggable_run_context import PluggableRunContext
    from dlt.common.runtime.telemetry import stop_telemetry

    stop_telemetry()  # started once per process: it has to be stopped for the new setting to count
    Container()[PluggableRunContext].initialize_runtime()


def telemetry_off() -> None:
    """Turn dlt's anonymous telemetry off unless the user's dlt config (env, config.toml) turns it on."""
    if dlt.config.get(TELEMETRY_KEY) is None:
        dlt.config[TELEMETRY_KEY] = False
        reinitialize()


@contextmanager
def quiet_dlt() -> Iterator[None]:
    """Keep dlt's log lines off the terminal unless RUNTIME__LOG_LEVEL is set.

    The variable is restored afterwards (and the runtime re-initialised) so the process is left as found.
    """
    if LOG_LEVEL_ENV in os.environ:
        yield
        return
    os.environ[LOG_LEVEL_ENV] = "CRITICAL"  # its errors reach the user as our own one-line errors
    reinitialize()
    try:
        yield
    finally:
        os.environ.pop(LOG_LEVEL_ENV, None)
        reinitialize()
