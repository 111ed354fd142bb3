"""Email addresses as Mailjet accepts them (#18 item 9): RFC 5321 lengths, a dotted domain, no empty labels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.wire.addresses import MAX_ADDRESS, MAX_LOCAL, is_email

# The addresses the issue found accepted by contact create and managemanycontacts.
ISSUE_ADDRESSES = ["a@@b.org", "a@b", "x@-bad-.org", ".@x.org", "a@b..org", "x" * 300 + "@example.org"]
REFUSED = [*ISSUE_ADDRESSES, "a..b@x.org", "a.@x.org", "a@x.org.", "a@.x.org", "a b@x.org", "a@x_y.org", "a@x.o1", "@x.org",
           "a@", "", '"quoted"@x.org', "a@[127.0.0.1]", "a@" + "x" * 64 + ".org"]  # fmt: skip
ACCEPTED = ["a@example.org", "*@example.com", "first.last+tag@sub.example.co.uk", "o'neil@x.ie",
            "nonçascii@example.com", "ü@bücher.de", "a@x.xn--p1ai", "a@1.example.org", "x" * 64 + "@x.org"]  # fmt: skip

LETTERS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=20)
LABELS = st.lists(LETTERS, min_size=1, max_size=4)
TLD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10)


@pytest.mark.parametrize("address", REFUSED)
def test_refused(address: str) -> None:
    assert not is_email(address)


@pytest.mark.parametrize("address", ACCEPTED)
def test_accepted(address: str) -> None:
    assert is_email(address)


@given(st.lists(LETTERS, min_size=1, max_size=3), LABELS, TLD)
def test_dot_atoms_on_dotted_domains_are_accepted_within_the_lengths(local, labels, tld):
    address = f"{'.'.join(local)}@{'.'.join([*labels, tld])}"
    fits = len(address) <= MAX_ADDRESS and len(".".join(local)) <= MAX_LOCAL
    assert is_email(address) == fits


@given(st.text(max_size=80))
def test_no_address_without_exactly_one_at_and_a_dot_after_it(text: str) -> None:
    if is_email(text):
        local, _, domain = text.partition("@")
        assert local and "." in domain and "@" not in domain and ".." not in text
