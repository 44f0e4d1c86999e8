"""The durable inbox and outbox in SQL, and how workers claim their rows (docs/availability.md).

Why rows in the database and not a queue on Redis (RQ and friends): the database is already the
source of truth and already in every deployment (SQLite on one machine, Postgres when scaled out);
the inbound message id is already the idempotency key of everything a text does; and a text's
answer can be put in the outbox in the same transaction that marks the text done. A second system
would be one more thing to run, to back up and to lose messages in, and its "done" could disagree
with the database's.

Claims. A worker takes rows by setting `status`, `worker` and `lease_until` and renews the lease while
it works; a row whose lease ran out (its worker died) is claimable again. On Postgres the candidate
rows are read `FOR UPDATE SKIP LOCKED`, so workers on any number of machines claim disjoint rows
without waiting for each other; on SQLite the claim runs in one `BEGIN IMMEDIATE` transaction, which
no other process can interleave with. Candidates are taken round-robin across diners, so one diner's
backlog cannot fill a worker's pool while another diner waits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from diner_agent.menu import models as m
from diner_agent.menu.store import MenuStore
from diner_agent.menu.work_records import DeliveryFailure, InboundJob, OutboundJob, Outgoing

W, OB = m.InboundWork, m.OutboundMessage
CANDIDATES = 200  # rows looked at per claim, to choose fairly among diners


class SqlWorkQueue:
    def __init__(self, store: MenuStore, *, worker: str, lease: float) -> None:
        self.store = store
        self.worker = worker
        self.lease = timedelta(seconds=lease)
        self._pg = store.engine.dialect.name == "postgresql"

    def _now(self) -> datetime:
        return self.store.clock.now()

    def _insert(self, table):  # type: ignore[no-untyped-def]
        return (pg_insert if self._pg else sqlite_insert)(table)

    def _any(self, statement) -> bool:  # type: ignore[no-untyped-def]
        with self.store.read() as s:
            return s.execute(statement).first() is not None

    # --- inbox ---------------------------------------------------------------------------------------

    def enqueue(
        self, channel: str, message_id: str, tenant_id: str, address: str, sender: str, text: str, reply_to: dict
    ) -> InboundJob | None:
        """Record a text taken on, claimed by this worker; None when that message id is recorded already
        (a provider's retry of a text still being worked on, or done)."""
        now = self._now()
        values = dict(
            channel=channel, message_id=message_id, tenant_id=tenant_id, address=address[:64], sender=sender[:64],
            text=text, reply_to=reply_to, status="working", attempts=1, worker=self.worker,
            lease_until=now + self.lease, created_at=now,
        )  # fmt: skip
        with self.store.write() as s:
            row = s.execute(self._insert(W).values(**values).on_conflict_do_nothing().returning(W.id)).first()
        if row is None:
            return None
        return InboundJob(row[0], channel, message_id, tenant_id, address, sender, text, reply_to, 1)

    def release(self, job_id: int) -> None:
        """Give a claimed text back (this worker has no room for it): any worker may take it now."""
        with self.store.write() as s:
            s.execute(
                update(W).where(W.id == job_id, W.worker == self.worker).values(status="queued", lease_until=None)
            )

    def claim(self, room: Callable[[str], int], limit: int) -> list[InboundJob]:
        """Up to `limit` unclaimed texts (or texts whose worker's lease ran out), at most `room(tenant)`
        per diner, taken round-robin across diners in arrival order."""
        if limit <= 0:
            return []
        now = self._now()
        claimable = or_(W.status == "queued", and_(W.status == "working", W.lease_until < now))
        if not self._any(select(W.id).where(claimable).limit(1)):
            return []  # the common case, checked without a write transaction
        with self.store.write() as s:
            rows = s.execute(
                _lock(select(W.id, W.tenant_id).where(claimable).order_by(W.id).limit(CANDIDATES), self._pg)
            ).all()
            chosen = _round_robin(rows, room, limit)
            if not chosen:
                return []
            s.execute(
                update(W)
                .where(W.id.in_(chosen))
                .values(status="working", worker=self.worker, lease_until=now + self.lease, attempts=W.attempts + 1)
            )
            return [_job(row) for row in s.execute(select(W).where(W.id.in_(chosen)).order_by(W.id)).scalars()]

    def renew(self, job_ids: list[int]) -> None:
        """Extend this worker's leases on the texts it is still working on."""
        if job_ids:
            with self.store.write() as s:
                s.execute(
                    update(W)
                    .where(W.id.in_(job_ids), W.worker == self.worker, W.status == "working")
                    .values(lease_until=self._now() + self.lease)
                )

    def finish(self, job_id: int, outgoing: Outgoing | None, *, deliver_within: float) -> None:
        """Mark the text done and put its answer in the outbox, in one transaction. The outbox holds one
        answer per message id, so a text worked on twice (a lease that ran out) is still answered once."""
        now = self._now()
        with self.store.write() as s:
            if outgoing is not None:
                _add_outgoing(s, self._insert(OB), outgoing, now, now + timedelta(seconds=deliver_within))
            s.execute(update(W).where(W.id == job_id).values(status="done", finished_at=now, lease_until=None))

    # --- outbox --------------------------------------------------------------------------------------

    def claim_outbound(self, limit: int) -> list[OutboundJob]:
        now = self._now()
        due = or_(
            and_(OB.status == "pending", OB.next_attempt_at <= now), and_(OB.status == "sending", OB.lease_until < now)
        )
        if not self._any(select(OB.id).where(due).limit(1)):
            return []
        with self.store.write() as s:
            ids = list(s.scalars(_lock(select(OB.id).where(due).order_by(OB.id).limit(limit), self._pg)))
            if not ids:
                return []
            s.execute(
                update(OB)
                .where(OB.id.in_(ids))
                .values(status="sending", lease_until=now + self.lease, attempts=OB.attempts + 1)
            )
            rows = s.execute(select(OB).where(OB.id.in_(ids)).order_by(OB.id)).scalars()
            return [
                OutboundJob(
                    r.id,
                    Outgoing(r.channel, r.message_id, r.tenant_id, r.destination, r.body),
                    r.attempts,
                    r.deadline_at,
                )
                for r in rows
            ]

    def sent(self, job_id: int, provider_id: str | None) -> None:
        with self.store.write() as s:
            s.execute(
                update(OB)
                .where(OB.id == job_id)
                .values(status="sent", sent_at=self._now(), lease_until=None, provider_id=(provider_id or "")[:64])
            )

    def retry_at(self, job_id: int, when: datetime, error: str) -> None:
        with self.store.write() as s:
            s.execute(
                update(OB)
                .where(OB.id == job_id)
                .values(status="pending", next_attempt_at=when, lease_until=None, error=error[:300])
            )

    def failed(self, job_id: int, error: str) -> None:
        with self.store.write() as s:
            s.execute(update(OB).where(OB.id == job_id).values(status="failed", lease_until=None, error=error[:300]))

    def unsettled(self) -> int:
        """Texts not answered yet plus answers due or being sent now (not those waiting for a retry)."""
        now = self._now()
        due = or_(OB.status == "sending", and_(OB.status == "pending", OB.next_attempt_at <= now))
        with self.store.read() as s:
            waiting = s.scalar(select(func.count()).select_from(W).where(W.status != "done")) or 0
            sending = s.scalar(select(func.count()).select_from(OB).where(due)) or 0
        return int(waiting) + int(sending)

    def backlog(self) -> dict[str, int]:
        """How many texts wait for model work and how many answers wait to be sent (all workers)."""
        with self.store.read() as s:
            waiting = s.scalar(select(func.count()).select_from(W).where(W.status != "done"))
            unsent = s.scalar(select(func.count()).select_from(OB).where(OB.status.in_(("pending", "sending"))))
        return {"inbound": int(waiting or 0), "outbound": int(unsent or 0)}


def delivery_failures(store: MenuStore, limit: int = 50) -> list[DeliveryFailure]:
    """The newest answers that could not be delivered (for the admin page)."""
    with store.read() as s:
        rows = s.execute(
            select(OB.tenant_id, OB.channel, OB.message_id, OB.created_at, OB.attempts, OB.error)
            .where(OB.status == "failed")
            .order_by(OB.id.desc())
            .limit(limit)
        ).all()
    return [DeliveryFailure(*row[:5], row[5] or "") for row in rows]


def prune_finished(store: MenuStore, before: datetime) -> dict[str, int]:
    """Retention: finished inbox rows and settled outbox rows older than `before`."""
    with store.write() as s:
        inbound = s.execute(delete(W).where(W.status == "done", W.finished_at < before)).rowcount or 0
        outbound = s.execute(delete(OB).where(OB.status.in_(("sent", "failed")), OB.created_at < before)).rowcount or 0
    return {"inbound_work": inbound, "outbound_messages": outbound}


def _lock(statement, postgres: bool):  # type: ignore[no-untyped-def]
    return statement.with_for_update(skip_locked=True) if postgres else statement


def _round_robin(rows, room: Callable[[str], int], limit: int) -> list[int]:  # type: ignore[no-untyped-def]
    by_tenant: dict[str, list[int]] = {}
    for job_id, tenant in rows:
        by_tenant.setdefault(tenant, []).append(job_id)
    free = {tenant: room(tenant) for tenant in by_tenant}
    chosen: list[int] = []
    while len(chosen) < limit and any(by_tenant.values()):
        for tenant, ids in by_tenant.items():
            if ids and free[tenant] > 0 and len(chosen) < limit:
                chosen.append(ids.pop(0))
                free[tenant] -= 1
            elif free[tenant] <= 0:
                ids.clear()
    return chosen


def _job(row: m.InboundWork) -> InboundJob:
    return InboundJob(
        row.id,
        row.channel,
        row.message_id,
        row.tenant_id,
        row.address,
        row.sender,
        row.text,
        row.reply_to,
        row.attempts,
    )


def _add_outgoing(s: Session, insert, outgoing: Outgoing, now: datetime, deadline: datetime) -> None:  # type: ignore[no-untyped-def]
    values = dict(
        channel=outgoing.channel, message_id=outgoing.message_id, tenant_id=outgoing.tenant_id,
        destination=outgoing.destination, body=outgoing.body, status="pending", attempts=0,
        next_attempt_at=now, deadline_at=deadline, created_at=now,
    )  # fmt: skip
    s.execute(insert.values(**values).on_conflict_do_nothing())
