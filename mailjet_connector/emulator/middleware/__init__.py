"""ASGI middleware around the emulator app: fault injection, the request log and per-key rate limits.

Modules: `faults` (scripted and random faults), `request_log` (what `/_emulator/requests` answers), `limits`
(Mailjet's 429 with an HTML body).
"""
