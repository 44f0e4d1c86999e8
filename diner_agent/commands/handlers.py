"""The command service's handlers: one function per command kind, looked up in `HANDLERS` by the action of
the first command a text was read as. Every handler answers through the Turn, so the reply is recorded
under the message id, and writes only through the unit of work.

A text may hold several changes ("86 the meatloaf, coffee 2.75"): they are checked, asked about or
applied together, in one unit of work, whichever change kind comes first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from diner_agent.commands import confirmations, permissions, undo
from diner_agent.commands.apply import apply_all
from diner_agent.commands.change_text import done_text
from diner_agent.commands.model import Command, Reply
from diner_agent.commands.replies import HELP, STAFF_HELP, hours_summary, menu_summary, moment
from diner_agent.commands.turn import Turn
from diner_agent.commands.understand import Understanding
from diner_agent.commands.unit_of_work import UnitOfWork
from diner_agent.menu.records import MenuSnapshot

Handler = Callable[[Turn, Understanding], Reply]

# Changes whose handlers come with later work (specials and menu edits): until then they are refused.
_NOT_YET = {
    "add_special": "Specials by text are not supported yet.",
    "add_item": "Adding menu items by text is not supported yet.",
    "rename_item": "Renaming menu items by text is not supported yet.",
    "remove_item": "Removing menu items by text is not supported yet.",
}


def show_help(turn: Turn, meaning: Understanding) -> Reply:
    return turn.remember(Reply(HELP if turn.actor.role == "owner" else STAFF_HELP))


def show_menu(turn: Turn, meaning: Understanding) -> Reply:
    return turn.remember(Reply(menu_summary(turn.snapshot, turn.menu_link)))


def show_hours(turn: Turn, meaning: Understanding) -> Reply:
    return turn.remember(Reply(hours_text(turn.snapshot, turn.local)))


def hours_text(snapshot: MenuSnapshot, local_now: datetime) -> str:
    """The week's hours, upcoming special hours, and the closure in force if there is one."""
    closure = snapshot.closure_at(local_now)
    note = None
    if closure is not None:
        until = f" until {moment(closure.until, local_now)}" if closure.until else ""
        note = f"Closed now{' (' + closure.reason + ')' if closure.reason else ''}{until}."
    return hours_summary(snapshot, local_now, note)


def change(turn: Turn, meaning: Understanding) -> Reply:
    """Changes to the menu, the hours or the diner's opening: refused, held for a YES, or applied now."""
    unsupported = next((c for c in meaning.commands if c.action in _NOT_YET), None)
    if unsupported is not None:
        return not_yet_supported(turn, meaning)
    refused = permissions.refusal(turn.actor, meaning.commands)
    if refused is not None:
        return turn.remember(Reply(refused, "refused"))
    if meaning.needs_confirmation:
        return confirmations.ask(turn, meaning)
    return apply_now(turn, meaning.commands)


def apply_now(turn: Turn, commands: Sequence[Command]) -> Reply:
    def work(uow: UnitOfWork) -> Reply:
        local = uow.now.astimezone(turn.local.tzinfo)
        changes = apply_all(uow, commands, turn.snapshot, local.date())
        return Reply(done_text(changes, turn.tenant, local), "applied", undo=any(c.changed for c in changes))

    return turn.write(work)


def not_yet_supported(turn: Turn, meaning: Understanding) -> Reply:
    first = next(c for c in meaning.commands if c.action in _NOT_YET)
    return turn.remember(Reply(f"{_NOT_YET[first.action]} Nothing changed.", "invalid"))


HANDLERS: dict[str, Handler] = {
    "confirm": confirmations.confirm,
    "cancel": confirmations.cancel,
    "undo": undo.undo,
    "help": show_help,
    "show_menu": show_menu,
    "show_hours": show_hours,
    "update_price": change,
    "toggle_available": change,
    "change_hours": change,
    "close_emergency": change,
    "reopen": change,
    "add_special": not_yet_supported,
    "add_item": not_yet_supported,
    "rename_item": not_yet_supported,
    "remove_item": not_yet_supported,
}
