"""Child processes that a test stops with Ctrl-C (SIGINT) must not inherit an ignored SIGINT.

A shell without job control starts its background jobs with SIGINT ignored, and an ignored signal stays
ignored across exec: Python then installs no KeyboardInterrupt handler, and a test run launched that way
(`bash .ci/run &`) saw every Ctrl-C test time out. `preexec_fn=sigint_default` gives the child the default.
"""

from __future__ import annotations

import signal


def sigint_default() -> None:
    """Run in the child before exec: SIGINT back to its default disposition."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
