"""What each REST resource does beyond the generic pipeline, in one table: write rules and sub-action handlers.

The app hands both tables to the REST endpoint (and to the routes that act on resources), which passes the
rules down to every write and job (`WriteContext.rules`). A resource missing from `RULES` gets the no-op
defaults; a catalog action missing from `ACTIONS` answers 501.
"""

from __future__ import annotations

from mailjet_connector.emulator.jobs import bulk, csvimport
from mailjet_connector.emulator.lifecycle import parse
from mailjet_connector.emulator.resources import (
    callbacks,
    campaigns,
    contacts,
    senders,
    subscriptions,
    templates,
)
from mailjet_connector.emulator.rest.actions import Handler
from mailjet_connector.emulator.rest.writes import Rules
from mailjet_connector.emulator.send.campaign import DRAFT_RESOURCES

# Catalog name -> write rules.
RULES: dict[str, Rules] = {
    "contact": contacts.ContactRules(),
    "contactslist": contacts.ContactsListRules(),
    "listrecipient": contacts.ListRecipientRules(),
    "contactdata": contacts.ContactDataRules(),
    **{name: campaigns.DraftRules() for name in DRAFT_RESOURCES},
    "sender": senders.SenderRules(),
    "eventcallbackurl": callbacks.EventCallbackRules(),
    "parseroute": parse.ParseRouteRules(),
    "csvimport": csvimport.CsvImportRules(),
}

# (catalog name, lower-cased action name) -> handler.
ACTIONS: dict[tuple[str, str], Handler] = {
    ("contact", "getcontactslists"): subscriptions.get_contacts_lists,
    ("contact", "managecontactslists"): subscriptions.manage_contacts_lists,
    ("contactslist", "managecontact"): subscriptions.manage_contact,
    ("contact", "managemanycontacts"): bulk.contact_manage_many,
    ("contactslist", "managemanycontacts"): bulk.list_manage_many,
    ("contactslist", "importlist"): bulk.import_list,
    ("dns", "check"): senders.dns_check,
    ("sender", "validate"): senders.sender_validate,
    ("eventcallbackurl", "test"): callbacks.send_test_event,
    ("template", "detailcontent"): templates.detailcontent,
    **{(name, "detailcontent"): campaigns.detailcontent for name in DRAFT_RESOURCES},
    **{(name, "test"): campaigns.send_test for name in DRAFT_RESOURCES},
    **{(name, "send"): campaigns.send_now for name in DRAFT_RESOURCES},
    **{(name, "schedule"): campaigns.schedule for name in DRAFT_RESOURCES},
    **{(name, "status"): campaigns.status for name in DRAFT_RESOURCES},
}
