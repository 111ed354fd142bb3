"""Computed resources: statistics (statcounters and the legacy *statistics) derived from stored rows.

Every function here reads the same per-account digest (`facts`), so all statistics agree with each
other and with the stored message, open, click and bounce rows. The modules by concept:
`counters` (statcounters), `history` (per message), `entities` (per contact, list,
sender, campaign, domain, API key), `overview` (account summaries, graphs, campaign overview),
`engagement` (links, user agents, countries, mailbox providers, campaign timelines).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mailjet_connector.emulator.frame import Frame
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.stats import counters, engagement, entities, history, overview

# A compute function gets the state, the caller's account and the query parameters (names lower-cased,
# first occurrence only) and returns either JSON-ready rows in the resource's field order (small answers)
# or a `frame.Frame` of raw columns (answers that grow with the data: sorted, paged and cached by the
# listing layer, see `computed`). The REST layer then applies Sort/Offset/Limit/countOnly.
# Raise emulator.errors.EmulatorError for bad parameters.
ComputeFn = Callable[[EmulatorState, Account, Mapping[str, str]], "list[dict[str, Any]] | Frame"]

COMPUTED: dict[str, ComputeFn] = {
    "statcounters": counters.statcounters,
    "messagehistory": history.messagehistory,
    "messageinformation": history.messageinformation,
    "messagesentstatistics": history.messagesentstatistics,
    "contactstatistics": entities.contactstatistics,
    "listrecipientstatistics": entities.listrecipientstatistics,
    "senderstatistics": entities.senderstatistics,
    "campaignstatistics": entities.campaignstatistics,
    "liststatistics": entities.liststatistics,
    "domainstatistics": entities.domainstatistics,
    "apikeytotals": entities.apikeytotals,
    "messagestatistics": overview.messagestatistics,
    "openstatistics": overview.openstatistics,
    "graphstatistics": overview.graphstatistics,
    "campaignoverview": overview.campaignoverview,
    "statistics_link_click": engagement.statistics_link_click,
    "statistics_recipient_esp": engagement.statistics_recipient_esp,
    "toplinkclicked": engagement.toplinkclicked,
    "useragentstatistics": engagement.useragentstatistics,
    "geostatistics": engagement.geostatistics,
    "campaigngraphstatistics": engagement.campaigngraphstatistics,
}
