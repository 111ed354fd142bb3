"""The agent policy: who may touch which catalog area, how, and within which limits (deny by default).

The policy is data (`policy_model.py`) loaded from one TOML file (`load_policy`, see `policy_file.py` and
docs/agents.md). `decide(agent, request)` is the one pure function both faces (the MCP server and the HTTP
gateway) ask before anything reaches Mailjet. Areas come from the catalog (`Resource.area`, `Action.area`), never from
a list typed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mailjet_connector import catalog
from mailjet_connector.agents import tokens
from mailjet_connector.agents.policy_file import parse_policy_file
from mailjet_connector.agents.policy_model import Access, AgentPolicy, Limits, Policy
from mailjet_connector.catalog import Area, Verb
from mailjet_connector.catalog.endpoints import data_endpoint
from mailjet_connector.errors import PolicyError

__all__ = [
    "Access",
    "AgentPolicy",
    "Decision",
    "Limits",
    "Policy",
    "PolicyError",
    "Request",
    "SendInfo",
    "decide",
    "hash_token",
    "load_policy",
    "needs_lists",
]

hash_token = tokens.hash_token


@dataclass(frozen=True)
class SendInfo:
    """What a send call would do: how many recipients in total, and whether it is a SandboxMode call."""

    recipients: int
    sandbox: bool


@dataclass(frozen=True)
class Request:
    """One call an agent wants to make, as the policy sees it.

    Args:
        resource: catalog name (or Mailjet name) of the resource, None for paths outside the catalog
            (`/v3.1/send`, `/v4/contacts/{id}`), which then give `area`.
        verb: HTTP method; GET reads, POST/PUT/DELETE write.
        action: sub-action name (`managecontactslists`, `send`...), if any.
        area: the area when `resource` is None (ignored otherwise: the catalog says).
        send: recipients and SandboxMode for send calls.
        list_ids: the contacts lists the call touches (path, body, and the lists of the object written).
        data_type: the DATA API endpoint (`CSVData`...) under `resource`, for DATA paths.
        lists_problem: why the lists the call touches cannot be told (an Alt value naming no list, an
            object that cannot be found); a write is then refused when the agent's lists are limited.
    """

    resource: str | None
    verb: str
    action: str | None = None
    area: Area | None = None
    send: SendInfo | None = None
    list_ids: tuple[int, ...] = ()
    data_type: str | None = None
    lists_problem: str | None = None


@dataclass(frozen=True)
class Decision:
    """The verdict: allowed or not, why (one line, safe to show the agent), and the area it fell in."""

    allowed: bool
    reason: str
    area: Area | None


def _deny(reason: str, area: Area | None = None) -> Decision:
    return Decision(False, reason, area)


def _locate(request: Request) -> tuple[Area | None, str | None]:
    """The area of the request from the catalog, or (None, why not)."""
    if request.resource is None:
        return (request.area, None) if request.area is not None else (None, "unknown API path")
    resource = catalog.by_mailjet_name(request.resource)
    if resource is None:
        try:
            resource = catalog.get(request.resource)
        except catalog.UnknownResourceError:
            return None, f"unknown resource {request.resource!r}"
    verbs, area, what = resource.verbs, resource.area, resource.mailjet_name
    if request.data_type is not None:
        endpoint = data_endpoint(resource.name, request.data_type)
        if endpoint is None:
            return None, f"unknown DATA path {resource.mailjet_name}/{request.data_type}"
        verbs, what = endpoint.verbs, f"DATA {resource.mailjet_name}/{endpoint.data_type}"
    elif request.action is not None:
        action = resource.action(request.action)
        if action is None:
            return None, f"unknown action {request.action!r} on {resource.mailjet_name}"
        verbs, area, what = action.verbs, action.area or resource.area, f"{what}/{action.name}"
    if request.verb not in verbs:
        return None, f"{request.verb} is not allowed on {what}"
    return area, None


def decide(agent: AgentPolicy, request: Request, *, lists_known: bool = True) -> Decision:
    """Whether `agent` may make `request`, and why (pure: no I/O, no clock).

    Rules, in order: the path must map to a catalog resource/action (or a known area) supporting the verb;
    the area's access must be READ for GET and WRITE otherwise; then, for writes: `dry_run_only` refuses
    all but SandboxMode sends; a write in the send area that is not a SandboxMode send (live sends,
    campaign send/test/schedule) needs `send = "live"`, except DELETE (cancelling sends nothing);
    `max_recipients` caps a send; `allowed_lists` refuses writes that touch another list (named in the path
    or body, in ID or Alt form, or the list the written object belongs to: the faces look these up first),
    writes whose lists cannot be told (`lists_problem`), and lists-area writes that touch none (list creation).

    Args:
        agent: the agent's policy.
        request: the call it wants to make.
        lists_known: False for the first pass a face makes before looking lists up (`needs_lists`): every
            rule but `allowed_lists` is applied, so a call denied anyway costs no lookup.

    Returns:
        The decision; `reason` is one line meant for the agent and the audit log.
    """
    area, problem = _locate(request)
    if area is None:
        return _deny(problem or "unknown API path")
    verb = request.verb.upper()
    write = verb != Verb.GET
    access = agent.access(area)
    if access is Access.OFF:
        return _deny(f"agent {agent.name!r} has no access to area {area.value!r}", area)
    if write and access is not Access.WRITE:
        return _deny(f"agent {agent.name!r} may only read area {area.value!r}", area)
    if not write:
        return Decision(True, f"{area.value}: read allowed", area)
    return _check_write(agent, request, area, verb, lists_known)


def needs_lists(agent: AgentPolicy, request: Request) -> bool:
    """Whether deciding `request` needs the lists it touches looked up (a write by an agent with
    `allowed_lists`); the faces then resolve Alt values and the written object's list first."""
    return agent.limits.allowed_lists is not None and request.verb.upper() != Verb.GET


def _check_write(agent: AgentPolicy, request: Request, area: Area, verb: str, lists_known: bool) -> Decision:
    limits = agent.limits
    sandbox_send = request.send is not None and request.send.sandbox
    if limits.dry_run_only and not sandbox_send:
        return _deny(
            f"agent {agent.name!r} is dry-run only: writes are refused (SandboxMode sends pass)", area
        )
    if area is Area.SEND and verb != Verb.DELETE and not sandbox_send and not agent.send_live:
        return _deny(f'agent {agent.name!r} may only send in SandboxMode (policy: send = "sandbox")', area)
    recipients = request.send.recipients if request.send is not None else 0
    if limits.max_recipients is not None and recipients > limits.max_recipients:
        return _deny(f"{recipients} recipients exceed this agent's limit of {limits.max_recipients}", area)
    if limits.allowed_lists is not None and lists_known:
        if request.lists_problem is not None:
            return _deny(
                f"agent {agent.name!r} may only write to its allowed lists: {request.lists_problem}", area
            )
        others = sorted(set(request.list_ids) - limits.allowed_lists)
        if others:
            return _deny(f"agent {agent.name!r} may not write to contacts list {others[0]}", area)
        if area is Area.LISTS and not request.list_ids:
            # Creating a list, or a lists-area object that names no list: it touches no allowed list.
            return _deny(f"agent {agent.name!r} may only write to its allowed lists, named in the call", area)
    return Decision(True, f"{area.value}: write allowed", area)


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy TOML file (format: docs/agents.md).

    Args:
        path: the file; a relative `[audit] path` is resolved against its directory.

    Returns:
        The policy.

    Raises:
        PolicyError: unreadable file, bad TOML, or an invalid entry (the message names the agent and key).
    """
    return parse_policy_file(Path(path))
