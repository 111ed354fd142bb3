"""The Send API (`POST /v3.1/send`, `POST /v3/send`, mailjet-api.md §5) and campaign sends.

Modules: `routes` (the Starlette routes), `v31` and `v3` (the two API versions), `validation` (v3.1 property
checks and error codes), `render` (the template language), `lookup` (senders and templates a send reads),
`effects` (what a real send changes in the account), `http` (credentials, bodies, answer shapes),
`campaign` (sending a campaign draft, now or when its schedule is due).
"""
