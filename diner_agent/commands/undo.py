"""UNDO: revert the sender's last batch of changes from the last 24 hours, unless something in it was
changed again since (undoing then would silently throw away someone's later change). A Slack Undo button
names its batch, and undoes exactly that one. Either way the sender's current role decides
(permissions.undo_refusal)."""

from __future__ import annotations

from datetime import date, timedelta

from diner_agent.commands import permissions
from diner_agent.commands.apply import ApplyError, day_of
from diner_agent.commands.change_text import applied
from diner_agent.commands.model import Reply
from diner_agent.commands.replies import fit, join
from diner_agent.commands.turn import Turn
from diner_agent.commands.understand import Understanding
from diner_agent.commands.unit_of_work import UnitOfWork
from diner_agent.menu.records import AuditRecord, Change

UNDO_WINDOW = timedelta(hours=24)
UNDO_PREFIX = "undo:"  # how the audit marks an undo's own entries


def undo(turn: Turn, meaning: Understanding | None, uow: UnitOfWork | None) -> Reply:
    assert uow is not None
    batch = uow.audit.last_batch(UNDO_WINDOW)
    if not batch:
        return Reply("You have no change from the last 24 hours to undo.", "info")
    return _undone(turn, uow, batch)


def undo_clicked(turn: Turn, meaning: Understanding | None, uow: UnitOfWork | None) -> Reply:
    """An Undo button: exactly the batch it was posted with, or why not."""
    assert uow is not None
    batch = uow.audit.batch(turn.inbound.batch_id or "")
    if not batch or batch[0].action.startswith(UNDO_PREFIX):
        return Reply("That change is not on record here, so there is nothing to undo.", "info")
    if any(r.undone_by for r in batch):
        return Reply("That change was already undone.", "info")
    if batch[0].at < uow.now - UNDO_WINDOW:
        return Reply("That change is more than 24 hours old, so it can't be undone any more.", "info")
    return _undone(turn, uow, batch)


def _undone(turn: Turn, uow: UnitOfWork, batch: list[AuditRecord]) -> Reply:
    refused = permissions.undo_refusal(turn.actor, batch)
    if refused is not None:
        return Reply(refused, "refused")
    lines = [applied(c, turn.tenant, turn.local) for c in undo_batch(uow, batch) if c.changed]
    return Reply(fit(join(["Undone.", *lines])), "applied")


def undo_batch(uow: UnitOfWork, batch: list[AuditRecord]) -> list[Change]:
    """Revert a batch (newest entry first). Raises ApplyError, changing nothing, if anything in it was
    changed again since: undoing then would silently throw away someone's later change."""
    uow.audit.undoing()
    changes: list[Change] = []
    for record in reversed(batch):
        old, new = record.old, record.new
        if record.action == "update_price":
            item_id = new["id"]  # type: ignore[index]
            current = uow.items.item(item_id)
            if current is None or current.price_cents != new["price_cents"]:  # type: ignore[index]
                raise ApplyError(_changed_again(record.target))
            changes.append(uow.items.set_price(item_id, old["price_cents"]))  # type: ignore[index]
        elif record.action == "toggle_available":
            item_id = new["id"]  # type: ignore[index]
            current = uow.items.item(item_id)
            if current is None or current.available != new["available"]:  # type: ignore[index]
                raise ApplyError(_changed_again(record.target))
            changes.append(uow.items.set_available(item_id, old["available"]))  # type: ignore[index]
        elif record.action == "change_hours":
            day = day_of(record.target or "")
            stored = uow.schedule.hours(day)
            current = [list(i) for i in stored] if stored is not None else (None if isinstance(day, date) else [])
            if current != new:
                raise ApplyError(_changed_again(f"The hours for {record.target}", "were"))
            restored = None if old is None else tuple((a, b) for a, b in old)  # type: ignore[union-attr]
            changes.append(uow.schedule.set_hours(day, restored))
        elif record.action == "close_emergency":
            if not uow.schedule.closure_open(new["closure_id"]):  # type: ignore[index]
                raise ApplyError("That closure has already ended, so there is nothing to undo.")
            changes.append(uow.schedule.end_closure_by_id(new["closure_id"]))  # type: ignore[index]
            if isinstance(old, dict):
                changes.append(uow.schedule.reactivate_closure(old["closure_id"]))
        elif record.action == "reopen":
            changes.append(uow.schedule.reactivate_closure(old["closure_id"]))  # type: ignore[index]
    uow.audit.mark_undone(batch[0].batch_id)
    return changes


def _changed_again(what: str | None, verb: str = "was") -> str:
    return (
        f"{what} {verb} changed again since, so I can't undo that without losing the later change. "
        "What should it be now? Send that as a new change."
    )
