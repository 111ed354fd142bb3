"""Which email addresses Mailjet accepts, as far as public sources tell, and the assumptions past that.

Rules (RFC 5321 lengths, RFC 5322 dot-atoms, RFC 6531 for non-ASCII):
- at most 254 characters in all, at most 64 before the `@`, exactly one `@`;
- the local part is a dot-atom: atext characters (letters, digits, ``!#$%&'*+/=?^_`{|}~-``) or any
  non-ASCII character (a recorded Mailjet answer finds `nonçascii@example.com`), in dot-separated runs,
  so no leading, trailing or doubled dot;
- the domain has at least two labels (a dotted domain), none empty, each 1-63 characters of letters, digits
  and inner hyphens (non-ASCII letters allowed), at most 253 characters; the last label is alphabetic (two
  or more letters) or an A-label (`xn--...`).
Assumed, not confirmed: quoted local parts (`"a b"@x.org`) and address literals (`a@[127.0.0.1]`) are refused;
the same rules apply to contacts, senders, bulk contact jobs and the Send API (`mj-0013` there).
"""

from __future__ import annotations

import re

MAX_ADDRESS = 254
MAX_LOCAL = 64
MAX_DOMAIN = 253
MAX_LABEL = 63

_ATOM = r"(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]|[^\x00-\x7f])+"
_LOCAL = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*$")
_LABEL = re.compile(r"^[^\W_](?:(?:[^\W_]|-)*[^\W_])?$")
_TLD = re.compile(r"^(?:[^\W\d_]{2,}|xn--[A-Za-z0-9-]+)$")


def is_email(value: str) -> bool:
    """Whether `value` is an address Mailjet accepts (see the module docstring for the rules)."""
    if not isinstance(value, str) or len(value) > MAX_ADDRESS or value.count("@") != 1:
        return False
    local, domain = value.split("@")
    if not local or len(local) > MAX_LOCAL or not _LOCAL.match(local):
        return False
    labels = domain.split(".")
    if len(domain) > MAX_DOMAIN or len(labels) < 2:
        return False
    if not all(0 < len(label) <= MAX_LABEL and _LABEL.match(label) for label in labels):
        return False
    return bool(_TLD.match(labels[-1]))
