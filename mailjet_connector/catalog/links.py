"""Link properties (mailjet-api.md §1.7): which fields point at which resource, how a write may spell them, and
which resources' objects belong to another (a listrecipient to its list, a widget's custom value to a list
through its widget).

A link field `XID` (`Field.link`) may be given on writes by ID as `XID`, or by the target's alternate key as
`XAlt` (any case, `XALT`); this module derives every spelling from the catalog's fields, action body fields and
their nested `items`, so no list of names is typed anywhere else. Names are compared folded (Unicode NFKC,
then case-folded), the way a lenient parser might compare them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

from mailjet_connector.catalog.model import Field, Resource
from mailjet_connector.catalog.resources import RESOURCES

__all__ = ["LinkForm", "LinkSpelling", "belongs_to", "fold", "match_link", "owner_links", "spellings"]

LinkForm = Literal["id", "alt"]
MAX_OWNER_DEPTH = 3  # widgetcustomvalue -> widget -> contactslist is two hops


def fold(name: str) -> str:
    """`name` as a lenient parser might compare it: NFKC-normalised, then case-folded."""
    return unicodedata.normalize("NFKC", name).casefold()


@dataclass(frozen=True)
class LinkSpelling:
    """The spellings of one link: `ListID` by ID, `ListAlt` by alternate key, and `List` (bare, treated as an ID).

    Args:
        id_name: the ID form as the catalog spells it.
        target: catalog name of the linked resource.
    """

    id_name: str
    target: str

    @property
    def base(self) -> str:
        return self.id_name[:-2] if self.id_name.endswith("ID") else self.id_name

    @property
    def alt_name(self) -> str:
        return self.base + "Alt"


def _all_fields() -> Iterator[Field]:
    def walk(fields: tuple[Field, ...]) -> Iterator[Field]:
        for field in fields:
            yield field
            yield from walk(field.items)

    for resource in RESOURCES:
        yield from walk(resource.fields)
        for action in resource.actions:
            yield from walk(action.fields)


@cache
def spellings(target: str) -> dict[str, tuple[LinkSpelling, LinkForm]]:
    """Every folded key that names a `target` object on writes -> (its spelling, "id" or "alt").

    Built from every catalog field (resource, action body, nested item) whose `link` is `target`: for `ListID`,
    the keys `listid` and `list` name it by ID, `listalt` by alternate key.
    """
    found: dict[str, tuple[LinkSpelling, LinkForm]] = {}
    for field in _all_fields():
        if field.link != target:
            continue
        spelling = LinkSpelling(field.name, target)
        found[fold(spelling.id_name)] = (spelling, "id")
        found.setdefault(fold(spelling.base), (spelling, "id"))
        found[fold(spelling.alt_name)] = (spelling, "alt")
    return found


def match_link(key: str, target: str) -> tuple[LinkSpelling, LinkForm] | None:
    """The link to `target` that body key `key` names (any case, ID or Alt form), or None."""
    return spellings(target).get(fold(key))


@cache
def owner_links(target: str) -> dict[str, tuple[Field, ...]]:
    """Resources whose objects belong to a `target` object -> the fields that lead there.

    A resource belongs to `target` when one of its fields links to `target` (listrecipient `ListID`, widget
    `ListID`, campaigndraft `ContactsListID`...), or when a required link makes it part of a resource that
    belongs to `target` (widgetcustomvalue's `WidgetID`), up to `MAX_OWNER_DEPTH` hops. Optional links to
    other objects (a draft's `AXTestingID`) are references, not ownership.
    """
    owners: dict[str, tuple[Field, ...]] = {}
    for _ in range(MAX_OWNER_DEPTH):
        for resource in RESOURCES:
            if resource.name == target:
                continue
            leading = tuple(
                f
                for f in resource.fields
                if f.link == target or (f.required and f.link in owners and f.link != resource.name)
            )
            if leading:
                owners[resource.name] = leading
    return owners


def belongs_to(resource: Resource, target: str) -> bool:
    """Whether objects of `resource` belong to a `target` object (see `owner_links`)."""
    return resource.name in owner_links(target)
