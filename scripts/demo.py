"""`make demo`: start the local Mailjet emulator and show one request of each kind against it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from mailjet_connector.emulator.server import EmulatorServer, start_emulator

REST = "/v3/REST"


@dataclass(frozen=True)
class Step:
    """One demo request: what it shows, how to send it, and how to summarise the answer."""

    label: str
    send: Callable[[httpx.Client], httpx.Response]
    summary: Callable[[httpx.Response], str]


def body(response: httpx.Response) -> Any:
    """The JSON body, or None for the empty and HTML bodies Mailjet sends with 204/304/401/429."""
    try:
        return response.json()
    except ValueError:
        return None


def envelope(response: httpx.Response) -> str:
    data = body(response) or {}
    return f"Count {data.get('Count')}, Total {data.get('Total')}"


def first(field: str) -> Callable[[httpx.Response], str]:
    def summarise(response: httpx.Response) -> str:
        rows = (body(response) or {}).get("Data") or [{}]
        return f"{field} = {rows[0].get(field)!r}"

    return summarise


def error(response: httpx.Response) -> str:
    data = body(response)
    if data is not None:
        return str(data.get("ErrorMessage"))
    challenge = response.headers.get("www-authenticate")
    return f"empty body, {challenge}" if challenge else "empty body"


def demo_steps(server: EmulatorServer, email: str) -> list[Step]:
    """The requests the demo sends, in order (they build on each other: create, then update ...)."""
    wrong = (server.api_key or "", "wrong-secret")
    return [
        Step("GET contact, page 2 of 3 rows", lambda c: c.get(f"{REST}/contact?Limit=3&Offset=3"), envelope),
        Step(
            "GET contact countrecords=1", lambda c: c.get(f"{REST}/contact?Limit=1&countrecords=1"), envelope
        ),
        Step("GET contact countOnly=1", lambda c: c.get(f"{REST}/contact?countOnly=1"), envelope),
        Step(
            "GET contactslist?IsDeleted=false",
            lambda c: c.get(f"{REST}/contactslist?IsDeleted=false"),
            envelope,
        ),
        Step(
            "POST contact",
            lambda c: c.post(f"{REST}/contact", json={"Email": email, "Name": "Demo"}),
            first("ID"),
        ),
        Step("GET contact/{email}", lambda c: c.get(f"{REST}/contact/{email}"), first("Name")),
        Step(
            "PUT contact/{email} Name",
            lambda c: c.put(f"{REST}/contact/{email}", json={"Name": "Demo 2"}),
            first("Name"),
        ),
        Step(
            "PUT again, nothing changes",
            lambda c: c.put(f"{REST}/contact/{email}", json={"Name": "Demo 2"}),
            error,
        ),
        Step(
            "POST the same contact again", lambda c: c.post(f"{REST}/contact", json={"Email": email}), error
        ),
        Step("GET contact/987654321", lambda c: c.get(f"{REST}/contact/987654321"), error),
        Step("GET contact with a wrong secret", lambda c: c.get(f"{REST}/contact", auth=wrong), error),
        Step(
            "GET statcounters (APIKey, Lifetime)",
            lambda c: c.get(
                f"{REST}/statcounters",
                params={
                    "CounterSource": "APIKey",
                    "CounterTiming": "Message",
                    "CounterResolution": "Lifetime",
                },
            ),
            first("MessageSentCount"),
        ),
        Step(
            "POST /_emulator/clock +1 day",
            lambda c: c.post("/_emulator/clock", json={"advance": 86400}),
            clock,
        ),
    ]


def clock(response: httpx.Response) -> str:
    data = body(response) or {}
    return ", ".join(f"{key} = {value}" for key, value in data.items()) or response.text[:60]


def run_demo(console: Console) -> None:
    """Start the emulator (small preset), print how to reach it, send the demo requests, print a table."""
    started = time.perf_counter()
    with start_emulator(scale="small", seed=0) as server:
        console.print(f"[bold]Mailjet emulator[/] on {server.url}  (small preset, seed 0)")
        console.print(f"  API key {server.api_key}   secret {server.api_secret}")
        console.print(
            f"  export MJ_APIKEY_PUBLIC={server.api_key} MJ_APIKEY_PRIVATE={server.api_secret} "
            f"MAILJET_BASE_URL={server.url}",
            soft_wrap=True,
        )
        table = Table(title="One request of each kind")
        table.add_column("Request", no_wrap=True)
        table.add_column("Status", justify="right")
        table.add_column("Result", no_wrap=True, overflow="ellipsis", max_width=60)
        auth = (server.api_key or "", server.api_secret or "")
        with httpx.Client(base_url=server.url, auth=auth, timeout=30) as client:
            for step in demo_steps(server, "demo.user@example.org"):
                response = step.send(client)
                colour = "green" if response.status_code < 400 else "yellow"
                table.add_row(step.label, f"[{colour}]{response.status_code}[/]", step.summary(response))
        console.print(table)
    console.print(
        f"Done in {time.perf_counter() - started:.1f} s. Serve it yourself: mailjet-connector emulator serve"
    )


if __name__ == "__main__":
    run_demo(Console())
