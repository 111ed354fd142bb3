"""The `/v3/REST` protocol, resource-independent: authentication, routing, listing (filters, sort, paging), the
generic write pipeline driven by the catalog, sub-action dispatch, response envelopes, and `/v4` GDPR delete.

Modules: `endpoint` (the ASGI endpoint and its routing), `hooks` (the table of per-resource write rules and
sub-action handlers), `writes` (POST/PUT/DELETE semantics), `actions` (sub-action context and dispatch),
`listing`, `query`, `special`, `campaign_filters` (collection GETs), `keys` (an item from its URL segment),
`responses` (envelopes and error bodies), `gdpr` (`DELETE /v4/contacts/{id}`).
"""
