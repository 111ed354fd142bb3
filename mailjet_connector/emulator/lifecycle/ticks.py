"""Work that happens because emulator time passed, run before and after every request (and on a flush).

Nothing in the emulator runs on its own thread except HTTP delivery: message lifecycles, scheduled
campaign sends and async jobs are all functions of the clock, brought up to date here. Each tick is cheap
when nothing is due (a heap peek, an empty dict).
"""

from __future__ import annotations

from mailjet_connector.emulator import jobs
from mailjet_connector.emulator.lifecycle import messages
from mailjet_connector.emulator.send import campaign
from mailjet_connector.emulator.state import EmulatorState


def tick(state: EmulatorState) -> int:
    """Bring jobs, scheduled campaigns and message lifecycles up to the current emulator time.

    Scheduled campaigns run before the lifecycle so that the messages they create start theirs at once.

    Returns:
        How many lifecycle steps were applied.
    """
    jobs.refresh_all(state)
    campaign.run_due(state)
    return messages.advance_all(state)
