"""`serve_receiver`: the webhook receiver on a port, from its settings, until Ctrl-C."""

from __future__ import annotations

from collections.abc import Callable

from mailjet_connector.serving import bind_socket, serve
from mailjet_connector.webhooks.app import create_app
from mailjet_connector.webhooks.settings import ReceiverSettings
from mailjet_connector.webhooks.store import open_store


def serve_receiver(settings: ReceiverSettings, on_ready: Callable[[str, str], None] | None = None) -> None:
    """Open the store, bind the port, then receive until Ctrl-C; the store is closed at the end.

    Args:
        settings: where to listen, the store, credentials and limits.
        on_ready: called with the receiver's URL and the store's location once the port is bound.

    Raises:
        ConfigError: no credentials configured (and anonymous access not allowed), a bad store URL, or a
            port in use.
    """
    import uvicorn

    opened = open_store(settings.store)
    try:
        app = create_app(settings, opened)
        sock = bind_socket(settings.host, settings.port)
        config = uvicorn.Config(app, log_level="warning", access_log=False)
        serve(config, sock, None if on_ready is None else lambda url: on_ready(url, opened.location))
    finally:
        opened.close()
