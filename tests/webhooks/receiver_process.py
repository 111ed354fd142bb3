"""Real `mailjet-connector webhooks serve` processes for the webhook tests (crash recovery, scale-out)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

TOKEN = "receiver-test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spawn_receiver(store_url: str, port: int) -> subprocess.Popen:
    """Start a receiver on `port` (token auth, `TOKEN`); `wait_ready` waits for it."""
    command = [sys.executable, "-m", "mailjet_connector", "webhooks", "serve", "--port", str(port),
               "--store", store_url, "--token", TOKEN]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAILJET_", "MJ_"))}
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(process: subprocess.Popen, port: int, timeout: float = 60) -> subprocess.Popen:
    """Wait until the receiver answers `/health` with 200 (its store is open)."""
    deadline = time.monotonic() + timeout
    with httpx.Client(trust_env=False, timeout=1) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"receiver exited: {process.stderr.read().decode()[-500:]}")
            try:
                if http.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    return process
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("receiver did not start")


def start_receiver(store_url: str, port: int) -> subprocess.Popen:
    """Start a receiver and wait until it is ready."""
    return wait_ready(spawn_receiver(store_url, port), port)


def stop(processes: list[subprocess.Popen]) -> None:
    """Kill what still runs and reap every process (the fixture's teardown)."""
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        if process.stderr:
            process.stderr.close()
