"""FakeUnitOfWork: the parts of the command layer's unit of work (inbox, item edits, hours and closures,
audit, pending confirmations) over the in-memory state of tests/fakes/menus.py, with the SQL store's
semantics: the same Change values, the same audit entries (old and new in the stored forms UNDO reads),
one pending request per person, and every operation confined to its diner."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from diner_agent.menu.records import WEEKDAYS, Actor, AuditRecord, Change, Interval, MenuItem, PendingRecord

if TYPE_CHECKING:
    from tests.fakes.menus import State

UNDO_PREFIX = "undo:"


class _Part:
    def __init__(self, work: FakeUnitOfWork) -> None:
        self.work = work
        self.state: State = work.state
        self.tenant_id = work.tenant_id


class FakeInbox(_Part):
    def record(self, channel: str, message_id: str, reply: str) -> bool:
        if (channel, message_id) in self.state.processed:
            return False
        self.state.processed[(channel, message_id)] = reply
        return True


class FakeItemEdits(_Part):
    def item(self, item_id: int) -> MenuItem | None:
        return self.state.items[self.tenant_id].get(item_id)

    def _set(self, item_id: int, action: str, field: str, value: object) -> Change:
        item = self.item(item_id)
        if item is None:
            raise LookupError(f"item {item_id} is not on this tenant's menu")
        change = Change(action, item.name, getattr(item, field), value)
        self.state.items[self.tenant_id][item_id] = replace(item, **{field: value})
        self.work.audit.record(change, {"id": item_id, field: change.old}, {"id": item_id, field: value})
        return change

    def set_price(self, item_id: int, cents: int) -> Change:
        return self._set(item_id, "update_price", "price_cents", cents)

    def set_available(self, item_id: int, available: bool) -> Change:
        return self._set(item_id, "toggle_available", "available", available)


def _json(intervals: tuple[Interval, ...] | None) -> list[list[str]] | None:
    return None if intervals is None else [list(i) for i in intervals]


class FakeScheduleEdits(_Part):
    def hours(self, day: str | date) -> tuple[Interval, ...] | None:
        table = self.state.special if isinstance(day, date) else self.state.weekly
        return table[self.tenant_id].get(day)

    def set_hours(self, day: str | date, intervals: tuple[Interval, ...] | None) -> Change:
        """A date's None removes its special hours (its weekday's apply again); a weekday's () or None
        closes it. The audit keeps what was stored, so UNDO restores exactly that."""
        stored = self.hours(day)
        if isinstance(day, date):
            special = self.state.special[self.tenant_id]
            weekday = self.hours(WEEKDAYS[day.weekday()]) or ()
            old = stored if stored is not None else weekday
            effective = intervals if intervals is not None else weekday
            if intervals is None:
                special.pop(day, None)
            else:
                special[day] = intervals
            key = day.isoformat()
        else:
            weekly = self.state.weekly[self.tenant_id]
            old = stored = stored or ()
            intervals = effective = intervals or ()
            if intervals:
                weekly[day] = intervals
            else:
                weekly.pop(day, None)
            key = day
        change = Change("change_hours", key, old, effective)
        self.work.audit.record(change, _json(stored), _json(intervals))
        return change

    def _closures(self):  # type: ignore[no-untyped-def]
        return self.state.closures[self.tenant_id]

    def _active(self):  # type: ignore[no-untyped-def]
        """The newest closure in force now (one whose `until` has passed has ended by itself)."""
        now = self.work.now
        running = [c for c in self._closures() if c.ended_at is None and c.since <= now]
        running = [c for c in running if c.until is None or now < c.until]
        return max(running, key=lambda c: c.since, default=None)

    def start_closure(self, reason: str | None, until: datetime | None) -> Change:
        from tests.fakes.menus import Closure

        current, old = self._active(), None
        if current is not None:
            old = {"closure_id": current.id, "reason": current.reason, "until": _iso(current.until)}
            current.ended_at = self.work.now
        closure = Closure(self.state.next_id(), reason, self.work.now, until)
        self._closures().append(closure)
        new = {"closure_id": closure.id, "reason": reason, "until": _iso(until)}
        change = Change("close_emergency", None, old, new)
        self.work.audit.record(change, old, new)
        return change

    def end_closure(self) -> Change:
        current = self._active()
        return Change("reopen", None, None, None) if current is None else self._end(current)

    def _by_id(self, closure_id: int):  # type: ignore[no-untyped-def]
        return next((c for c in self._closures() if c.id == closure_id), None)

    def closure_open(self, closure_id: int) -> bool:
        closure = self._by_id(closure_id)
        return closure is not None and closure.ended_at is None

    def end_closure_by_id(self, closure_id: int) -> Change:
        closure = self._by_id(closure_id)
        if closure is None or closure.ended_at is not None:
            return Change("reopen", None, None, None)
        return self._end(closure)

    def _end(self, closure) -> Change:  # type: ignore[no-untyped-def]
        closure.ended_at = self.work.now
        old = {"closure_id": closure.id, "reason": closure.reason, "until": _iso(closure.until)}
        change = Change("reopen", None, old, None)
        self.work.audit.record(change, old, None)
        return change

    def reactivate_closure(self, closure_id: int) -> Change:
        closure = self._by_id(closure_id)
        if (
            closure is None
            or closure.ended_at is None
            or (closure.until is not None and closure.until <= self.work.now)
        ):
            return Change("close_emergency", None, None, None)
        closure.ended_at = None
        new = {"closure_id": closure.id, "reason": closure.reason, "until": _iso(closure.until)}
        change = Change("close_emergency", None, None, new)
        self.work.audit.record(change, None, new)
        return change


class FakeAudit(_Part):
    def __init__(self, work: FakeUnitOfWork) -> None:
        super().__init__(work)
        self.batch_id = str(uuid.uuid4())
        self.changes: list[Change] = []
        self._undoing = False

    def record(self, change: Change, old: object, new: object) -> None:
        from tests.fakes.menus import AuditRow

        self.changes.append(change)
        work, action = self.work, (UNDO_PREFIX + change.action) if self._undoing else change.action
        actor = work.actor
        entry = AuditRecord(
            self.state.next_id(), self.batch_id, work.now, actor.key, actor.name, actor.channel, action,
            change.target, old, new, actor_role=actor.role,
        )  # fmt: skip
        self.state.audit.append(AuditRow(self.tenant_id, entry, work.message_id))

    def last_batch(self, within: timedelta) -> list[AuditRecord]:
        since, key = self.work.now - within, self.work.actor.key
        mine = [row.record for row in self.state.audit if row.tenant_id == self.tenant_id]
        candidates = [
            r for r in mine
            if r.actor == key and r.at >= since and r.undone_by is None and not r.action.startswith(UNDO_PREFIX)
        ]  # fmt: skip
        if not candidates:
            return []
        return self.batch(max(candidates, key=lambda r: (r.at, r.id)).batch_id)

    def batch(self, batch_id: str) -> list[AuditRecord]:
        mine = [row.record for row in self.state.audit if row.tenant_id == self.tenant_id]
        return sorted((r for r in mine if r.batch_id == batch_id), key=lambda r: r.id)

    def undoing(self) -> None:
        self._undoing = True

    def mark_undone(self, batch_id: str) -> None:
        for row in self.state.audit:
            if row.tenant_id == self.tenant_id and row.record.batch_id == batch_id:
                row.record = replace(row.record, undone_by=self.batch_id)


class FakePending(_Part):
    def create(self, commands: list[dict], prompt: str, ttl: timedelta) -> PendingRecord:
        state, actor, now = self.state, self.work.actor, self.work.now
        for pid, pending in list(state.pending.items()):
            if pending.tenant_id == self.tenant_id and pending.actor == actor.key and pending.status == "pending":
                state.pending[pid] = replace(pending, status="superseded")
        pending = PendingRecord(str(uuid.uuid4()), self.tenant_id, actor.key, actor.channel, list(commands), prompt,
                                now, now + ttl)  # fmt: skip
        state.pending[pending.id] = pending
        return pending

    def get(self, pending_id: str | None = None) -> PendingRecord | None:
        mine = [p for p in self.state.pending.values() if p.tenant_id == self.tenant_id]
        if pending_id is not None:
            return next((p for p in mine if p.id == pending_id), None)
        theirs = [p for p in mine if p.actor == self.work.actor.key]
        # The latest; of two made at the same instant (a fake clock), the one made last.
        return max(reversed(theirs), key=lambda p: p.created_at, default=None)  # type: ignore[arg-type, return-value]

    def resolve(self, pending_id: str, status: str, outcome: str) -> bool:
        pending = self.state.pending.get(pending_id)
        if pending is None or pending.tenant_id != self.tenant_id or pending.status != "pending":
            return False
        self.state.pending[pending_id] = replace(pending, status=status, outcome=outcome)
        return True


class FakeUnitOfWork:
    def __init__(self, state: State, tenant_id: str, actor: Actor, now: datetime, message_id: str | None) -> None:
        self.state, self.tenant_id, self.actor, self.now, self.message_id = state, tenant_id, actor, now, message_id
        self.inbox = FakeInbox(self)
        self.audit = FakeAudit(self)
        self.items = FakeItemEdits(self)
        self.schedule = FakeScheduleEdits(self)
        self.pending = FakePending(self)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
