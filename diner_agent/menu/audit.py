"""The audit trail: one entry per change (who, channel, old, new), grouped in batches, one per unit of work.

UNDO reverts the actor's latest batch; the undo's own entries are marked `undo:<action>` and the batch
is marked undone by the undo's batch, so a second UNDO reaches the batch before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, bindparam, insert, select, update

from diner_agent.menu import models as m
from diner_agent.menu.records import AuditRecord, Change
from diner_agent.menu.transaction import Transaction

UNDO_PREFIX = "undo:"
_AUDIT = insert(m.AuditEntry)
_BUMP_VERSION = update(m.Tenant).where(m.Tenant.id == bindparam("b_tenant")).values(version=m.Tenant.version + 1)


@dataclass(slots=True)
class SqlAuditTrail:
    _txn: Transaction
    batch_id: str
    changes: list[Change] = field(default_factory=list)  # this unit of work's, in order
    _undoing: bool = False

    def record(self, change: Change, old: object, new: object) -> None:
        """Audit a change with the stored forms of its old and new values; the diner's version is bumped
        once, when the transaction ends (`finish`)."""
        txn = self._txn
        self.changes.append(change)
        txn.flush()  # rows the ORM made (hours, closures) go first, in the order they happened
        txn.conn.execute(
            _AUDIT,
            {
                "tenant_id": txn.tenant_id,
                "batch_id": txn.batch_id,
                "at": txn.now,
                "actor": txn.actor.key,
                "actor_name": txn.actor.name,
                "actor_role": txn.actor.role,
                "channel": txn.actor.channel,
                "action": (UNDO_PREFIX + change.action) if self._undoing else change.action,
                "target": change.target,
                "old": old,
                "new": new,
                "message_id": txn.message_id,
            },
        )

    def finish(self) -> None:
        """Before commit: mark the diner's menu as changed for every worker's cached snapshot."""
        self._txn.flush()
        if self.changes:
            self._txn.conn.execute(_BUMP_VERSION, {"b_tenant": self._txn.tenant_id})

    def last_batch(self, within: timedelta) -> list[AuditRecord]:
        txn = self._txn
        latest = txn.session.scalar(
            select(m.AuditEntry.batch_id)
            .where(
                m.AuditEntry.tenant_id == txn.tenant_id,
                m.AuditEntry.actor == txn.actor.key,
                m.AuditEntry.at >= txn.now - within,
                m.AuditEntry.undone_by.is_(None),
                m.AuditEntry.action.not_like(UNDO_PREFIX + "%"),
            )
            .order_by(m.AuditEntry.at.desc(), m.AuditEntry.id.desc())
            .limit(1)
        )
        if latest is None:
            return []
        return self.batch(latest)

    def batch(self, batch_id: str) -> list[AuditRecord]:
        """One batch of this diner's by its id (an Undo button names its batch), oldest entry first;
        empty for an id that is not this diner's."""
        txn = self._txn
        rows = txn.session.scalars(
            select(m.AuditEntry)
            .where(m.AuditEntry.tenant_id == txn.tenant_id, m.AuditEntry.batch_id == batch_id)
            .order_by(m.AuditEntry.id)
        )
        return [_audit_record(r) for r in rows]

    def undoing(self) -> None:
        self._undoing = True

    def mark_undone(self, batch_id: str) -> None:
        txn = self._txn
        txn.session.execute(
            update(m.AuditEntry)
            .where(and_(m.AuditEntry.tenant_id == txn.tenant_id, m.AuditEntry.batch_id == batch_id))
            .values(undone_by=txn.batch_id)
        )


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
        actor_role=row.actor_role,
    )
