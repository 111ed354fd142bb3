"""The `detailcontent` sub-resource shared by drafts and templates: parsing, POST-blanks/PUT-keeps, answers.

Mailjet's rule (§8.17): POST replaces the whole content, so a part not sent becomes empty; PUT patches, so
a part not sent keeps its value. Both answer the new-style body: compact JSON, `null` for empty parts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.send.http import modern_response
from mailjet_connector.emulator.send.lookup import TEMPLATE_PARTS

if TYPE_CHECKING:
    from mailjet_connector.emulator.rest.actions import ActionContext

PARTS = TEMPLATE_PARTS  # ("Html-part", "Text-part", "MJMLContent", "Headers"): one vocabulary for both
_BY_LOWER = {part.lower(): part for part in PARTS}
# Descriptive properties the official `mailjet-rest` builder sends with content (TemplateContentBuilder
# `set_meta`; its integration test expects 200/201 from Mailjet): accepted as strings, not stored.
META = ("Author", "Name", "Locale")
_META_LOWER = {name.lower() for name in META}


def parse_content(body: Any) -> dict[str, Any]:
    """The parts a detailcontent body sets, under their canonical names.

    Args:
        body: the decoded JSON body.

    Returns:
        Part name -> value (a string, a header object, or None) for the parts present in the body.

    Raises:
        EmulatorError: 400 for a non-object body, an unknown property or a value of the wrong type.
    """
    if not isinstance(body, dict):
        raise EmulatorError(400, "Invalid json input: expected a JSON object")
    parts: dict[str, Any] = {}
    for name, value in body.items():
        part = _BY_LOWER.get(str(name).lower())
        if part is None and str(name).lower() in _META_LOWER:
            if value is not None and not isinstance(value, str):
                raise EmulatorError(400, f'MJ08 Property "{name}" is invalid: expected a string or null')
            continue
        if part is None:
            raise EmulatorError(
                400, f'Invalid json input: property "{name}" is not one of {", ".join((*PARTS, *META))}'
            )
        expected = dict if part == "Headers" else str
        if value is not None and not isinstance(value, expected):
            kind = "an object" if part == "Headers" else "a string"
            raise EmulatorError(400, f'MJ08 Property "{part}" is invalid: expected {kind} or null')
        parts[part] = value if value != "" else None
    return parts


def merge_content(current: Mapping[str, Any] | None, sent: Mapping[str, Any], method: str) -> dict[str, Any]:
    """The content after a write.

    Args:
        current: the stored content (None when none was ever stored).
        sent: the parts of the request body (see `parse_content`).
        method: "POST" (parts not sent become None) or "PUT" (parts not sent are kept).

    Returns:
        A dict holding every part of `PARTS`.
    """
    base = {part: None for part in PARTS} if method == "POST" else {p: (current or {}).get(p) for p in PARTS}
    return {**base, **sent}


def content_response(content: Mapping[str, Any] | None, status: int = 200) -> Response:
    """The detailcontent answer: an envelope of one object, compact JSON with the new-style content type."""
    row = {part: (content or {}).get(part) for part in PARTS}
    return modern_response({"Count": 1, "Data": [row], "Total": 1}, status)


def has_content(content: Mapping[str, Any] | None) -> bool:
    """Whether a draft holds something to send: an HTML, text or MJML part."""
    return any((content or {}).get(part) for part in PARTS if part != "Headers")


def serve_content(
    ctx: ActionContext, current: Mapping[str, Any] | None, save: Callable[[dict[str, Any]], None]
) -> Response:
    """Answer one detailcontent request, whoever owns the content.

    Args:
        ctx: the sub-action request (GET reads; POST replaces; PUT patches; DELETE empties).
        current: the stored content, or None.
        save: stores the new content (and may refuse it by raising EmulatorError).

    Returns:
        The content after the request (201 after POST), or 204 after DELETE.
    """
    if ctx.method == "GET":
        return content_response(current)
    if ctx.method == "DELETE":
        save(merge_content(current, {}, "POST"))
        return Response(status_code=204)
    new = merge_content(current, parse_content(ctx.json()), ctx.method)
    save(new)
    return content_response(new, 201 if ctx.method == "POST" else 200)
