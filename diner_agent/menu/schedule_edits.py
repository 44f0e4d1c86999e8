"""Schedule edits: weekly and one-day hours, and emergency closures (through the transaction's ORM session).

A weekday without a row is closed; a date without a row follows its weekday. An emergency closure is
open until it is ended (reopen) or its `until` passes; a new one replaces the one in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from diner_agent.menu import models as m
from diner_agent.menu.audit import SqlAuditTrail
from diner_agent.menu.records import WEEKDAYS, Change, Interval
from diner_agent.menu.transaction import Transaction, iso


def _day_key(day: str | date) -> str:
    return day.isoformat() if isinstance(day, date) else day


def _intervals_json(intervals: tuple[Interval, ...] | None) -> list[list[str]] | None:
    return None if intervals is None else [list(i) for i in intervals]


@dataclass(slots=True)
class SqlScheduleEdits:
    _txn: Transaction
    _audit: SqlAuditTrail

    # --- hours -----------------------------------------------------------------------------------------

    def _row(self, day: str | date) -> m.SpecialHours | m.WeeklyHours | None:
        table = m.SpecialHours if isinstance(day, date) else m.WeeklyHours
        return self._txn.session.get(table, (self._txn.tenant_id, day))

    def hours(self, day: str | date) -> tuple[Interval, ...] | None:
        row = self._row(day)
        return None if row is None else tuple((a, b) for a, b in row.intervals)

    def set_hours(self, day: str | date, intervals: tuple[Interval, ...] | None) -> Change:
        session, tenant_id = self._txn.session, self._txn.tenant_id
        stored = self.hours(day)
        row = self._row(day)
        if isinstance(day, date):
            # What was in force that day: the special hours, else the weekday's (for the reply); the
            # audit keeps what was stored (None: no special hours) so UNDO can restore exactly that.
            weekday = self.hours(WEEKDAYS[day.weekday()]) or ()
            old = stored if stored is not None else weekday
            effective = intervals if intervals is not None else weekday
            if intervals is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(m.SpecialHours(tenant_id=tenant_id, day=day, intervals=_intervals_json(intervals)))
            else:
                row.intervals = _intervals_json(intervals)
        else:
            old = stored = stored or ()  # a weekday without a row is closed
            effective = intervals or ()
            if not intervals:
                if row is not None:
                    session.delete(row)
                intervals = ()
            elif row is None:
                session.add(m.WeeklyHours(tenant_id=tenant_id, day=day, intervals=_intervals_json(intervals)))
            else:
                row.intervals = _intervals_json(intervals)
        change = Change("change_hours", _day_key(day), old, effective)
        self._audit.record(change, _intervals_json(stored), _intervals_json(intervals))
        session.flush()
        return change

    # --- emergency closures ----------------------------------------------------------------------------

    def _closure(self, closure_id: int) -> m.Closure | None:
        return self._txn.session.scalar(
            select(m.Closure).where(m.Closure.id == closure_id, m.Closure.tenant_id == self._txn.tenant_id)
        )

    def _active_closure(self) -> m.Closure | None:
        now = self._txn.now
        rows = self._txn.session.scalars(
            select(m.Closure)
            .where(m.Closure.tenant_id == self._txn.tenant_id, m.Closure.ended_at.is_(None))
            .order_by(m.Closure.since.desc())
        )
        for row in rows:
            if row.since <= now and (row.until is None or now < row.until):
                return row
        return None

    def start_closure(self, reason: str | None, until: datetime | None) -> Change:
        """Close now; an already active closure is replaced (its reason and end are updated)."""
        txn = self._txn
        current = self._active_closure()
        old = None
        if current is not None:
            old = {"closure_id": current.id, "reason": current.reason, "until": iso(current.until)}
            current.ended_at = txn.now
        row = m.Closure(tenant_id=txn.tenant_id, reason=reason, since=txn.now, until=until)
        txn.session.add(row)
        txn.session.flush()
        new = {"closure_id": row.id, "reason": reason, "until": iso(until)}
        change = Change("close_emergency", None, old, new)
        self._audit.record(change, old, new)
        return change

    def end_closure(self) -> Change:
        current = self._active_closure()
        if current is None:
            return Change("reopen", None, None, None)
        return self._end(current)

    def closure_open(self, closure_id: int) -> bool:
        row = self._closure(closure_id)
        return row is not None and row.ended_at is None

    def end_closure_by_id(self, closure_id: int) -> Change:
        row = self._closure(closure_id)
        if row is None or row.ended_at is not None:
            return Change("reopen", None, None, None)
        return self._end(row)

    def _end(self, row: m.Closure) -> Change:
        row.ended_at = self._txn.now
        old = {"closure_id": row.id, "reason": row.reason, "until": iso(row.until)}
        change = Change("reopen", None, old, None)
        self._audit.record(change, old, None)
        return change

    def reactivate_closure(self, closure_id: int) -> Change:
        row = self._closure(closure_id)
        if row is None or row.ended_at is None or (row.until is not None and row.until <= self._txn.now):
            return Change("close_emergency", None, None, None)
        row.ended_at = None
        new = {"closure_id": row.id, "reason": row.reason, "until": iso(row.until)}
        change = Change("close_emergency", None, None, new)
        self._audit.record(change, None, new)
        return change
