"""Roles (DESIGN 4.1): an owner may do everything; staff may mark items sold out or back, read the menu and
hours, and confirm or undo their own changes. Every check reads the sender's role as it is now, never the
one a change or a request was made with: someone demoted or removed keeps no rights."""

from __future__ import annotations

from collections.abc import Sequence

from diner_agent.commands.model import CHANGE_ACTIONS, STAFF_ACTIONS, Command
from diner_agent.menu.records import Actor, AuditRecord, PendingRecord

_OWNER_ONLY = {
    "update_price": "change prices",
    "change_hours": "change hours",
    "close_emergency": "close the diner",
    "reopen": "reopen the diner",
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


def undo_refusal(actor: Actor, batch: Sequence[AuditRecord]) -> str | None:
    """Why `actor` may not undo this batch, or None when they may: staff undo only their own availability
    changes; an owner undoes their own changes and staff's (not another owner's)."""
    made_by = batch[0]
    own = made_by.actor == actor.key
    if actor.role == "owner":
        if own or made_by.actor_role == "staff":
            return None
        return "Sorry, an owner can undo their own changes and staff's, not another owner's. Nothing changed."
    if actor.role == "staff" and own:
        if all(r.action in STAFF_ACTIONS for r in batch):
            return None
        return "Sorry, only an owner can undo a change to prices, hours or opening. Nothing changed."
    return "Sorry, staff can undo only their own changes (an owner can undo staff's). Nothing changed."
