"""Specials, new items, renames and removals: what each does to the store, what it would do (for the
YES question), how UNDO reverts it, and the words for it.

A special ends when the diner closes that day unless the owner said when ("till 9"); it is an item like
any other meanwhile (86 it, reprice it, undo it). Adding, renaming and removing are owners' and are
always confirmed first; a removed item is hidden, not deleted, so UNDO brings it back.
"""

from __future__ import annotations

from datetime import datetime

from diner_agent.commands.model import AddItem, AddSpecial, Command, RemoveItem, RenameItem
from diner_agent.commands.money import to_cents_str
from diner_agent.commands.replies import moment, money
from diner_agent.commands.unit_of_work import UnitOfWork
from diner_agent.menu.errors import NameTaken
from diner_agent.menu.hours import closing_after
from diner_agent.menu.records import AuditRecord, Change, MenuSnapshot, TenantInfo

SPECIALS = "Specials"
EDITS = (AddSpecial, AddItem, RenameItem, RemoveItem)


class EditError(Exception):
    """The edit cannot be made (name taken, item gone); the message is for the owner."""


def _special_end(cmd: AddSpecial, snapshot: MenuSnapshot, now: datetime) -> datetime:
    return cmd.value.until if cmd.value.until is not None else closing_after(snapshot, now)


def _item(snapshot: MenuSnapshot, name: str):  # type: ignore[no-untyped-def]
    item = snapshot.item_named(name)
    if item is None:
        raise EditError(f"{name} is no longer on the menu.")
    return item


def _price(value: str, snapshot: MenuSnapshot) -> int:
    cents = to_cents_str(value)
    if cents <= 0 or cents > snapshot.tenant.max_price_cents:
        raise EditError(f"{value} is not an allowed price.")
    return cents


def apply_edit(uow: UnitOfWork, cmd: Command, snapshot: MenuSnapshot) -> list[Change]:
    try:
        if isinstance(cmd, AddSpecial):
            end = _special_end(cmd, snapshot, uow.now)
            if end <= uow.now:
                raise EditError("That special would end before it starts.")
            return [uow.catalog.add_item(cmd.target, SPECIALS, _price(cmd.value.price, snapshot), end)]
        if isinstance(cmd, AddItem):
            return [uow.catalog.add_item(cmd.target, cmd.value.category, _price(cmd.value.price, snapshot))]
        if isinstance(cmd, RenameItem):
            return [uow.catalog.rename_item(_item(snapshot, cmd.target).id, cmd.value)]
        if isinstance(cmd, RemoveItem):
            return [uow.catalog.remove_item(_item(snapshot, cmd.target).id)]
    except NameTaken as exc:
        raise EditError(f"{exc} is already on the menu.") from None
    except LookupError:
        raise EditError(f"{cmd.target} is no longer on the menu.") from None
    return []


def preview_edit(cmd: Command, snapshot: MenuSnapshot, now: datetime) -> list[Change]:
    if isinstance(cmd, AddSpecial):
        new = {"name": cmd.target, "category": SPECIALS, "price_cents": _price(cmd.value.price, snapshot)}
        return [Change("add_special", cmd.target, None, new, _special_end(cmd, snapshot, now))]
    if isinstance(cmd, AddItem):
        new = {"name": cmd.target, "category": cmd.value.category, "price_cents": _price(cmd.value.price, snapshot)}
        return [Change("add_item", cmd.target, None, new)]
    if isinstance(cmd, RenameItem):
        item = _item(snapshot, cmd.target)
        return [
            Change("rename_item", item.name, {"id": item.id, "name": item.name}, {"id": item.id, "name": cmd.value})
        ]
    if isinstance(cmd, RemoveItem):
        item = _item(snapshot, cmd.target)
        return [Change("remove_item", item.name, {"id": item.id, "removed": False}, {"id": item.id, "removed": True})]
    return []


def undo_edit(uow: UnitOfWork, record: AuditRecord) -> list[Change] | None:
    """Revert one audited edit; None when the record is not an edit. Raises EditError when it was changed
    again since (renamed again, removed already)."""
    new = record.new if isinstance(record.new, dict) else {}
    if record.action in ("add_item", "add_special"):
        if uow.catalog.removed(new["id"]) is not False:
            raise EditError(f"{record.target} is already off the menu, so there is nothing to undo.")
        return [uow.catalog.remove_item(new["id"])]
    if record.action == "rename_item":
        current = uow.items.item(new["id"])
        if current is None or current.name != new["name"]:
            raise EditError(f"{record.target} was changed again since, so I can't undo that.")
        return [uow.catalog.rename_item(new["id"], record.old["name"])]  # type: ignore[index]
    if record.action == "remove_item":
        if uow.catalog.removed(new["id"]) is not True or (isinstance(record.old, dict) and record.old["removed"]):
            raise EditError(f"{record.target} is back already, so there is nothing to undo.")
        return [uow.catalog.restore_item(new["id"])]
    if record.action == "restore_item":
        return [uow.catalog.remove_item(new["id"])]
    return None


def edit_text(change: Change, tenant: TenantInfo, local_now: datetime) -> str | None:
    """One sentence for an edit; None when the change is not one."""
    action, target, new = change.action, change.target, change.new if isinstance(change.new, dict) else {}
    if action == "add_special":
        until = f" until {moment(change.until, local_now)}" if change.until else ""
        return f"Special: {target} {money(new['price_cents'], tenant.currency)}{until}."
    if action == "add_item":
        where = f" to {new['category']}" if new.get("category") else ""
        return f"Added {target}{where}, {money(new['price_cents'], tenant.currency)}."
    if action == "rename_item":
        return f"{target} is now called {new['name']}."
    if action == "remove_item":
        return f"{target} is off the menu for good."
    if action == "restore_item":
        return f"{target} is back on the menu."
    return None
