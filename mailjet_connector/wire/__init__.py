"""Wire-level facts of the Mailjet API that the client side and the emulator share.

A small package with no dependencies: it imports nothing from the rest of the project and nothing outside
the standard library, so the emulator (which otherwise imports only the catalog) and the client, sync,
webhooks and CLI can all use the one spelling of each fact:

- `basic_auth`: HTTP Basic credentials, parsed and built (Mailjet's only authentication scheme);
- `addresses`: which email addresses Mailjet accepts (RFC 5321 lengths, a dotted domain, the assumptions);
- `rates`: the one grammar of a rate limit (`300/min`, `2.5/s`, `1000/10s`);
- `timestamps`: Mailjet's timestamps (RFC 3339 UTC with `Z`, second precision, `""` when empty) and the
  spellings accepted on input;
- `events`: the Event API payload schema (fields, types, order per event type) and the Parse API fields;
- `urls`: masking the password of a URL for logs and answers.
"""
