"""Apply commands to the store inside one ChangeSet, preview them against a snapshot, and undo a batch.

Prices, names and availability are absolute by the time they get here; hours are recomputed from the
hours stored at apply time (not the snapshot they were parsed against), so two quick changes to the
same day compose instead of the second silently undoing the first.
"""

from __future__ import annotations

from datetime import date, datetime

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
from diner_agent.menu.changes import Change, ChangeSet
from diner_agent.menu.hours import HoursError, changed_intervals, hours_on, weekday_key
from diner_agent.menu.records import AuditRecord, Interval, MenuSnapshot


class ApplyError(Exception):
    """A command that can no longer be applied (item gone, hours invalid); the message is for the owner."""


def _day(key: str) -> str | date:
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


def apply_command(cs: ChangeSet, cmd: Command, snapshot: MenuSnapshot, today: date) -> list[Change]:
    try:
        return _apply(cs, cmd, snapshot, today)
    except LookupError:
        raise ApplyError(f"{getattr(cmd, 'target', 'That item')} is no longer on the menu.") from None


def _apply(cs: ChangeSet, cmd: Command, snapshot: MenuSnapshot, today: date) -> list[Change]:
    if isinstance(cmd, UpdatePrice | ToggleAvailable):
        item = snapshot.item_named(cmd.target)
        if item is None:
            raise ApplyError(f"{cmd.target} is no longer on the menu.")
        if isinstance(cmd, UpdatePrice):
            cents = to_cents_str(cmd.value)
            if cents <= 0 or cents > snapshot.tenant.max_price_cents:
                raise ApplyError(f"{cmd.value} is not an allowed price.")
            if cmd.based_on is not None:
                current = cs.item(item.id)
                if current is not None and current.price_cents != cmd.based_on:
                    raise ApplyError(f"{item.name}'s price just changed; send the change again.")
            return [cs.set_price(item.id, cents)]
        return [cs.set_available(item.id, cmd.value)]
    if isinstance(cmd, ChangeHours):
        changes = []
        for key in cmd.target:
            day = _day(key)
            if isinstance(day, date):
                base = cs.hours(day)
                if base is None:
                    base = cs.hours(weekday_key(day)) or ()
            else:
                base = cs.hours(day) or ()
            new = new_hours(base, cmd, key, today)
            if new is not None:
                changes.append(cs.set_hours(day, new))
        return changes
    if isinstance(cmd, CloseEmergency):
        return [cs.start_closure(cmd.value.reason, cmd.value.until)]
    if isinstance(cmd, Reopen):
        return [cs.end_closure()]
    raise ApplyError(f"{cmd.action} is not a change.")


def preview(cmd: Command, snapshot: MenuSnapshot, now: datetime, today: date) -> list[Change]:
    """The changes `cmd` would make to `snapshot`, without touching the store."""
    if isinstance(cmd, UpdatePrice | ToggleAvailable):
        item = snapshot.item_named(cmd.target)
        if item is None:
            raise ApplyError(f"{cmd.target} is no longer on the menu.")
        if isinstance(cmd, UpdatePrice):
            return [Change("update_price", item.name, item.price_cents, to_cents_str(cmd.value))]
        return [Change("toggle_available", item.name, item.available, cmd.value)]
    if isinstance(cmd, ChangeHours):
        out = []
        for key in cmd.target:
            day = _day(key)
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


def undo_batch(cs: ChangeSet, batch: list[AuditRecord]) -> list[Change]:
    """Revert a batch (newest entry first). Raises ApplyError, changing nothing, if anything in it was
    changed again since: undoing then would silently throw away someone's later change."""
    cs.undoing()
    changes: list[Change] = []
    for record in reversed(batch):
        old, new = record.old, record.new
        if record.action == "update_price":
            item_id = new["id"]  # type: ignore[index]
            current = cs.item(item_id)
            if current is None or current.price_cents != new["price_cents"]:  # type: ignore[index]
                raise ApplyError(f"{record.target} was changed again since, so I can't undo that.")
            changes.append(cs.set_price(item_id, old["price_cents"]))  # type: ignore[index]
        elif record.action == "toggle_available":
            item_id = new["id"]  # type: ignore[index]
            current = cs.item(item_id)
            if current is None or current.available != new["available"]:  # type: ignore[index]
                raise ApplyError(f"{record.target} was changed again since, so I can't undo that.")
            changes.append(cs.set_available(item_id, old["available"]))  # type: ignore[index]
        elif record.action == "change_hours":
            day = _day(record.target or "")
            stored = cs.hours(day)
            current = [list(i) for i in stored] if stored is not None else (None if isinstance(day, date) else [])
            if current != new:
                raise ApplyError(f"The hours for {record.target} were changed again since, so I can't undo that.")
            restored = None if old is None else tuple((a, b) for a, b in old)  # type: ignore[union-attr]
            changes.append(cs.set_hours(day, restored))
        elif record.action == "close_emergency":
            if not cs.closure_open(new["closure_id"]):  # type: ignore[index]
                raise ApplyError("That closure has already ended, so there is nothing to undo.")
            changes.append(cs.end_closure_by_id(new["closure_id"]))  # type: ignore[index]
            if isinstance(old, dict):
                changes.append(cs.reactivate_closure(old["closure_id"]))
        elif record.action == "reopen":
            changes.append(cs.reactivate_closure(old["closure_id"]))  # type: ignore[index]
    cs.mark_undone(batch[0].batch_id)
    return changes
