"""Test-control endpoints under `/_emulator`: the clock, raw rows, the request log, the event machinery and the
OpenAPI document of the emulated API.

Modules: `routes` (clock, rows, requests, OpenAPI), `events` (event delivery control), `openapi` (the document,
generated from the catalog).
"""
