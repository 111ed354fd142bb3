"""Seeded data: determinism, consistency between tables, presets, overrides and several accounts."""

from __future__ import annotations

import numpy as np
import pytest

from mailjet_connector import catalog
from mailjet_connector.emulator.seed import (
    DEFAULT_API_KEY,
    DEFAULT_API_SECRET,
    PRESETS,
    SUB_API_KEY,
    SUB_API_SECRET,
    build_state,
)
from mailjet_connector.emulator.seed.account import EMPTY
from mailjet_connector.emulator.state import MESSAGE_ID_BASE, Account, EmulatorState

NOW = 1_780_000_123  # 2026-05-28T20:28:43Z
DAY = 86_400


@pytest.fixture(scope="module", params=["tiny", "small"])
def state(request: pytest.FixtureRequest) -> EmulatorState:
    return build_state(seed=7, scale=request.param, now=NOW, frozen=True)


@pytest.fixture(scope="module")
def tiny() -> EmulatorState:
    return build_state(seed=7, scale="tiny", now=NOW, frozen=True)


def main(state: EmulatorState) -> Account:
    return state.accounts[DEFAULT_API_KEY]


def col(account: Account, resource: str, field: str) -> np.ndarray:
    """A field's raw values over the live rows."""
    table = account.tables[resource]
    return table.column(field)[table.live()]


def position_of(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Positions in the sorted `ids` of each `wanted` ID; fails when one is missing."""
    pos = np.searchsorted(ids, wanted)
    assert np.all(pos < ids.size) and np.array_equal(ids[np.minimum(pos, ids.size - 1)], wanted)
    return pos


def snapshot(state: EmulatorState) -> dict[str, dict[str, list]]:
    return {
        f"{key}/{name}": table.records(table.live())
        for key, account in state.accounts.items()
        for name, table in sorted(account.tables.items())
    }


def test_same_seed_and_now_give_identical_tables() -> None:
    first, second = build_state(seed=3, now=NOW), build_state(seed=3, now=NOW)
    assert snapshot(first) == snapshot(second)
    assert main(first).extra == main(second).extra


def test_different_seed_gives_different_data() -> None:
    first, second = build_state(seed=1, now=NOW), build_state(seed=2, now=NOW)
    assert col(main(first), "contact", "Email").tolist() != col(main(second), "contact", "Email").tolist()
    assert (
        col(main(first), "message", "ArrivedAt").tolist()
        != col(main(second), "message", "ArrivedAt").tolist()
    )


def test_clock_starts_at_now_and_can_be_frozen(tiny: EmulatorState) -> None:
    assert tiny.clock.now() == NOW and tiny.clock.frozen
    assert tiny.seed == 7


def test_every_stored_resource_has_rows(tiny: EmulatorState) -> None:
    account = main(tiny)
    for resource in catalog.all_resources():
        if resource.computed or not resource.account_data or resource.name in EMPTY:
            continue
        assert len(account.tables.get(resource.name, ())) > 0, resource.name
    assert len(account.table("csvimport")) == 0


def test_listrecipients_point_at_contacts_and_lists(state: EmulatorState) -> None:
    account = main(state)
    position_of(col(account, "contact", "ID"), col(account, "listrecipient", "ContactID"))
    list_pos = position_of(col(account, "contactslist", "ID"), col(account, "listrecipient", "ListID"))
    names = col(account, "contactslist", "Name")
    assert col(account, "listrecipient", "ListName").tolist() == names[list_pos].tolist()
    pairs = set(zip(col(account, "listrecipient", "ContactID").tolist(), list_pos.tolist(), strict=True))
    assert len(pairs) == len(account.tables["listrecipient"])


def test_subscriber_count_is_the_number_of_recipient_rows(state: EmulatorState) -> None:
    account = main(state)
    list_pos = position_of(col(account, "contactslist", "ID"), col(account, "listrecipient", "ListID"))
    counts = np.bincount(list_pos, minlength=len(account.tables["contactslist"]))
    assert col(account, "contactslist", "SubscriberCount").tolist() == counts.tolist()


def test_messages_point_at_contacts_campaigns_and_senders(state: EmulatorState) -> None:
    account = main(state)
    ids = col(account, "message", "ID")
    assert ids.min() > 2**53 and ids.min() > MESSAGE_ID_BASE
    contact_pos = position_of(col(account, "contact", "ID"), col(account, "message", "ContactID"))
    campaign_pos = position_of(col(account, "campaign", "ID"), col(account, "message", "CampaignID"))
    position_of(col(account, "sender", "ID"), np.unique(col(account, "message", "SenderID")))
    assert (
        col(account, "message", "ContactAlt").tolist()
        == col(account, "contact", "Email")[contact_pos].tolist()
    )
    assert (
        col(account, "message", "Subject").tolist()
        == col(account, "campaign", "Subject")[campaign_pos].tolist()
    )
    arrived = col(account, "message", "ArrivedAt")
    assert np.all(col(account, "campaign", "SendStartAt")[campaign_pos] <= arrived)
    assert np.all(col(account, "contact", "CreatedAt")[contact_pos] <= arrived)


@pytest.mark.parametrize(
    ("resource", "time_field"), [("openinformation", "OpenedAt"), ("clickstatistics", "ClickedAt")]
)
def test_events_follow_their_message(state: EmulatorState, resource: str, time_field: str) -> None:
    account = main(state)
    assert len(account.tables[resource]) == PRESETS[_scale(state)][resource]
    pos = position_of(col(account, "message", "ID"), col(account, resource, "MessageID"))
    assert np.array_equal(col(account, resource, "ContactID"), col(account, "message", "ContactID")[pos])
    if account.tables[resource].resource.field("CampaignID"):
        assert np.array_equal(
            col(account, resource, "CampaignID"), col(account, "message", "CampaignID")[pos]
        )
    times = col(account, resource, time_field)
    assert np.all(times >= col(account, "message", "ArrivedAt")[pos])
    assert np.all(times <= NOW)


def test_bounces_match_bounced_messages(state: EmulatorState) -> None:
    # bouncestatistics has no MessageID: a bounce row matches a bounced message by contact and campaign
    account = main(state)
    assert len(account.tables["bouncestatistics"]) == PRESETS[_scale(state)]["bouncestatistics"]
    bounced = np.isin(col(account, "message", "Status"), ["bounce", "blocked"])
    earliest: dict[tuple[int, int], int] = {}
    for key, arrived in zip(
        zip(
            col(account, "message", "ContactID")[bounced].tolist(),
            col(account, "message", "CampaignID")[bounced].tolist(),
            strict=True,
        ),
        col(account, "message", "ArrivedAt")[bounced].tolist(),
        strict=True,
    ):
        earliest[key] = min(arrived, earliest.get(key, arrived))
    rows = zip(
        col(account, "bouncestatistics", "ContactID").tolist(),
        col(account, "bouncestatistics", "CampaignID").tolist(),
        col(account, "bouncestatistics", "BouncedAt").tolist(),
        strict=True,
    )
    for contact, campaign, when in rows:
        assert earliest[(contact, campaign)] <= when <= NOW
    assert int(bounced.sum()) == len(account.tables["bouncestatistics"])
    blocked = col(account, "message", "Status") == "blocked"
    assert int(blocked.sum()) == int(col(account, "bouncestatistics", "IsBlocked").sum())


def _scale(state: EmulatorState) -> str:
    return "tiny" if len(main(state).tables["contact"]) == PRESETS["tiny"]["contact"] else "small"


def _with_events(account: Account, resource: str) -> set[int]:
    return set(col(account, resource, "MessageID").tolist())


def test_message_status_agrees_with_events(state: EmulatorState) -> None:
    account = main(state)
    status = dict(
        zip(col(account, "message", "ID").tolist(), col(account, "message", "Status").tolist(), strict=True)
    )
    opened, clicked = _with_events(account, "openinformation"), _with_events(account, "clickstatistics")
    overriding = {"spam", "unsub"}
    for message_id, value in status.items():
        if value in {"bounce", "blocked"}:
            assert message_id not in opened and message_id not in clicked
        elif message_id in clicked:
            assert value in {"clicked"} | overriding
        elif message_id in opened:
            assert value in {"opened"} | overriding
        else:
            assert value in {"sent"} | overriding
    assert {"spam", "unsub", "sent", "opened", "clicked", "bounce"} <= set(status.values())


def test_contact_counters_agree_with_messages_and_events(state: EmulatorState) -> None:
    account = main(state)
    contact_ids = col(account, "contact", "ID")
    msg_contact = position_of(contact_ids, col(account, "message", "ContactID"))
    delivered = ~np.isin(col(account, "message", "Status"), ["bounce", "blocked"])
    expected = np.bincount(msg_contact[delivered], minlength=contact_ids.size)
    assert col(account, "contact", "DeliveredCount").tolist() == expected.tolist()
    last = np.zeros(contact_ids.size, dtype=np.int64)
    np.maximum.at(last, msg_contact, col(account, "message", "ArrivedAt"))
    for resource, field in (
        ("openinformation", "OpenedAt"),
        ("clickstatistics", "ClickedAt"),
        ("bouncestatistics", "BouncedAt"),
    ):
        np.maximum.at(
            last, position_of(contact_ids, col(account, resource, "ContactID")), col(account, resource, field)
        )
    assert col(account, "contact", "LastActivityAt").tolist() == last.tolist()


def test_timestamps_lie_in_the_window_and_some_events_happen_today(state: EmulatorState) -> None:
    account = main(state)
    for name, table in account.tables.items():
        for field in table.resource.fields:
            if field.type in (catalog.FieldType.TS, catalog.FieldType.UNIX) and name != "messagestate":
                values = table.column(field.name)[table.live()]
                values = values[values != 0]
                assert np.all(values <= NOW), (name, field.name)
                assert np.all(values >= NOW - 120 * DAY), (name, field.name)
    today = NOW - NOW % DAY
    for resource, field in (("openinformation", "OpenedAt"), ("clickstatistics", "ClickedAt")):
        assert np.any(col(account, resource, field) >= today), resource
    assert np.all(col(account, "campaign", "SendStartAt") <= col(account, "campaign", "SendEndAt"))


def test_edge_cases_are_present(state: EmulatorState) -> None:
    account = main(state)
    assert col(account, "contactslist", "IsDeleted").any()
    unsub = col(account, "listrecipient", "IsUnsubscribed")
    assert unsub.any() and np.all(col(account, "listrecipient", "UnsubscribedAt")[unsub] > 0)
    excluded = col(account, "contact", "IsExcludedFromCampaigns")
    assert excluded.any() and np.all(col(account, "contact", "ExclusionFromCampaignsUpdatedAt")[excluded] > 0)
    assert (col(account, "contact", "LastActivityAt") == 0).any()
    emails = col(account, "contact", "Email").tolist()
    assert any(e != e.lower() for e in emails) and len({e.lower() for e in emails}) == len(emails)
    assert col(account, "contact", "IsSpamComplaining").any()
    assert (col(account, "contact", "UnsubscribedAt") > 0).any()


def test_contactdata_mirrors_contacts_with_string_values(state: EmulatorState) -> None:
    account = main(state)
    ids = col(account, "contactdata", "ID")
    assert np.array_equal(ids, col(account, "contactdata", "ContactID"))
    position_of(col(account, "contact", "ID"), ids)
    defined = set(col(account, "contactmetadata", "Name").tolist())
    for cell in col(account, "contactdata", "Data")[:200].tolist():
        for item in cell:
            assert (
                set(item) == {"Name", "Value"} and item["Name"] in defined and isinstance(item["Value"], str)
            )
    assert set(col(account, "contactmetadata", "Datatype").tolist()) == {
        "str",
        "int",
        "float",
        "bool",
        "datetime",
    }


def test_history_and_signups_point_at_contacts_and_subscriptions(state: EmulatorState) -> None:
    account = main(state)
    contact_ids = col(account, "contact", "ID")
    pos = position_of(contact_ids, col(account, "contacthistorydata", "ContactID"))
    assert np.all(
        col(account, "contacthistorydata", "CreatedAt") >= col(account, "contact", "CreatedAt")[pos]
    )
    subscriptions = set(
        zip(
            col(account, "listrecipient", "ContactID").tolist(),
            col(account, "listrecipient", "ListID").tolist(),
            strict=True,
        )
    )
    signups = zip(
        col(account, "contactslistsignup", "ContactID").tolist(),
        col(account, "contactslistsignup", "ListID").tolist(),
        strict=True,
    )
    assert set(signups) <= subscriptions
    pending = col(account, "contactslistsignup", "ConfirmAt") == 0
    assert pending.any()
    pending_pos = position_of(contact_ids, col(account, "contactslistsignup", "ContactID")[pending])
    assert col(account, "contact", "IsOptInPending")[pending_pos].all()


def test_messagestate_and_bounce_states(tiny: EmulatorState) -> None:
    account = main(tiny)
    states = set(col(account, "messagestate", "ID").tolist())
    assert len(states) == len(catalog.enums.MESSAGE_STATES)
    assert set(col(account, "bouncestatistics", "StateID").tolist()) <= states


def test_apikey_rows_never_hold_the_secret(tiny: EmulatorState) -> None:
    for account in tiny.accounts.values():
        for table in account.tables.values():
            for record in table.records(table.live()):
                assert DEFAULT_API_SECRET not in repr(record) and SUB_API_SECRET not in repr(record)
    keys = col(main(tiny), "apikey", "APIKey").tolist()
    assert keys == [DEFAULT_API_KEY, SUB_API_KEY]
    assert col(main(tiny), "apikey", "ID").tolist() == [a.key_id for a in tiny.accounts.values()]
    assert col(tiny.accounts[SUB_API_KEY], "apikey", "APIKey").tolist() == [SUB_API_KEY]


def test_overrides_set_row_counts() -> None:
    state = build_state(now=NOW, overrides={"contact": 50, "message": 80, "openinformation": 0})
    account = main(state)
    assert len(account.tables["contact"]) == 50
    assert len(account.tables["message"]) == 80
    assert len(account.tables["openinformation"]) == 0
    # a contact subscribes to a list at most once: 50 contacts x 5 lists caps the 300 subscriptions
    assert len(account.tables["listrecipient"]) == 50 * PRESETS["tiny"]["contactslist"]
    assert len(account.tables["clickstatistics"]) == PRESETS["tiny"]["clickstatistics"]


def test_unknown_override_or_scale_is_refused_with_the_valid_names() -> None:
    with pytest.raises(ValueError, match=r"contacts.*valid names:.*contact,"):
        build_state(overrides={"contacts": 5})
    with pytest.raises(ValueError, match="tiny, small, large"):
        build_state(scale="huge")
    with pytest.raises(ValueError, match=">= 0"):
        build_state(overrides={"contact": -1})


def test_two_default_accounts_are_disjoint(tiny: EmulatorState) -> None:
    assert set(tiny.accounts) == {DEFAULT_API_KEY, SUB_API_KEY}
    assert tiny.authenticate(SUB_API_KEY, SUB_API_SECRET) is tiny.accounts[SUB_API_KEY]
    main_account, sub = main(tiny), tiny.accounts[SUB_API_KEY]
    assert 0 < len(sub.tables["contact"]) < len(main_account.tables["contact"])
    for resource in ("contact", "message", "listrecipient", "campaign"):
        assert not set(col(main_account, resource, "ID").tolist()) & set(col(sub, resource, "ID").tolist())
    main_emails = set(col(main_account, "contact", "Email").tolist())
    assert not main_emails & set(col(sub, "contact", "Email").tolist())
    assert "secret" not in repr(sub)


def test_given_accounts_replace_the_defaults() -> None:
    state = build_state(now=NOW, accounts=[("k1", "s1"), ("k2", "s2"), ("k3", "s3")])
    assert list(state.accounts) == ["k1", "k2", "k3"]
    emails = [set(col(a, "contact", "Email").tolist()) for a in state.accounts.values()]
    assert not (emails[0] & emails[1] or emails[1] & emails[2] or emails[0] & emails[2])
    with pytest.raises(ValueError, match="distinct"):
        build_state(accounts=[("k", "a"), ("k", "b")])


def test_every_seeded_listing_is_served_by_the_app(tiny: EmulatorState) -> None:
    from starlette.testclient import TestClient

    from mailjet_connector.emulator.app import create_app

    client = TestClient(create_app(tiny))
    for key, secret in ((DEFAULT_API_KEY, DEFAULT_API_SECRET), (SUB_API_KEY, SUB_API_SECRET)):
        for resource in catalog.all_resources():
            required = any(f.required for f in resource.filters) or resource.parent is not None
            if not resource.readable or resource.api != "REST" or required:
                continue
            response = client.get(resource.path, params={"Limit": 1000}, auth=(key, secret))
            assert response.status_code == 200, (key, resource.name, response.text[:200])
            table = tiny.accounts[key].tables.get(resource.name)
            if table is not None and not resource.today_default:
                assert response.json()["Count"] == min(len(table), 1000), (key, resource.name)
