"""What each change command does: applied to the store through a unit of work, or previewed on a snapshot.

Prices, names and availability are absolute by the time they get here; hours are recomputed from the
hours stored at apply time (not the snapshot they were parsed against), so two quick changes to the
same day compose instead of the second silently undoing the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from diner_agent.commands.menu_edits import EDITS, EditError, apply_edit, preview_edit
from diner_agent.commands.model import (
    ChangeHours,
    CloseEmergency,
    Command,
    Reopen,
    ToggleAvailable,
    UpdatePrice,
)
from diner_agent.commands.money import to_cents_str
from diner_agent.commands.replies import day_label
from diner_agent.commands.unit_of_work import UnitOfWork
from diner_agent.menu.hours import HoursError, changed_intervals, hours_on, weekday_key
from diner_agent.menu.records import Change, Interval, MenuSnapshot


class ApplyError(Exception):
    """A command that can no longer be applied (item gone, hours invalid); the message is for the owner."""


def day_of(key: str) -> str | date:
    """A weekday key as it is, a date key as a date."""
    return key if len(key) == 3 else date.fromisoformat(key)


def new_hours(base: tuple[Interval, ...], cmd: ChangeHours, key: str, today: date) -> tuple[Interval, ...] | None:
    """The day's hours after `cmd`, or None when the day is skipped: a closed day among several days
    given only an opening or closing time stays closed ("all week close at 9" with Sundays off)."""
    if cmd.value == "closed":
        return ()
    if not base and len(cmd.target) > 1 and (cmd.value.open is None or cmd.value.close is None):
        return None
    try:
        return changed_intervals(base, cmd.value.open, cmd.value.close, day_label=day_label(key, today))
    except HoursError as exc:
        raise ApplyError(str(exc)) from None


def apply_all(uow: UnitOfWork, commands: Sequence[Command], snapshot: MenuSnapshot, today: date) -> list[Change]:
    """Every command's changes, in order; raises ApplyError (and the unit of work rolls back) if one fails."""
    return [change for cmd in commands for change in apply_command(uow, cmd, snapshot, today)]


def preview_all(commands: Sequence[Command], snapshot: MenuSnapshot, now: datetime, today: date) -> list[Change]:
    return [change for cmd in commands for change in preview(cmd, snapshot, now, today)]


def apply_command(uow: UnitOfWork, cmd: Command, snapshot: MenuSnapshot, today: date) -> list[Change]:
    try:
        return _apply(uow, cmd, snapshot, today)
    except LookupError:
        raise ApplyError(f"{getattr(cmd, 'target', 'That item')} is no longer on the menu.") from None


def _apply(uow: UnitOfWork, cmd: Command, snapshot: MenuSnapshot, today: date) -> list[Change]:
    if isinstance(cmd, UpdatePrice | ToggleAvailable):
        item = snapshot.item_named(cmd.target)
        if item is None:
            raise ApplyError(f"{cmd.target} is no longer on the menu.")
        if isinstance(cmd, UpdatePrice):
            cents = to_cents_str(cmd.value)
            if cents <= 0 or cents > snapshot.tenant.max_price_cents:
                raise ApplyError(f"{cmd.value} is not an allowed price.")
            if cmd.based_on is not None:
                current = uow.items.item(item.id)
                if current is not None and current.price_cents != cmd.based_on:
                    raise ApplyError(f"{item.name}'s price just changed; send the change again.")
            return [uow.items.set_price(item.id, cents)]
        return [uow.items.set_available(item.id, cmd.value, cmd.until)]
    if isinstance(cmd, EDITS):
        try:
            return apply_edit(uow, cmd, snapshot)
        except EditError as exc:
            raise ApplyError(str(exc)) from None
    if isinstance(cmd, ChangeHours):
        changes = []
        for key in cmd.target:
            day = day_of(key)
            if isinstance(day, date):
                base = uow.schedule.hours(day)
                if base is None:
                    base = uow.schedule.hours(weekday_key(day)) or ()
            else:
                base = uow.schedule.hours(day) or ()
            new = new_hours(base, cmd, key, today)
            if new is not None:
                changes.append(uow.schedule.set_hours(day, new))
        return changes
    if isinstance(cmd, CloseEmergency):
        return [uow.schedule.start_closure(cmd.value.reason, cmd.value.until)]
    if isinstance(cmd, Reopen):
        return [uow.schedule.end_closure()]
    raise ApplyError(f"{cmd.action} is not a change.")


def preview(cmd: Command, snapshot: MenuSnapshot, now: datetime, today: date) -> list[Change]:
    """The changes `cmd` would make to `snapshot`, without touching the store."""
    if isinstance(cmd, UpdatePrice | ToggleAvailable):
        item = snapshot.item_named(cmd.target)
        if item is None:
            raise ApplyError(f"{cmd.target} is no longer on the menu.")
        if isinstance(cmd, UpdatePrice):
            return [Change("update_price", item.name, item.price_cents, to_cents_str(cmd.value))]
        until = None if cmd.value else cmd.until
        return [Change("toggle_available", item.name, item.available, cmd.value, until, item.sold_out_until)]
    if isinstance(cmd, EDITS):
        try:
            return preview_edit(cmd, snapshot, now)
        except EditError as exc:
            raise ApplyError(str(exc)) from None
    if isinstance(cmd, ChangeHours):
        out = []
        for key in cmd.target:
            day = day_of(key)
            base = hours_on(snapshot, day) if isinstance(day, date) else snapshot.weekly.get(day, ())
            new = new_hours(base, cmd, key, today)
            if new is not None:
                out.append(Change("change_hours", key, base, new))
        return out
    if isinstance(cmd, CloseEmergency):
        value = cmd.value
        new = {"reason": value.reason, "until": value.until.isoformat() if value.until else None}
        return [Change("close_emergency", None, None, new)]
    if isinstance(cmd, Reopen):
        closure = snapshot.closure_at(now)
        old = None if closure is None else {"closure_id": closure.id, "reason": closure.reason}
        return [Change("reopen", None, old, None)]
    return []
