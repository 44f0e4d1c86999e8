"""The command service's handlers: one function per command kind, looked up in `HANDLERS` by the action of
the first command a text was read as. The service runs each in one unit of work with the message's
recorded reply (service.py); a handler writes only through that unit of work.

A text may hold several changes ("86 the meatloaf, coffee 2.75"): they are checked, asked about or
applied together, in one unit of work, whichever change kind comes first.
"""

from __future__ import annotations

from datetime import datetime

from diner_agent.commands import confirmations, permissions, undo
from diner_agent.commands.apply import apply_all
from diner_agent.commands.change_text import done_text
from diner_agent.commands.model import Reply
from diner_agent.commands.replies import HELP, STAFF_HELP, hours_summary, menu_summary, moment
from diner_agent.commands.turn import Handler, Turn
from diner_agent.commands.understand import Understanding
from diner_agent.commands.unit_of_work import UnitOfWork
from diner_agent.menu.records import MenuSnapshot

# Changes whose handlers come with later work (specials and menu edits): until then they are refused.
_NOT_YET = {
    "add_special": "Specials by text are not supported yet.",
    "add_item": "Adding menu items by text is not supported yet.",
    "rename_item": "Renaming menu items by text is not supported yet.",
    "remove_item": "Removing menu items by text is not supported yet.",
}


def show_help(turn: Turn, meaning: Understanding | None, uow: UnitOfWork | None) -> Reply:
    return Reply(HELP if turn.actor.role == "owner" else STAFF_HELP)


def show_menu(turn: Turn, meaning: Understanding | None, uow: UnitOfWork | None) -> Reply:
    return Reply(menu_summary(turn.snapshot, turn.menu_link))


def show_hours(turn: Turn, meaning: Understanding | None, uow: UnitOfWork | None) -> Reply:
    return Reply(hours_text(turn.snapshot, turn.local))


def hours_text(snapshot: MenuSnapshot, local_now: datetime) -> str:
    """The week's hours, upcoming special hours, and the closure in force if there is one."""
    closure = snapshot.closure_at(local_now)
    note = None
    if closure is not None:
        until = f" until {moment(closure.until, local_now)}" if closure.until else ""
        note = f"Closed now{' (' + closure.reason + ')' if closure.reason else ''}{until}."
    return hours_summary(snapshot, local_now, note)


def change(turn: Turn, meaning: Understanding | None, uow: UnitOfWork | None) -> Reply:
    """Changes to the menu, the hours or the diner's opening: refused, held for a YES, or applied now."""
    assert meaning is not None and uow is not None
    if any(c.action in _NOT_YET for c in meaning.commands):
        return not_yet_supported(turn, meaning, uow)
    refused = permissions.refusal(turn.actor, meaning.commands)
    if refused is not None:
        return Reply(refused, "refused")
    if meaning.needs_confirmation:
        return confirmations.ask(turn, meaning, uow)
    local = uow.now.astimezone(turn.local.tzinfo)
    changes = apply_all(uow, meaning.commands, turn.snapshot, local.date())
    changed = any(c.changed for c in changes)
    batch = uow.audit.batch_id if changed else None
    return Reply(done_text(changes, turn.tenant, local), "applied", undo=changed, batch_id=batch)


def not_yet_supported(turn: Turn, meaning: Understanding | None, uow: UnitOfWork | None) -> Reply:
    assert meaning is not None
    first = next(c for c in meaning.commands if c.action in _NOT_YET)
    return Reply(f"{_NOT_YET[first.action]} Nothing changed.", "invalid")


_CHANGE = Handler(change)
_ANSWER_PENDING = Handler(confirmations.answer, failed=confirmations.close_failed)
HANDLERS: dict[str, Handler] = {
    "confirm": _ANSWER_PENDING,
    "cancel": _ANSWER_PENDING,
    "undo": Handler(undo.undo),
    "help": Handler(show_help, writes=False),
    "show_menu": Handler(show_menu, writes=False),
    "show_hours": Handler(show_hours, writes=False),
    "update_price": _CHANGE,
    "toggle_available": _CHANGE,
    "change_hours": _CHANGE,
    "close_emergency": _CHANGE,
    "reopen": _CHANGE,
    "add_special": Handler(not_yet_supported, writes=False),
    "add_item": Handler(not_yet_supported, writes=False),
    "rename_item": Handler(not_yet_supported, writes=False),
    "remove_item": Handler(not_yet_supported, writes=False),
}
# A Confirm / Cancel button names the request it answers (Inbound.pending_id).
CLICKED = _ANSWER_PENDING
# An Undo button names the change batch it was posted with (Inbound.batch_id).
UNDO_CLICKED = Handler(undo.undo_clicked)
