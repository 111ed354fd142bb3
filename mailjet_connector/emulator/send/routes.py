"""The emulator's Send API: Starlette routes for `POST /v3.1/send` and `POST /v3/send` (mailjet-api.md §5).

The app mounts `send_routes(state)`. The pieces: `v31` and `v3` (one per API version),
`validation` (v3.1 checks and error codes), `lookup` (senders, templates and the
`template_content` convention), `render` (template language), `effects` (what a real send
creates), `http` (credentials and answer shapes).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mailjet_connector.catalog.send import FORBIDDEN_HEADERS
from mailjet_connector.emulator.send.http import MAX_PAYLOAD_BYTES
from mailjet_connector.emulator.send.lookup import store_template_content, template_content
from mailjet_connector.emulator.send.v3 import send_v3
from mailjet_connector.emulator.send.v31 import send_v31
from mailjet_connector.emulator.state import EmulatorState

__all__ = ["FORBIDDEN_HEADERS", "send_routes", "store_template_content", "template_content"]


def send_routes(state: EmulatorState, *, max_payload_bytes: int = MAX_PAYLOAD_BYTES) -> list[BaseRoute]:
    """The Send API routes, bound to one emulator state.

    Args:
        state: the state the sends read and change.
        max_payload_bytes: request bodies above this are refused (mj-0011 on v3.1).

    Returns:
        Routes for `POST /v3.1/send` and `POST /v3/send`.
    """

    async def v31(request: Request) -> Response:
        return await send_v31(state, request, max_payload_bytes)

    async def v3(request: Request) -> Response:
        return await send_v3(state, request, max_payload_bytes)

    return [
        Route("/v3.1/send", v31, methods=["POST"], name="send_v31"),
        Route("/v3/send", v3, methods=["POST"], name="send_v3"),
    ]
