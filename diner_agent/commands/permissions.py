"""Roles (DESIGN 4.1): an owner may do everything; staff may mark items sold out or back, read the menu and
hours, and confirm or undo their own changes."""

from __future__ import annotations

from collections.abc import Sequence

from diner_agent.commands.model import CHANGE_ACTIONS, STAFF_ACTIONS, Command
from diner_agent.menu.records import Actor, PendingRecord

_OWNER_ONLY = {
    "update_price": "change prices",
    "change_hours": "change hours",
    "close_emergency": "close the diner",
    "reopen": "reopen the diner",
    "add_special": "add specials",
    "add_item": "add menu items",
    "rename_item": "rename menu items",
    "remove_item": "remove menu items",
}


def refusal(actor: Actor, commands: Sequence[Command]) -> str | None:
    """Why `actor` may not make these changes, or None when they may."""
    if actor.role == "owner":
        return None
    blocked = [c for c in commands if c.action in CHANGE_ACTIONS and c.action not in STAFF_ACTIONS]
    if not blocked:
        return None
    what = _OWNER_ONLY.get(blocked[0].action, "do that")
    return f"Sorry, only an owner can {what}. Staff can mark items sold out or back. Nothing changed."


def may_answer(actor: Actor, pending: PendingRecord) -> bool:
    """A confirmation is answered by the person who asked for it, or by an owner."""
    return pending.actor == actor.key or actor.role == "owner"
