"""Mailjet's template language, the part the emulator speaks: `{{var:name}}` and `{{var:name:"default"}}`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

# {{var:name}}, {{var:name:"default"}}, {{var:name:'default'}} or {{var:name:default}}; spaces allowed
# inside the braces. `data:` (contact properties) uses the same shape and reads contactdata.
_TAG = re.compile(
    r"\{\{\s*(var|data):([A-Za-z0-9_.\-]+)\s*(?::\s*(?:\"([^\"]*)\"|'([^']*)'|([^}\s][^}]*?)))?\s*\}\}"
)


@dataclass
class Rendering:
    """The result of rendering several parts with one set of variables.

    Attributes:
        parts: part name -> rendered text (None stays None).
        missing: `var:`/`data:` names used without a value nor a default, each once, in order of appearance.
    """

    parts: dict[str, str | None] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Whether the template language met an error (a missing variable without default)."""
        return bool(self.missing)


def text_value(value: Any) -> str:
    """How a variable value is written into the text (strings as is, other JSON as JSON)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return orjson.dumps(value).decode()


def render_text(text: str, variables: Mapping[str, Any], data: Mapping[str, Any], missing: list[str]) -> str:
    """Replace every tag of `text`; names without value nor default are appended to `missing`.

    Args:
        text: the part to render.
        variables: the message's Variables (`var:` tags).
        data: the recipient's contact properties (`data:` tags).
        missing: collects the names that could not be resolved (rendered as "").

    Returns:
        The rendered text.
    """

    def replace(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2)
        source = variables if kind == "var" else data
        if name in source:
            return text_value(source[name])
        default = next((g for g in match.groups()[2:] if g is not None), None)
        if default is not None:
            return default
        missing.append(f"{kind}:{name}")
        return ""

    return _TAG.sub(replace, text)


def render_parts(
    parts: Mapping[str, str | None],
    variables: Mapping[str, Any],
    data: Mapping[str, Any] | None = None,
) -> Rendering:
    """Render several parts (Subject, TextPart, HTMLPart ...) with the same variables.

    Args:
        parts: part name -> text or None.
        variables: `var:` values.
        data: `data:` values (contact properties), empty by default.

    Returns:
        The rendered parts and the unresolved names.
    """
    result = Rendering()
    for name, text in parts.items():
        result.parts[name] = (
            None if text is None else render_text(text, variables, data or {}, result.missing)
        )
    result.missing = list(dict.fromkeys(result.missing))  # a name used in several parts is one error
    return result
