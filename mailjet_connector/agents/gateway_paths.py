"""Which catalog resource, action and area a Mailjet URL names, for the gateway's policy check.

Paths (mailjet-api.md §1.1): `/v3/REST/{resource}[/{id}[/{action}[/{job}]]]` and collection actions
`/v3/REST/{resource}/{action}[/{job}]`; `/v3/DATA/{sourceType}/{sourceId}/...` (the source's resource);
`POST /v3/send` and `POST /v3.1/send` (area send); `DELETE /v4/contacts/{id}` (GDPR delete, area contacts).
Anything else maps to no resource and is denied.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailjet_connector import catalog
from mailjet_connector.agents.payloads import as_list_id
from mailjet_connector.catalog import Area, Resource

LIST_RESOURCE = "contactslist"


@dataclass(frozen=True)
class Target:
    """What a URL points at.

    Args:
        resource: catalog name, or the unknown name as given, or None outside REST/DATA.
        action: sub-action name, if any.
        area: the area for paths outside the catalog (send, v4 contacts).
        send_version: "v3" or "v3.1" for Send API calls, else None.
        list_ids: contacts lists named in the path.
        secret_fields: catalog fields marked secret in this resource (scrubbed from answers).
    """

    resource: str | None = None
    action: str | None = None
    area: Area | None = None
    send_version: str | None = None
    list_ids: tuple[int, ...] = ()
    secret_fields: tuple[str, ...] = ()


UNKNOWN = Target()


def classify(method: str, path: str) -> Target:
    """The target of `method path` (no query string).

    Returns:
        The target; `UNKNOWN` (no resource, no area) for paths the gateway does not serve.
    """
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2:
        return UNKNOWN
    version, api = parts[0].lower(), parts[1].lower()
    if version in ("v3", "v3.1") and api == "send" and len(parts) == 2:
        return Target(area=Area.SEND, send_version=version) if method == "POST" else UNKNOWN
    if version == "v4" and api == "contacts" and len(parts) == 3 and method == "DELETE":
        return Target(area=Area.CONTACTS)
    if version == "v3" and api == "rest" and len(parts) >= 3:
        return _rest(parts[2:])
    if version == "v3" and api == "data" and len(parts) >= 4:
        return _data(parts[2], parts[3])
    return UNKNOWN


def _rest(parts: list[str]) -> Target:
    resource, used = _resource(parts)
    if resource is None:
        return Target(resource=parts[0])
    rest = parts[used:]
    if not rest:
        return _target(resource)
    collection_action = resource.action(rest[0])
    if collection_action is not None and collection_action.scope == "collection":
        return _target(resource, action=collection_action.name)
    item = rest[0]
    action = rest[1] if len(rest) > 1 else None
    return _target(resource, action=action, item=item)


def _data(source_type: str, source_id: str) -> Target:
    resource = catalog.by_mailjet_name(source_type)
    if resource is None:
        return Target(resource=source_type)
    return _target(resource, item=source_id)


def _resource(parts: list[str]) -> tuple[Resource | None, int]:
    """The resource named by the first one or two path segments (`statistics/link-click`)."""
    if len(parts) >= 2:
        found = catalog.by_mailjet_name(f"{parts[0]}/{parts[1]}")
        if found is not None:
            return found, 2
    return catalog.by_mailjet_name(parts[0]), 1


def _target(resource: Resource, *, action: str | None = None, item: str | None = None) -> Target:
    lists = (as_list_id(item),) if item is not None and resource.name == LIST_RESOURCE else ()
    secrets = tuple(f.name for f in resource.fields if f.secret)
    return Target(resource=resource.name, action=action, list_ids=lists, secret_fields=secrets)
