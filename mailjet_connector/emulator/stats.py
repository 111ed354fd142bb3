"""Computed resources: statistics (statcounters and the legacy *statistics) derived from stored rows.

Every function here reads the same per-account digest (`stats_facts`), so all statistics agree with each
other and with the stored message, open, click and bounce rows. The modules by concept:
`stats_counters` (statcounters), `stats_history` (per message), `stats_entities` (per contact, list,
sender, campaign, domain, API key), `stats_overview` (account summaries, graphs, campaign overview),
`stats_engagement` (links, user agents, countries, mailbox providers, campaign timelines).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mailjet_connector.emulator import (
    stats_counters,
    stats_engagement,
    stats_entities,
    stats_history,
    stats_overview,
)
from mailjet_connector.emulator.frame import Frame
from mailjet_connector.emulator.state import Account, EmulatorState

# A compute function gets the state, the caller's account and the query parameters (names lower-cased,
# first occurrence only) and returns either JSON-ready rows in the resource's field order (small answers)
# or a `frame.Frame` of raw columns (answers that grow with the data: sorted, paged and cached by the
# listing layer, see `computed`). The REST layer then applies Sort/Offset/Limit/countOnly.
# Raise emulator.errors.EmulatorError for bad parameters.
ComputeFn = Callable[[EmulatorState, Account, Mapping[str, str]], "list[dict[str, Any]] | Frame"]

COMPUTED: dict[str, ComputeFn] = {
    "statcounters": stats_counters.statcounters,
    "messagehistory": stats_history.messagehistory,
    "messageinformation": stats_history.messageinformation,
    "messagesentstatistics": stats_history.messagesentstatistics,
    "contactstatistics": stats_entities.contactstatistics,
    "listrecipientstatistics": stats_entities.listrecipientstatistics,
    "senderstatistics": stats_entities.senderstatistics,
    "campaignstatistics": stats_entities.campaignstatistics,
    "liststatistics": stats_entities.liststatistics,
    "domainstatistics": stats_entities.domainstatistics,
    "apikeytotals": stats_entities.apikeytotals,
    "messagestatistics": stats_overview.messagestatistics,
    "openstatistics": stats_overview.openstatistics,
    "graphstatistics": stats_overview.graphstatistics,
    "campaignoverview": stats_overview.campaignoverview,
    "statistics_link_click": stats_engagement.statistics_link_click,
    "statistics_recipient_esp": stats_engagement.statistics_recipient_esp,
    "toplinkclicked": stats_engagement.toplinkclicked,
    "useragentstatistics": stats_engagement.useragentstatistics,
    "geostatistics": stats_engagement.geostatistics,
    "campaigngraphstatistics": stats_engagement.campaigngraphstatistics,
}
