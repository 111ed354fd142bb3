"""The sync's narrowing flags (every filter of Mailjet's Domo connector guide, seed 002) and what each narrows.

One place says which catalog filter expresses each flag on which resource: `Narrowing.reads(res)` gives the
reads of a resource (filter sets, or keyed reads by ID), and `narrowed_resources()` lists, per flag, the
resources it narrows (docs/sync.md shows that table; a test keeps the two equal).

- `--campaign ID`: every resource with a `CampaignID`/`Campaign` filter; campaignstatistics by key
  (`campaignstatistics/{CampaignID}`); statcounters (Campaign source only) and per-campaign statistics.
- `--list ID`: every resource with a `ContactsListID`/`ContactsList` filter; contactslist by key; resources
  that filter by campaign only (message) through the campaigns sent to the list; statcounters (List source).
- Deleted campaigns and lists are left out by default (`IsDeleted=false` on the campaign and list objects,
  `IgnoreDeleted=true` on listrecipient; a row that becomes deleted is marked `_mj_deleted_at`);
  `include_deleted_campaigns` / `include_deleted_lists` read them as plain rows (`is_deleted` true).
- `starred_only`, `campaign_status`, `newsletter_tool` (True only those made with the newsletter tool,
  False none of them), `segment_status` (contactfilter `Status`, one read per value).

A filter that takes one value (not a comma list) is read once per value. A narrowed full read cannot tell
deleted rows from filtered-out ones, so it only merges; the deletion filters are the exception (a row that
leaves an `IsDeleted=false` read is deleted).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mailjet_connector import catalog
from mailjet_connector.catalog import Op, Resource

CAMPAIGN_FILTERS = ("CampaignID", "Campaign")
LIST_FILTERS = ("ContactsListID", "ContactsList")
# Resources whose rows are campaigns or lists themselves: their IsDeleted is what the deleted options mean.
# (Event and message resources keep the rows of deleted campaigns: those messages were sent; their
# IsDeleted joins the campaign, and a campaign-less transactional message would be dropped by it.)
CAMPAIGN_OBJECTS = ("campaign", "campaignstatistics", "campaigndraft", "newsletter")
LIST_OBJECTS = ("contactslist", "liststatistics")
# Which option restricts the IDs of a parent resource (statcounters sources, per-campaign statistics).
PARENT_OPTION = {"campaign": "campaigns", "contactslist": "lists"}
# Resources read by key when an ID option names their rows and they have no filter for it.
KEYED = {"campaigns": ("campaignstatistics",), "lists": ("contactslist",)}
SEGMENT_STATUSES = catalog.enums.CONTACTFILTER_STATUSES

# Flag -> the Narrowing attribute it sets (the CLI's spelling, for docs and messages).
FLAGS = {
    "--campaign": "campaigns",
    "--list": "lists",
    "--include-deleted-campaigns": "include_deleted_campaigns",
    "--include-deleted-lists": "include_deleted_lists",
    "--starred-only": "starred_only",
    "--campaign-status": "campaign_status",
    "--newsletter-tool/--no-newsletter-tool": "newsletter_tool",
    "--segment-status": "segment_status",
}


@dataclass(frozen=True)
class Read:
    """How one resource is read under the narrowing: filter sets (one listing each) or keys (one GET each)."""

    filter_sets: tuple[dict[str, Any], ...] = ({},)
    keys: tuple[int, ...] | None = None  # read by ID instead of listing
    narrowed: bool = False  # rows are left out (deleted rows cannot be told apart: merge only)


@dataclass(frozen=True)
class Narrowing:
    """The narrowing options of a sync (see the module docstring).

    Args:
        list_campaigns: the campaigns sent to `lists`, resolved by the sync (`resolve`) for resources that
            filter by campaign but not by list.
    """

    campaigns: tuple[int, ...] = ()
    lists: tuple[int, ...] = ()
    include_deleted_campaigns: bool = False
    include_deleted_lists: bool = False
    starred_only: bool = False
    campaign_status: tuple[int, ...] = ()
    newsletter_tool: bool | None = None
    segment_status: tuple[str, ...] = ()
    list_campaigns: tuple[int, ...] | None = None

    def _options(self, res: Resource) -> list[tuple[str, list[Any], bool]]:
        """(filter name, values, narrows) for each option that applies to `res`."""
        found: list[tuple[str, list[Any], bool]] = []

        def add(names: Sequence[str], values: list[Any], narrows: bool = True) -> None:
            flt = _first_filter(res, names)
            if flt is not None:  # no values (a list no campaign was sent to): nothing to read
                joined = [",".join(map(str, values))] if flt.op is Op.IN and values else values
                found.append((flt.name, joined, narrows))

        campaigns = list(self.campaigns)
        if self.lists and _first_filter(res, LIST_FILTERS) is None and res.name not in KEYED["lists"]:
            # Only a campaign filter: the campaigns sent to the lists stand for them (message by list).
            via = list(self.list_campaigns or ())
            campaigns = [c for c in campaigns if c in via] if campaigns else via
            if _first_filter(res, CAMPAIGN_FILTERS) is not None and res.name not in KEYED["campaigns"]:
                add(CAMPAIGN_FILTERS, campaigns)
                campaigns = []
        elif self.lists:
            add(LIST_FILTERS, list(self.lists))
        if campaigns and res.name not in KEYED["campaigns"]:
            add(CAMPAIGN_FILTERS, campaigns)
        if self.campaign_status:
            add(("CampaignStatus",), list(self.campaign_status))
        if self.starred_only:
            add(("IsStarred",), ["true"])
        if self.newsletter_tool is not None:
            add(("IsNewsletterTool",), ["true" if self.newsletter_tool else "false"])
        if self.segment_status and res.name == "contactfilter":
            add(("Status",), list(self.segment_status))
        if res.name == "contactfilter" and "deleted" in self.segment_status:
            add(("ShowDeleted",), ["true"], narrows=False)
        if res.name in CAMPAIGN_OBJECTS and not self.include_deleted_campaigns:
            add(("IsDeleted",), ["false"], narrows=False)
        if res.name in LIST_OBJECTS and not self.include_deleted_lists:
            add(("IsDeleted",), ["false"], narrows=False)
        if res.name == "listrecipient" and not self.include_deleted_lists:
            add(("IgnoreDeleted",), ["true"], narrows=False)
        return found

    def _keys(self, res: Resource) -> tuple[int, ...] | None:
        for option, names in KEYED.items():
            ids = getattr(self, option)
            if ids and res.name in names:
                return tuple(ids)
        return None

    def reads(self, res: Resource) -> Read:
        """How `res` is read: its filter sets (one per combination of single-valued filters) or its keys."""
        options = self._options(res)
        keys = self._keys(res)
        names = [name for name, _, _ in options]
        sets = tuple(
            dict(zip(names, combo, strict=True)) for combo in itertools.product(*(v for _, v, _ in options))
        )
        narrowed = keys is not None or any(narrows for _, _, narrows in options)
        return Read(sets, keys, narrowed)

    def narrows(self, res: Resource) -> bool:
        """Whether an option removes rows of `res` other than deleted ones."""
        return self.reads(res).narrowed

    def filter_sets(self, res: Resource) -> list[dict[str, Any]]:
        """The filter dicts to list `res` with (none: nothing to read)."""
        return list(self.reads(res).filter_sets)

    def parent_ids(self, parent: str, ids: Sequence[int]) -> list[int]:
        """`ids` of a parent resource, restricted by the matching option when it is set."""
        option = PARENT_OPTION.get(parent)
        chosen = set(getattr(self, option)) if option else set()
        return [i for i in ids if not chosen or i in chosen]

    def counter_sources(self, sources: Sequence[str]) -> list[str]:
        """statcounters sources under the narrowing: `--campaign` and `--list` keep their own source only."""
        if not self.campaigns and not self.lists:
            return list(sources)
        wanted = {"Campaign"} if self.campaigns else set()
        wanted |= {"List"} if self.lists else set()
        return [s for s in sources if s in wanted]


def _first_filter(res: Resource, names: Sequence[str]) -> Any:
    """The first of the filters `names` that `res` has, or None."""
    return next((res.filter(n) for n in names if res.filter(n) is not None), None)


def narrowed_resources(resources: Sequence[Resource]) -> dict[str, list[str]]:
    """Flag -> the resources (of `resources`) it narrows (the deleted flags: widens); the docs table."""
    probes = {
        "--campaign": Narrowing(campaigns=(1,)),
        "--list": Narrowing(lists=(1,), list_campaigns=(1,)),
        "--starred-only": Narrowing(starred_only=True),
        "--campaign-status": Narrowing(campaign_status=(2,)),
        "--newsletter-tool/--no-newsletter-tool": Narrowing(newsletter_tool=True),
        "--segment-status": Narrowing(segment_status=("used",)),
    }
    plain = Narrowing()
    # statcounters and per-parent resources have builders of their own: listed by hand below.
    listed = [r for r in resources if r.parent is None and r.name != "statcounters"]
    per_campaign = [r.name for r in resources if r.parent is not None and r.parent[0] == "campaign"]

    def changed(probe: Narrowing, keep: Any = lambda r: True) -> list[str]:
        return [r.name for r in listed if keep(r) and probe.reads(r) != plain.reads(r)]

    table = {flag: changed(probe) for flag, probe in probes.items()}
    table["--campaign"] += ["statcounters (Campaign source)", *per_campaign]
    table["--list"] += ["statcounters (List source)", *per_campaign]
    deleted = Narrowing(include_deleted_campaigns=True, include_deleted_lists=True)
    table["--include-deleted-campaigns"] = [
        *changed(deleted, lambda r: r.name in CAMPAIGN_OBJECTS),
        "statcounters (Campaign source)",
        *per_campaign,
    ]
    table["--include-deleted-lists"] = [
        *changed(deleted, lambda r: r.name not in CAMPAIGN_OBJECTS),
        "statcounters (List source)",
    ]
    return table
