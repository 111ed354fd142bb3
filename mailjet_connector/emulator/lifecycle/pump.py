"""What keeps events moving: the clock task, a middleware that runs the clock's ticks around every request,
and the background thread that posts due deliveries.

Choice (docs/emulator.md): the state machines (jobs, scheduled campaigns, message lifecycles) are
functions of the clock, brought up to date by `ticks.tick` (cheap when nothing is due). They run before
and after every request, and, while the clock runs in real time, every `TICK_EVERY` seconds on their own
(`clock_task`, started by the app's lifespan in the server's event loop, so it never races a request):
an idle emulator still sends its `sent`, `open`, `bounce` ... events within seconds, as Mailjet does. A
frozen clock moves only through the control endpoints, and the ticks around those requests apply what
became due, so tests stay deterministic. HTTP delivery runs in one worker thread per app, so a slow or
dead callback URL never holds a request or a tick; the worker starts when there is something to post,
sleeps until the next due time, and ends on app shutdown or when nothing is pending. Tests can also
drive delivery synchronously with `POST /_emulator/deliveries/flush` (`flush`).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from typing import Any

from mailjet_connector.emulator.lifecycle import delivery, ticks
from mailjet_connector.emulator.state import EmulatorState

IDLE_WAIT = 60.0  # longest sleep between passes (a safety net; kicks and due times normally wake it)
TICK_EVERY = 0.5  # seconds between ticks of an idle emulator whose clock runs in real time


class DeliveryWorker:
    """One thread posting due deliveries of one emulator state.

    Args:
        state: the emulator whose outboxes it drains.
    """

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def kick(self) -> None:
        """Make sure the thread runs and let it look for due work now."""
        with self._lock:
            if self._stop.is_set():
                return
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="mailjet-delivery-worker", daemon=True)
                self._thread.start()
        self._wake.set()

    def resume(self) -> None:
        """Allow the thread to run again after `stop` (an app can be started and stopped several times)."""
        self._stop.clear()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread (after the POST in progress, if any)."""
        self._stop.set()
        self._wake.set()
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        with delivery.new_client() as http:
            while not self._stop.is_set():
                self._wake.clear()
                # Only delivery here: the lifecycle changes tables, so it runs on request handling's side.
                # A worker must survive anything (a failed pass leaves its jobs pending for the next one).
                with contextlib.suppress(Exception):
                    delivery.deliver_due(self.state, http)
                with self._lock:
                    upcoming = delivery.next_due(self.state)
                    if self._idle(upcoming) and not self._wake.is_set():
                        self._thread = None  # kick() starts a new thread when work comes
                        return
                self._wake.wait(self._wait_for(upcoming))

    def _idle(self, upcoming: int | None) -> bool:
        # Nothing pending, or a frozen clock: only a request can move it, and requests kick the worker.
        return upcoming is None or (self.state.clock.frozen and upcoming > self.state.clock.now())

    def _wait_for(self, upcoming: int | None) -> float:
        if upcoming is None or self.state.clock.frozen:
            return IDLE_WAIT
        return max(0.05, min(float(delivery.RETRY_EVERY), upcoming - self.state.clock.now_float()))


def flush(state: EmulatorState) -> dict[str, int]:
    """Advance the lifecycle and attempt every due delivery now, synchronously (for tests and control).

    Returns:
        Counts from `delivery.deliver_due`, plus `steps` (lifecycle steps applied).
    """
    steps = ticks.tick(state)
    return {"steps": steps, **delivery.deliver_due(state)}


class EventPumpMiddleware:
    """Runs the clock's ticks (jobs, scheduled campaigns, lifecycles) before and after every HTTP request,
    and wakes the worker when a delivery is due. Its `lifespan` context stops the worker on app shutdown."""

    def __init__(self, app: Any, *, state: EmulatorState, worker: DeliveryWorker | None = None) -> None:
        self.app = app
        self.state = state
        self.worker = worker or DeliveryWorker(state)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.pump()
        try:
            await self.app(scope, receive, send)
        finally:
            self.pump()

    def pump(self) -> None:
        """Bring the emulator up to its clock (`ticks.tick`) and kick the worker when a delivery is due."""
        pump(self.state, self.worker)


def pump(state: EmulatorState, worker: DeliveryWorker) -> None:
    """Bring the emulator up to its clock (`ticks.tick`) and kick the worker when a delivery is due."""
    ticks.tick(state)
    if delivery.has_due(state):
        worker.kick()


async def clock_task(state: EmulatorState, worker: DeliveryWorker, every: float = TICK_EVERY) -> None:
    """Tick the emulator while it is idle: jobs, scheduled campaigns, lifecycles and deliveries progress in
    real time without any request. Does nothing while the clock is frozen. Runs until cancelled."""
    while True:
        await asyncio.sleep(every)
        if state.clock.frozen:
            continue
        try:
            pump(state, worker)
        except Exception:  # a failed tick leaves its work due for the next one; the task must live on
            continue


@contextlib.asynccontextmanager
async def worker_lifespan(worker: DeliveryWorker) -> AsyncIterator[None]:
    """Lifespan for the app: start the clock task and the worker (if work is pending); stop both on
    shutdown."""
    worker.resume()
    if delivery.next_due(worker.state) is not None:
        worker.kick()
    ticking = asyncio.create_task(clock_task(worker.state, worker), name="mailjet-emulator-clock")
    try:
        yield
    finally:
        ticking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticking
        worker.stop()
