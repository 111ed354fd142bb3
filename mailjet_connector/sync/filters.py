"""User narrowing filters (campaigns, lists, deleted, starred, campaign status) mapped onto each resource's filters.

Each option applies to every resource that has a matching filter in the catalog, under the first matching
name below; resources without one are read whole. A filter that takes one value (not a comma list) is read
once per value. A narrowed full read cannot tell deleted rows from filtered-out ones, so it only merges.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mailjet_connector.catalog import Op, Resource

CAMPAIGN_FILTERS = ("CampaignID", "Campaign")
LIST_FILTERS = ("ContactsListID", "ContactsList")
STATUS_FILTERS = ("CampaignStatus",)
DELETED_FILTERS = ("ShowDeleted",)
STARRED_FILTERS = ("IsStarred",)
# Which option restricts the IDs of a parent resource (statcounters sources, per-campaign statistics).
PARENT_OPTION = {"campaign": "campaigns", "contactslist": "lists"}


@dataclass(frozen=True)
class Narrowing:
    """The narrowing options of a sync."""

    campaigns: tuple[int, ...] = ()
    lists: tuple[int, ...] = ()
    include_deleted: bool = False
    starred_only: bool = False
    campaign_status: tuple[int, ...] = ()

    def _options(self, res: Resource) -> list[tuple[str, list[Any]]]:
        """(filter name, values) for each option that applies to `res`."""
        wanted = [
            (CAMPAIGN_FILTERS, list(self.campaigns)),
            (LIST_FILTERS, list(self.lists)),
            (STATUS_FILTERS, list(self.campaign_status)),
            (STARRED_FILTERS, ["true"] if self.starred_only else []),
            (DELETED_FILTERS, ["true"] if self.include_deleted else []),
        ]
        found = []
        for names, values in wanted:
            flt = next((res.filter(n) for n in names if res.filter(n) is not None), None)
            if flt is not None and values:
                found.append((flt.name, [",".join(map(str, values))] if flt.op is Op.IN else values))
        return found

    def narrows(self, res: Resource) -> bool:
        """Whether an option removes rows of `res` (ShowDeleted only adds rows)."""
        return any(name not in DELETED_FILTERS for name, _ in self._options(res))

    def filter_sets(self, res: Resource) -> list[dict[str, Any]]:
        """The filter dicts to read `res` with: one per combination of single-valued filters."""
        options = self._options(res)
        names = [name for name, _ in options]
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*(v for _, v in options))]

    def parent_ids(self, parent: str, ids: Sequence[int]) -> list[int]:
        """`ids` of a parent resource, restricted by the matching option when it is set."""
        option = PARENT_OPTION.get(parent)
        chosen = set(getattr(self, option)) if option else set()
        return [i for i in ids if not chosen or i in chosen]
