"""ChangeSet: the operations of one write transaction for one tenant, each with its audit entry.

A ChangeSet is only created by `MenuStore.changes()`, which holds the tenant lock and commits or rolls
back everything at once; every query here is filtered by that tenant, so no operation can reach another
diner's rows whatever ids it is given.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, and_, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from diner_agent.menu import models as m
from diner_agent.menu.records import WEEKDAYS, Actor, AuditRecord, ClosureInfo, Interval, MenuItem, PendingRecord

UNDO_PREFIX = "undo:"

# Statements of the hot path, built once: building SQL expressions costs more than running them.
_CLAIM_SQLITE = sqlite_insert(m.ProcessedMessage).on_conflict_do_nothing().returning(m.ProcessedMessage.message_id)
_CLAIM_PG = pg_insert(m.ProcessedMessage).on_conflict_do_nothing().returning(m.ProcessedMessage.message_id)
_MESSAGE = and_(
    m.ProcessedMessage.channel == bindparam("b_channel"), m.ProcessedMessage.message_id == bindparam("b_message_id")
)
STORED_REPLY = select(m.ProcessedMessage.reply).where(_MESSAGE)
_SET_REPLY = update(m.ProcessedMessage).where(_MESSAGE).values(reply=bindparam("b_reply"))
_THIS_ITEM = and_(m.Item.id == bindparam("b_id"), m.Item.tenant_id == bindparam("b_tenant"))
_ITEM = select(m.Item.id, m.Item.name, m.Item.category, m.Item.price_cents, m.Item.available, m.Item.aliases).where(
    _THIS_ITEM
)
_ITEM_FOR_UPDATE = (
    select(m.Item.id, m.Item.name, m.Item.price_cents, m.Item.available).where(_THIS_ITEM).with_for_update()
)
_SET_PRICE = update(m.Item).where(_THIS_ITEM).values(price_cents=bindparam("b_cents"))
_SET_AVAILABLE = update(m.Item).where(_THIS_ITEM).values(available=bindparam("b_available"))
_AUDIT = insert(m.AuditEntry)
_BUMP_VERSION = update(m.Tenant).where(m.Tenant.id == bindparam("b_tenant")).values(version=m.Tenant.version + 1)


@dataclass(frozen=True, slots=True)
class Change:
    """What one operation did: `old` and `new` in the units the store keeps (cents, bools, intervals)."""

    action: str
    target: str | None
    old: object
    new: object

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _day_key(day: str | date) -> str:
    return day.isoformat() if isinstance(day, date) else day


def _intervals_json(intervals: tuple[Interval, ...] | None) -> list[list[str]] | None:
    return None if intervals is None else [list(i) for i in intervals]


class ChangeSet:
    def __init__(
        self, conn: Connection, tenant_id: str, actor: Actor, *, now: datetime, message_id: str | None
    ) -> None:
        self.conn = conn
        self._session: Session | None = None
        self.tenant_id = tenant_id
        self.actor = actor
        self.now = now
        self.message_id = message_id
        self.batch_id = str(uuid.uuid4())
        self.changes: list[Change] = []
        self._undoing = False

    @property
    def session(self) -> Session:
        """An ORM session inside the same transaction, made only when a less frequent change (hours,
        closures, confirmations) needs one; prices and availability go through Core on `conn`."""
        if self._session is None:
            self._session = Session(bind=self.conn, expire_on_commit=False, autoflush=True)
        return self._session

    def flush(self) -> None:
        if self._session is not None:
            self._session.flush()

    # --- inbound message ids -------------------------------------------------------------------------

    def claim_message(self, channel: str, message_id: str) -> bool:
        """Record the message id; False when it was already handled (by this or a concurrent worker)."""
        values = {
            "channel": channel,
            "message_id": message_id,
            "tenant_id": self.tenant_id,
            "reply": "",
            "at": self.now,
        }
        claim = _CLAIM_PG if self.conn.dialect.name == "postgresql" else _CLAIM_SQLITE
        # RETURNING, not rowcount: some drivers report no rowcount for INSERT ... ON CONFLICT DO NOTHING.
        return self.conn.execute(claim, values).first() is not None

    def stored_reply(self, channel: str, message_id: str) -> str | None:
        return self.conn.scalar(STORED_REPLY, {"b_channel": channel, "b_message_id": message_id})

    def set_reply(self, channel: str, message_id: str, reply: str) -> None:
        self.conn.execute(_SET_REPLY, {"b_channel": channel, "b_message_id": message_id, "b_reply": reply})

    # --- the menu --------------------------------------------------------------------------------------

    def _item(self, item_id: int):  # type: ignore[no-untyped-def]
        row = self.conn.execute(_ITEM_FOR_UPDATE, {"b_id": item_id, "b_tenant": self.tenant_id}).first()
        if row is None:
            raise LookupError(f"item {item_id} is not on this tenant's menu")
        return row

    def item(self, item_id: int) -> MenuItem | None:
        row = self.conn.execute(_ITEM, {"b_id": item_id, "b_tenant": self.tenant_id}).first()
        return None if row is None else MenuItem(*row[:5], tuple(row.aliases or ()))

    def set_price(self, item_id: int, cents: int) -> Change:
        item = self._item(item_id)
        change = Change("update_price", item.name, item.price_cents, cents)
        self.conn.execute(_SET_PRICE, {"b_id": item_id, "b_tenant": self.tenant_id, "b_cents": cents})
        self._audit(change, {"id": item.id, "price_cents": change.old}, {"id": item.id, "price_cents": cents})
        return change

    def set_available(self, item_id: int, available: bool) -> Change:
        item = self._item(item_id)
        change = Change("toggle_available", item.name, item.available, available)
        self.conn.execute(_SET_AVAILABLE, {"b_id": item_id, "b_tenant": self.tenant_id, "b_available": available})
        self._audit(change, {"id": item.id, "available": change.old}, {"id": item.id, "available": available})
        return change

    def hours(self, day: str | date) -> tuple[Interval, ...] | None:
        """Stored intervals for a weekday key or a date; None when no row exists."""
        if isinstance(day, date):
            row = self.session.get(m.SpecialHours, (self.tenant_id, day))
        else:
            row = self.session.get(m.WeeklyHours, (self.tenant_id, day))
        return None if row is None else tuple((a, b) for a, b in row.intervals)

    def set_hours(self, day: str | date, intervals: tuple[Interval, ...] | None) -> Change:
        """Replace a day's hours. For a weekday, () and None both mean closed; for a date, None removes
        the special hours so the weekday's apply again (used by UNDO)."""
        stored = self.hours(day)
        if isinstance(day, date):
            # What was in force that day: the special hours, else the weekday's (for the reply);
            # the audit keeps what was stored (None: no special hours) so UNDO can restore exactly that.
            weekday = self.hours(WEEKDAYS[day.weekday()]) or ()
            old = stored if stored is not None else weekday
            effective = intervals if intervals is not None else weekday
            row = self.session.get(m.SpecialHours, (self.tenant_id, day))
            if intervals is None:
                if row is not None:
                    self.session.delete(row)
            elif row is None:
                self.session.add(
                    m.SpecialHours(tenant_id=self.tenant_id, day=day, intervals=_intervals_json(intervals))
                )
            else:
                row.intervals = _intervals_json(intervals)
        else:
            old = stored = stored or ()  # a weekday without a row is closed
            effective = intervals or ()
            row = self.session.get(m.WeeklyHours, (self.tenant_id, day))
            if not intervals:
                if row is not None:
                    self.session.delete(row)
                intervals = ()
            elif row is None:
                self.session.add(m.WeeklyHours(tenant_id=self.tenant_id, day=day, intervals=_intervals_json(intervals)))
            else:
                row.intervals = _intervals_json(intervals)
        change = Change("change_hours", _day_key(day), old, effective)
        self._audit(change, _intervals_json(stored), _intervals_json(intervals))
        self.session.flush()
        return change

    # --- emergency closures ----------------------------------------------------------------------------

    def _active_closure(self) -> m.Closure | None:
        rows = self.session.scalars(
            select(m.Closure)
            .where(m.Closure.tenant_id == self.tenant_id, m.Closure.ended_at.is_(None))
            .order_by(m.Closure.since.desc())
        )
        for row in rows:
            if row.since <= self.now and (row.until is None or self.now < row.until):
                return row
        return None

    def active_closure(self) -> ClosureInfo | None:
        row = self._active_closure()
        return None if row is None else ClosureInfo(row.id, row.reason, row.since, row.until)

    def start_closure(self, reason: str | None, until: datetime | None) -> Change:
        """Close now; an already active closure is replaced (its reason and end are updated)."""
        current = self._active_closure()
        old = None
        if current is not None:
            old = {"closure_id": current.id, "reason": current.reason, "until": _iso(current.until)}
            current.ended_at = self.now
        row = m.Closure(tenant_id=self.tenant_id, reason=reason, since=self.now, until=until)
        self.session.add(row)
        self.session.flush()
        new = {"closure_id": row.id, "reason": reason, "until": _iso(until)}
        change = Change("close_emergency", None, old, new)
        self._audit(change, old, new)
        return change

    def end_closure(self) -> Change:
        current = self._active_closure()
        if current is None:
            return Change("reopen", None, None, None)
        current.ended_at = self.now
        old = {"closure_id": current.id, "reason": current.reason, "until": _iso(current.until)}
        change = Change("reopen", None, old, None)
        self._audit(change, old, None)
        return change

    # --- audit and undo -----------------------------------------------------------------------------

    def _audit(self, change: Change, old: object, new: object) -> None:
        """Record the change; the tenant's version is bumped once, when the transaction ends."""
        self.changes.append(change)
        self.flush()  # rows the ORM made (hours, closures) go first, in the order they happened
        self.conn.execute(
            _AUDIT,
            {
                "tenant_id": self.tenant_id,
                "batch_id": self.batch_id,
                "at": self.now,
                "actor": self.actor.key,
                "actor_name": self.actor.name,
                "channel": self.actor.channel,
                "action": (UNDO_PREFIX + change.action) if self._undoing else change.action,
                "target": change.target,
                "old": old,
                "new": new,
                "message_id": self.message_id,
            },
        )

    def finish(self) -> None:
        """Called by MenuStore.changes() before commit: mark the tenant's menu as changed for every cache."""
        self.flush()
        if self.changes:
            self.conn.execute(_BUMP_VERSION, {"b_tenant": self.tenant_id})

    def last_batch(self, within: timedelta) -> list[AuditRecord]:
        """The actor's most recent change batch within `within` that is not undone (oldest entry first)."""
        latest = self.session.scalar(
            select(m.AuditEntry.batch_id)
            .where(
                m.AuditEntry.tenant_id == self.tenant_id,
                m.AuditEntry.actor == self.actor.key,
                m.AuditEntry.at >= self.now - within,
                m.AuditEntry.undone_by.is_(None),
                m.AuditEntry.action.not_like(UNDO_PREFIX + "%"),
            )
            .order_by(m.AuditEntry.at.desc(), m.AuditEntry.id.desc())
            .limit(1)
        )
        if latest is None:
            return []
        rows = self.session.scalars(
            select(m.AuditEntry)
            .where(m.AuditEntry.tenant_id == self.tenant_id, m.AuditEntry.batch_id == latest)
            .order_by(m.AuditEntry.id)
        )
        return [_audit_record(r) for r in rows]

    def mark_undone(self, batch_id: str) -> None:
        self.session.execute(
            update(m.AuditEntry)
            .where(and_(m.AuditEntry.tenant_id == self.tenant_id, m.AuditEntry.batch_id == batch_id))
            .values(undone_by=self.batch_id)
        )

    def undoing(self) -> ChangeSet:
        """Mark the changes that follow as an undo (audited as `undo:<action>`)."""
        self._undoing = True
        return self

    def reactivate_closure(self, closure_id: int) -> Change:
        row = self.session.scalar(
            select(m.Closure).where(m.Closure.id == closure_id, m.Closure.tenant_id == self.tenant_id)
        )
        if row is None or row.ended_at is None or (row.until is not None and row.until <= self.now):
            return Change("close_emergency", None, None, None)
        row.ended_at = None
        new = {"closure_id": row.id, "reason": row.reason, "until": _iso(row.until)}
        change = Change("close_emergency", None, None, new)
        self._audit(change, None, new)
        return change

    def closure_open(self, closure_id: int) -> bool:
        row = self.session.scalar(
            select(m.Closure).where(m.Closure.id == closure_id, m.Closure.tenant_id == self.tenant_id)
        )
        return row is not None and row.ended_at is None

    def end_closure_by_id(self, closure_id: int) -> Change:
        row = self.session.scalar(
            select(m.Closure).where(m.Closure.id == closure_id, m.Closure.tenant_id == self.tenant_id)
        )
        if row is None or row.ended_at is not None:
            return Change("reopen", None, None, None)
        row.ended_at = self.now
        old = {"closure_id": row.id, "reason": row.reason, "until": _iso(row.until)}
        change = Change("reopen", None, old, None)
        self._audit(change, old, None)
        return change

    # --- pending confirmations -----------------------------------------------------------------------

    def create_pending(self, commands: list[dict], prompt: str, ttl: timedelta) -> PendingRecord:
        """Store changes awaiting YES; any older pending request of the same actor is superseded."""
        self.session.execute(
            update(m.PendingConfirmation)
            .where(
                m.PendingConfirmation.tenant_id == self.tenant_id,
                m.PendingConfirmation.actor == self.actor.key,
                m.PendingConfirmation.status == "pending",
            )
            .values(status="superseded", resolved_at=self.now)
        )
        row = m.PendingConfirmation(
            id=str(uuid.uuid4()),
            tenant_id=self.tenant_id,
            actor=self.actor.key,
            channel=self.actor.channel,
            commands=commands,
            prompt=prompt,
            created_at=self.now,
            expires_at=self.now + ttl,
            status="pending",
        )
        self.session.add(row)
        self.session.flush()
        return _pending_record(row)

    def pending(self, pending_id: str | None = None) -> PendingRecord | None:
        """A pending confirmation by id, or else the actor's latest one (any status; callers check)."""
        query = select(m.PendingConfirmation).where(m.PendingConfirmation.tenant_id == self.tenant_id)
        if pending_id is not None:
            query = query.where(m.PendingConfirmation.id == pending_id)
        else:
            query = query.where(m.PendingConfirmation.actor == self.actor.key).order_by(
                m.PendingConfirmation.created_at.desc()
            )
        row = self.session.scalar(query.limit(1).with_for_update())
        return None if row is None else _pending_record(row)

    def resolve_pending(self, pending_id: str, status: str, outcome: str) -> bool:
        """Move a pending confirmation out of `pending` exactly once; False if it already was."""
        result = self.session.execute(
            update(m.PendingConfirmation)
            .where(
                m.PendingConfirmation.id == pending_id,
                m.PendingConfirmation.tenant_id == self.tenant_id,
                m.PendingConfirmation.status == "pending",
            )
            .values(status=status, resolved_at=self.now, outcome=outcome)
        )
        return result.rowcount == 1


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _audit_record(row: m.AuditEntry) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        batch_id=row.batch_id,
        at=row.at,
        actor=row.actor,
        actor_name=row.actor_name,
        channel=row.channel,
        action=row.action,
        target=row.target,
        old=row.old,
        new=row.new,
        undone_by=row.undone_by,
    )


def _pending_record(row: m.PendingConfirmation) -> PendingRecord:
    return PendingRecord(
        id=row.id,
        tenant_id=row.tenant_id,
        actor=row.actor,
        channel=row.channel,
        commands=list(row.commands),
        prompt=row.prompt,
        created_at=row.created_at,
        expires_at=row.expires_at,
        status=row.status,
        outcome=row.outcome,
    )
