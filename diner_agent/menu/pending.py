"""Pending confirmations: changes held for a YES (an LLM reading, a fuzzy match, a large price change).

At most one is waiting per person: a new one supersedes the older. Each is resolved exactly once
(applied, cancelled, expired, failed), whichever worker or button click gets there first.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from diner_agent.menu import models as m
from diner_agent.menu.records import PendingRecord
from diner_agent.menu.transaction import Transaction


@dataclass(slots=True)
class SqlPending:
    _txn: Transaction

    def create(self, commands: list[dict], prompt: str, ttl: timedelta) -> PendingRecord:
        txn = self._txn
        txn.session.execute(
            update(m.PendingConfirmation)
            .where(
                m.PendingConfirmation.tenant_id == txn.tenant_id,
                m.PendingConfirmation.actor == txn.actor.key,
                m.PendingConfirmation.status == "pending",
            )
            .values(status="superseded", resolved_at=txn.now)
        )
        row = m.PendingConfirmation(
            id=str(uuid.uuid4()),
            tenant_id=txn.tenant_id,
            actor=txn.actor.key,
            channel=txn.actor.channel,
            commands=commands,
            prompt=prompt,
            created_at=txn.now,
            expires_at=txn.now + ttl,
            status="pending",
        )
        txn.session.add(row)
        txn.session.flush()
        return _pending_record(row)

    def get(self, pending_id: str | None = None) -> PendingRecord | None:
        txn = self._txn
        query = select(m.PendingConfirmation).where(m.PendingConfirmation.tenant_id == txn.tenant_id)
        if pending_id is not None:
            query = query.where(m.PendingConfirmation.id == pending_id)
        else:
            query = query.where(m.PendingConfirmation.actor == txn.actor.key).order_by(
                m.PendingConfirmation.created_at.desc()
            )
        row = txn.session.scalar(query.limit(1).with_for_update())
        return None if row is None else _pending_record(row)

    def resolve(self, pending_id: str, status: str, outcome: str) -> bool:
        txn = self._txn
        result = txn.session.execute(
            update(m.PendingConfirmation)
            .where(
                m.PendingConfirmation.id == pending_id,
                m.PendingConfirmation.tenant_id == txn.tenant_id,
                m.PendingConfirmation.status == "pending",
            )
            .values(status=status, resolved_at=txn.now, outcome=outcome)
        )
        return result.rowcount == 1


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
