"""Write rules of the contact resources: contact, contactslist, listrecipient and contactdata (§2.1, §8)."""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from typing import Any

from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.resources import properties
from mailjet_connector.emulator.rest.writes import Rules, WriteContext, read_only_error

LIST_ADDRESS_ERROR = "List address is automatically generated and can't be changed"


class ContactRules(Rules):
    """Email is fixed after creation; LastUpdateAt and the exclusion timestamp follow changes."""

    def fill_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        if values.get("IsExcludedFromCampaigns"):
            values["ExclusionFromCampaignsUpdatedAt"] = ctx.now

    def before_update(self, ctx: WriteContext, pos: int, values: dict[str, Any]) -> None:
        if "Email" in values and str(values["Email"]).lower() != str(ctx.table.column("Email")[pos]).lower():
            raise EmulatorError(400, "Not allowed to change email address in PUT")
        values.pop("Email", None)  # the same address in another case is no change

    def on_update(self, ctx: WriteContext, pos: int, changes: dict[str, Any]) -> None:
        changes["LastUpdateAt"] = ctx.now
        if "IsExcludedFromCampaigns" in changes:
            changes["ExclusionFromCampaignsUpdatedAt"] = ctx.now


class ContactsListRules(Rules):
    """Generated Address, unique Name, soft delete, ListName carried by the subscriptions."""

    def before_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        if "Address" in values:
            raise EmulatorError(400, LIST_ADDRESS_ERROR)
        self._unique_name(ctx, values.get("Name"), None)

    def fill_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        # Deterministic per seed, account and ID, so two runs of a seeded emulator agree.
        rng = random.Random(f"{ctx.state.seed}:{ctx.account.key_id}:{ctx.table.next_id}")
        values["Address"] = "".join(rng.choice(string.ascii_lowercase) for _ in range(9))
        values["SubscriberCount"] = 0

    def before_update(self, ctx: WriteContext, pos: int, values: dict[str, Any]) -> None:
        if "Address" in values and values["Address"] != ctx.table.column("Address")[pos]:
            raise EmulatorError(400, LIST_ADDRESS_ERROR)
        if "Name" in values:
            self._unique_name(ctx, values["Name"], pos)

    def on_update(self, ctx: WriteContext, pos: int, changes: dict[str, Any]) -> None:
        if "Name" in changes:
            recipients = ctx.account.table("listrecipient")
            live = recipients.live()
            list_id = int(ctx.table.column("ID")[pos])
            for rpos in live[recipients.column("ListID")[live] == list_id].tolist():
                recipients.update(rpos, {"ListName": changes["Name"]})

    def delete(self, ctx: WriteContext, pos: int) -> bool:
        if not ctx.table.column("IsDeleted")[pos]:
            ctx.table.update(pos, {"IsDeleted": True})
        return True

    @staticmethod
    def _unique_name(ctx: WriteContext, name: Any, pos: int | None) -> None:
        if not isinstance(name, str) or not name:
            return
        other = ctx.table.lookup(("Name",), (name,), ci=True)
        if other is not None and other != pos:
            raise EmulatorError(
                400, f'MJ18 A Contactslist resource with value "{name}" for Name already exists.'
            )


class ListRecipientRules(Rules):
    """One subscription per contact and list; the list's SubscriberCount follows inserts and deletes."""

    def before_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        self._no_duplicate(ctx, values.get("ContactID"), values.get("ListID"), None)

    def fill_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        values["ListName"] = _list_name(ctx, values.get("ListID"))
        values["SubscribedAt"] = ctx.now
        if values.get("IsUnsubscribed"):
            values["UnsubscribedAt"] = ctx.now

    def after_create(self, ctx: WriteContext, pos: int) -> None:
        _count(ctx, int(ctx.table.column("ListID")[pos]), +1)

    def on_update(self, ctx: WriteContext, pos: int, changes: dict[str, Any]) -> None:
        row = ctx.table.raw(pos)
        if "ContactID" in changes or "ListID" in changes:
            merged = {**row, **changes}
            self._no_duplicate(ctx, merged["ContactID"], merged["ListID"], pos)
        if changes.get("IsUnsubscribed"):
            changes["UnsubscribedAt"] = ctx.now
        if "ListID" in changes:
            changes["ListName"] = _list_name(ctx, changes["ListID"])
            _count(ctx, int(row["ListID"]), -1)
            _count(ctx, int(changes["ListID"]), +1)

    def after_delete(self, ctx: WriteContext, pos: int, row: Mapping[str, Any]) -> None:
        _count(ctx, int(row["ListID"]), -1)

    @staticmethod
    def _no_duplicate(ctx: WriteContext, contact_id: Any, list_id: Any, pos: int | None) -> None:
        if not contact_id or not list_id:
            return
        other = ctx.table.lookup(("ContactID", "ListID"), (int(contact_id), int(list_id)))
        if other is not None and other != pos:
            raise EmulatorError(400, "A duplicate ListRecipient already exists.")


def _list_name(ctx: WriteContext, list_id: Any) -> str:
    lists = ctx.account.table("contactslist")
    pos = lists.position(int(list_id or 0))
    return "" if pos is None else str(lists.column("Name")[pos])


def _count(ctx: WriteContext, list_id: int, delta: int) -> None:
    lists = ctx.account.table("contactslist")
    pos = lists.position(list_id)
    if pos is not None:
        lists.update(pos, {"SubscriberCount": max(0, int(lists.column("SubscriberCount")[pos]) + delta)})


class ContactDataRules(Rules):
    """One row per contact whose ID is the contact's ID; Data names defined in contactmetadata; PUT merges."""

    def before_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        contact_id = values.get("ContactID")
        if not contact_id:
            raise EmulatorError(400, 'MJ03 A value for property "ContactID" is required')
        if ctx.table.lookup(("ContactID",), (int(contact_id),)) is not None:
            raise EmulatorError(
                400, f'MJ18 A Contactdata resource with value "{contact_id}" for ContactID already exists.'
            )
        updates = properties.validate(ctx.account, properties.kv_to_dict(values.get("Data")))
        values["Data"] = properties.merge((), updates)

    def fill_create(self, ctx: WriteContext, values: dict[str, Any]) -> None:
        # Keep the stored ID equal to the contact ID whenever the append-only table allows it.
        if int(values["ContactID"]) >= ctx.table.next_id:
            values["ID"] = int(values["ContactID"])

    def before_update(self, ctx: WriteContext, pos: int, values: dict[str, Any]) -> None:
        if "ContactID" in values and values["ContactID"] != int(ctx.table.column("ContactID")[pos]):
            raise read_only_error("ContactID")
        values.pop("ID", None)  # the ID shown is the contact's; repeating it changes nothing
        if "Data" in values:
            updates = properties.validate(ctx.account, properties.kv_to_dict(values["Data"]))
            values["Data"] = properties.merge(ctx.table.column("Data")[pos], updates)


def ensure_contactdata(ctx: WriteContext, contact_id: int) -> int:
    """Position of a contact's contactdata row, created empty when missing (every contact has one)."""
    pos = ctx.table.lookup(("ContactID",), (contact_id,))
    if pos is not None:
        return pos
    values: dict[str, Any] = {"ContactID": contact_id, "Data": []}
    ContactDataRules().fill_create(ctx, values)
    return ctx.table.insert(values)
