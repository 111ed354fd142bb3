"""The table of Mailjet resources, transcribed from mailjet-api.md §2-§3 and assembled from one file per domain.

Entries live in `resources_<domain>.py` (data only); shared parts (counters, CSF/ESF filter sets, text-filter
variants) in `resources_parts.py`; documented enumerations in `enums.py`. The order here is the catalog order.
"""

from __future__ import annotations

from mailjet_connector.catalog.model import Resource
from mailjet_connector.catalog.resources_account import (
    ACCOUNT_RESOURCES,
    APIKEY,
    BATCHJOB,
    DNS,
    EVENTCALLBACKURL,
    METASENDER,
    MYPROFILE,
    PARSEROUTE,
    PREFERENCES,
    SENDER,
    USER,
)
from mailjet_connector.catalog.resources_campaigns import (
    CAMPAIGN,
    CAMPAIGN_RESOURCES,
    CAMPAIGNDRAFT,
    CAMPAIGNOVERVIEW,
    NEWSLETTER,
    TEMPLATE,
)
from mailjet_connector.catalog.resources_contacts import (
    CONTACT,
    CONTACT_RESOURCES,
    CONTACTDATA,
    CONTACTFILTER,
    CONTACTHISTORYDATA,
    CONTACTMETADATA,
    CONTACTSLIST,
    CONTACTSLISTSIGNUP,
    CSVIMPORT,
    LISTRECIPIENT,
)
from mailjet_connector.catalog.resources_events import EVENT_RESOURCES, STATCOUNTERS
from mailjet_connector.catalog.resources_messages import (
    MESSAGE,
    MESSAGE_RESOURCES,
    MESSAGEHISTORY,
    MESSAGESTATE,
)
from mailjet_connector.catalog.resources_rare import RARE_RESOURCES
from mailjet_connector.catalog.resources_stats import STAT_RESOURCES

RESOURCES: tuple[Resource, ...] = (
    *CONTACT_RESOURCES,
    *MESSAGE_RESOURCES,
    *CAMPAIGN_RESOURCES,
    *EVENT_RESOURCES,
    *STAT_RESOURCES,
    *ACCOUNT_RESOURCES,
    *RARE_RESOURCES,
)

__all__ = [
    "APIKEY",
    "BATCHJOB",
    "CAMPAIGN",
    "CAMPAIGNDRAFT",
    "CAMPAIGNOVERVIEW",
    "CONTACT",
    "CONTACTDATA",
    "CONTACTFILTER",
    "CONTACTHISTORYDATA",
    "CONTACTMETADATA",
    "CONTACTSLIST",
    "CONTACTSLISTSIGNUP",
    "CSVIMPORT",
    "DNS",
    "EVENTCALLBACKURL",
    "LISTRECIPIENT",
    "MESSAGE",
    "MESSAGEHISTORY",
    "MESSAGESTATE",
    "METASENDER",
    "MYPROFILE",
    "NEWSLETTER",
    "PARSEROUTE",
    "PREFERENCES",
    "RESOURCES",
    "SENDER",
    "STATCOUNTERS",
    "TEMPLATE",
    "USER",
]
