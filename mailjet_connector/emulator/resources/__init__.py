"""What particular REST resources do beyond the generic pipeline: their write rules and sub-actions.

Modules: `contacts` (contact, contactslist, listrecipient, contactdata rules), `properties` (contact property
values), `subscriptions` (contact and list subscription sub-actions), `campaigns` and `content` (drafts and
their detailcontent), `templates`, `senders` and `dns` (sender validation and domains), `callbacks`
(eventcallbackurl). The rules and handlers are listed in one table, `rest.hooks`.
"""
