"""The policy matrix: one call per catalog area x verb, built from the catalog, and the expected verdicts.

Shared by the gateway matrix (HTTP paths) and the MCP matrix (the `request` of each case).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.agents.policy import Access, Request, SendInfo
from mailjet_connector.catalog import Area, Verb

MISSING_ID = 987_654  # no row has it: writes reach the emulator and fail there, harmlessly
SANDBOX_BODY = {
    "SandboxMode": True,
    "Messages": [
        {
            "From": {"Email": "news@example.com"},
            "To": [{"Email": "m@example.org"}],
            "Subject": "matrix",
            "TextPart": "matrix",
        }
    ],
}


@dataclass(frozen=True)
class Case:
    """One call of the matrix: its area and verb, the policy request, and the HTTP call that makes it."""

    area: Area
    verb: Verb
    request: Request
    method: str
    path: str
    body: Any = None
    supported: bool = True  # False: no resource of the area has this verb, so it is always denied

    @property
    def id(self) -> str:
        return f"{self.area.value}-{self.verb.value}"


def expected(access: Access, case: Case, *, send_live: bool = False) -> bool:
    """What the policy says, restated: read needs READ, write needs WRITE; non-sandbox sends need live."""
    if not case.supported or access is Access.OFF:
        return False
    if case.verb is Verb.GET:
        return True
    if access is not Access.WRITE:
        return False
    sends = case.area is Area.SEND and case.verb is not Verb.DELETE
    sandbox = case.request.send is not None and case.request.send.sandbox
    return not sends or sandbox or send_live


def _rest_case(area: Area, verb: Verb) -> Case:
    """A call in `area` with `verb` on a plain REST resource (or an item action of that area)."""
    for resource in catalog.all_resources():
        if resource.area is area and verb in resource.verbs and resource.api == "REST":
            path = f"/v3/REST/{resource.mailjet_name}"
            if verb in (Verb.PUT, Verb.DELETE):
                path += f"/{MISSING_ID}"
            return Case(
                area,
                verb,
                Request(resource.name, verb.value),
                verb.value,
                path,
                {} if verb in (Verb.POST, Verb.PUT) else None,
            )
    for resource in catalog.all_resources():
        for action in resource.actions:
            if action.area is area and verb in action.verbs and action.scope == "item":
                path = f"/v3/REST/{resource.mailjet_name}/{MISSING_ID}/{action.name}"
                request = Request(resource.name, verb.value, action=action.name)
                body = {} if verb in (Verb.POST, Verb.PUT) else None
                return Case(area, verb, request, verb.value, path, body)
    fallback = next(r for r in catalog.all_resources() if r.area is area)
    path = f"/v3/REST/{fallback.mailjet_name}" + (f"/{MISSING_ID}" if verb in (Verb.PUT, Verb.DELETE) else "")
    return Case(area, verb, Request(fallback.name, verb.value), verb.value, path, None, supported=False)


def matrix_cases() -> list[Case]:
    """Every area x verb; a POST in the send area is a SandboxMode /v3.1/send."""
    cases = []
    for area in Area:
        for verb in Verb:
            if area is Area.SEND and verb is Verb.POST:
                request = Request(None, "POST", area=Area.SEND, send=SendInfo(1, True))
                cases.append(Case(area, verb, request, "POST", "/v3.1/send", SANDBOX_BODY))
            else:
                cases.append(_rest_case(area, verb))
    return cases


LIVE_SEND = Case(
    Area.SEND,
    Verb.POST,
    Request(None, "POST", area=Area.SEND, send=SendInfo(1, False)),
    "POST",
    "/v3.1/send",
    {**SANDBOX_BODY, "SandboxMode": False},
)
