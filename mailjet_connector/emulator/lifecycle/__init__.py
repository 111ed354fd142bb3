"""Time in the emulator: message lifecycles and the events they produce, webhook and Parse delivery.

Modules: `ticks` (everything that happens because emulator time passed), `messages` (each sent message's
lifecycle: sent, opened, clicked, bounced ...), `effects` (what one step changes and the event it produces),
`events` (Event API payloads), `delivery` (routing events to callback URLs, POSTing, retrying), `parse` (the
Parse API: parseroute rules and inbound mails), `pump` (the middleware and worker that keep it moving).
"""
