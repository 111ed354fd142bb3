"""Bodies read one way only (#16, class 3): what a lenient parser could read another way is refused."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailjet_connector.agents.strict_json import BodyError, dumps, loads


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b'\xef\xbb\xbf{"SandboxMode": true}', "byte-order mark"),
        (b"\xff\xfe{\x00}\x00", "byte-order mark"),
        (b'{"a": NaN}', "NaN"),
        (b'{"a": Infinity}', "Infinity"),
        (b'{"a": -Infinity}', "Infinity"),
        (b'{"a": 1e400}', "out of range"),
        (b'{"a": 18446744073709551616}', "64-bit"),
        (b'{"SandboxMode": true, "SandboxMode": false}', "duplicate key"),
        (b'{"SandboxMode": true, "sandboxmode": false}', "differ only by case"),
        (b'{"SandboxMode": true, "\\u017fandboxMode": false}', "parsers may read as ASCII"),
        (b'{"L\\u0131stID": 2}', "parsers may read as ASCII"),
        (b'{"L\\u0130STID": 2}', "parsers may read as ASCII"),
        (b'{"\\u212aey": 2}', "parsers may read as ASCII"),
        (b'{"\\uff2cistID": 2}', "parsers may read as ASCII"),
        (b'{"List\\u200bID": 2}', "parsers may read as ASCII"),
        (b'{"ListID": 1, "LISTID": 2}', "differ only by case"),
        (b'{"M": [{"To": 1, "to": 2}]}', "differ only by case"),
        (b'{"a": "\\ud800"}', "surrogate"),
        (b'{"\\udfff": 1}', "surrogate"),
        (b'{"a": 1} {"b": 2}', "not valid JSON"),
        (b'{"a": 1,}', "not valid JSON"),
        (b"{'a': 1}", "not valid JSON"),
        (b'{"a": "\xff"}', "not UTF-8"),
        (b"[" * 100 + b"]" * 100, "nested deeper"),
    ],
)
def test_ambiguous_bodies_are_refused(raw: bytes, words: str) -> None:
    with pytest.raises(BodyError, match=words) as caught:
        loads(raw)
    assert "\n" not in str(caught.value)


def test_non_ascii_keys_that_read_as_themselves_pass() -> None:
    assert loads('{"Variables": {"ville_préférée": "Zürich", "名前": 1}}'.encode()) == {
        "Variables": {"ville_préférée": "Zürich", "名前": 1}
    }


def test_a_plain_body_passes_and_serialises_compactly() -> None:
    body = loads(
        b' {"SandboxMode": true, "Messages": [{"To": [{"Email": "a@x.io"}]}], "n": 1.5, "id": 18446744073709551615} '
    )
    assert body["id"] == 2**64 - 1
    assert (
        dumps(body)
        == b'{"SandboxMode":true,"Messages":[{"To":[{"Email":"a@x.io"}]}],"n":1.5,"id":18446744073709551615}'
    )


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(JSON)
def test_what_is_forwarded_reads_back_as_what_was_decided(value: object) -> None:
    """Any body accepted once is accepted again from its canonical text, with the same meaning."""
    raw = json.dumps(value).encode()
    try:
        first = loads(raw)
    except BodyError:
        return  # keys clashing by case, surrogates: refused, so nothing was decided
    assert loads(dumps(first)) == first == json.loads(raw)
