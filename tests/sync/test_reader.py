"""The read-ahead reader: pages in walk order with their checkpoints, bounded read-ahead, errors, closing."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from mailjet_connector import catalog
from mailjet_connector.client import Client
from mailjet_connector.emulator import start_emulator
from mailjet_connector.errors import AuthenticationError
from mailjet_connector.sync.reader import PageReader, Prepared, WalkSpec, prepare_pages
from mailjet_connector.sync.schema import layout


def _spec(limit: int = 20) -> WalkSpec:
    return WalkSpec("contact", {}, layout(catalog.get("contact")), {}, None, limit)


def _ids(pages: list[Prepared]) -> list[int]:
    return [i for page in pages for i in page.table.column("id").to_pylist()]


@pytest.mark.parametrize("ahead", [0, 3])
def test_pages_come_in_walk_order_and_a_second_reader_resumes_from_a_checkpoint(ahead: int):
    with (
        start_emulator(scale="tiny", overrides={"contact": 95}) as server,
        Client(server.api_key, server.api_secret, base_url=server.url, concurrency=3) as client,
    ):
        reader = PageReader(prepare_pages(client, _spec(), None, 0, 3), None, ahead=ahead)
        first = [reader.take(), reader.take()]
        assert reader.resumes(first[-1].step.checkpoint)
        assert not reader.resumes(first[0].step.checkpoint)
        reader.close()
        # A new process starts from the committed checkpoint and reads exactly the rest.
        checkpoint = first[-1].step.checkpoint
        rest_reader = PageReader(
            prepare_pages(client, _spec(), checkpoint, first[-1].seq, 3), checkpoint, ahead=ahead
        )
        rest = []
        while (page := rest_reader.take()) is not None:
            rest.append(page)
        assert _ids(first) + _ids(rest) == sorted(row["ID"] for row in client.iter("contact"))
        assert rest[-1].step.done and rest[-1].seq == 95
        assert rest_reader.take() is None and not rest_reader.resumes(rest_reader.position)
        assert all(len(p.keys) == p.table.num_rows == len(p.hashes) for p in first + rest)


def test_read_ahead_is_bounded_and_close_stops_the_worker():
    produced: list[int] = []

    def pages() -> Iterator[Prepared]:
        for i in range(1000):
            produced.append(i)
            yield i  # type: ignore[misc]  # the reader only passes items through

    reader = PageReader(pages(), None, ahead=4)
    time.sleep(0.3)
    assert len(produced) <= 4 + 2  # the queue, plus the one item waiting to be put
    reader.close()
    reader._thread.join(timeout=2)
    assert not reader._thread.is_alive()


def test_an_error_on_the_worker_is_raised_by_take_in_the_consumer():
    with (
        start_emulator(scale="tiny") as server,
        Client(server.api_key, "wrong-secret", base_url=server.url) as client,
    ):
        reader = PageReader(prepare_pages(client, _spec(), None, 0, 1), None, ahead=2)
        with pytest.raises(AuthenticationError):
            reader.take()
        assert reader.take() is None  # a failed reader is over
