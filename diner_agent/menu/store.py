"""MenuStore: reads of tenants and menus, and the door to write transactions (`changes`).

Reads hand out frozen records. Menu snapshots are cached per tenant and revalidated against the tenant's
`version` column with one indexed read, so the hot path (a webhook parsing a text) does not reload the
whole menu each time, yet every worker sees a change made by any other at once.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from diner_agent.menu import models as m
from diner_agent.menu.changes import ChangeSet
from diner_agent.menu.db import IMMEDIATE, make_engine
from diner_agent.menu.records import (
    Actor,
    ClosureInfo,
    MenuItem,
    MenuSnapshot,
    StaffMember,
    TenantInfo,
)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class UnknownTenant(LookupError):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tenant_info(row: m.Tenant) -> TenantInfo:
    return TenantInfo(
        id=row.id,
        name=row.name,
        timezone=row.timezone,
        currency=row.currency,
        sms_number=row.sms_number,
        slack_team=row.slack_team,
        slack_default_role=row.slack_default_role,  # type: ignore[arg-type]
        max_price_cents=row.max_price_cents,
        version=row.version,
    )


def staff_member(row: m.Staff) -> StaffMember:
    return StaffMember(
        id=row.id,
        tenant_id=row.tenant_id,
        name=row.name,
        role=row.role,  # type: ignore[arg-type]
        phone=row.phone,
        slack_user=row.slack_user,
    )


class MenuStore:
    """All persistent state of all tenants; every method that takes a tenant id touches only that tenant."""

    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(engine.execution_options(**{IMMEDIATE: True}), expire_on_commit=False)
        self._snapshots: dict[str, MenuSnapshot] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, *, clock: Clock = utc_now) -> MenuStore:
        return cls(make_engine(url), clock=clock)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on any exception."""
        with self._writes() as session, session.begin():
            yield session

    # --- tenants and senders -------------------------------------------------------------------------

    def tenant(self, tenant_id: str) -> TenantInfo | None:
        with self.read() as s:
            row = s.get(m.Tenant, tenant_id)
            return tenant_info(row) if row else None

    def tenant_ids(self) -> list[str]:
        with self.read() as s:
            return list(s.scalars(select(m.Tenant.id).order_by(m.Tenant.id)))

    def tenant_by_sms_number(self, number: str) -> TenantInfo | None:
        with self.read() as s:
            row = s.scalar(select(m.Tenant).where(m.Tenant.sms_number == number))
            return tenant_info(row) if row else None

    def tenant_by_slack_team(self, team_id: str) -> TenantInfo | None:
        with self.read() as s:
            row = s.scalar(select(m.Tenant).where(m.Tenant.slack_team == team_id))
            return tenant_info(row) if row else None

    def tenant_by_token(self, token: str) -> TenantInfo | None:
        """The tenant whose current web-chat token this is (only hashes are stored)."""
        if not token:
            return None
        with self.read() as s:
            row = s.scalar(select(m.Tenant).where(m.Tenant.web_token_hash == hash_token(token)))
            return tenant_info(row) if row else None

    def issue_token(self, tenant_id: str) -> str:
        """Create a new web-chat bearer token for the tenant; the previous one stops working."""
        token = "dat_" + secrets.token_urlsafe(32)
        with self.write() as s:
            result = s.execute(
                update(m.Tenant).where(m.Tenant.id == tenant_id).values(web_token_hash=hash_token(token))
            )
            if result.rowcount != 1:
                raise UnknownTenant(tenant_id)
        return token

    def staff(self, tenant_id: str) -> list[StaffMember]:
        with self.read() as s:
            rows = s.scalars(select(m.Staff).where(m.Staff.tenant_id == tenant_id).order_by(m.Staff.id))
            return [staff_member(r) for r in rows]

    def staff_by_phone(self, tenant_id: str, phone: str) -> StaffMember | None:
        with self.read() as s:
            row = s.scalar(select(m.Staff).where(m.Staff.tenant_id == tenant_id, m.Staff.phone == phone))
            return staff_member(row) if row else None

    def staff_by_slack_user(self, tenant_id: str, user_id: str) -> StaffMember | None:
        with self.read() as s:
            row = s.scalar(select(m.Staff).where(m.Staff.tenant_id == tenant_id, m.Staff.slack_user == user_id))
            return staff_member(row) if row else None

    # --- menus ---------------------------------------------------------------------------------------

    def snapshot(self, tenant_id: str) -> MenuSnapshot:
        """The tenant's current menu, hours and closures (cached while the tenant's version is unchanged)."""
        with self.read() as s:
            version = s.scalar(select(m.Tenant.version).where(m.Tenant.id == tenant_id))
            if version is None:
                raise UnknownTenant(tenant_id)
            cached = self._snapshots.get(tenant_id)
            if cached is not None and cached.tenant.version == version:
                return cached
            snap = self._load_snapshot(s, tenant_id)
        with self._lock:
            current = self._snapshots.get(tenant_id)
            if current is None or current.tenant.version <= snap.tenant.version:
                self._snapshots[tenant_id] = snap
        return snap

    def _load_snapshot(self, s: Session, tenant_id: str) -> MenuSnapshot:
        tenant = s.get(m.Tenant, tenant_id)
        if tenant is None:
            raise UnknownTenant(tenant_id)
        items = tuple(
            MenuItem(
                id=r.id,
                name=r.name,
                category=r.category,
                price_cents=r.price_cents,
                available=r.available,
                aliases=tuple(r.aliases or ()),
                position=r.position,
            )
            for r in s.scalars(select(m.Item).where(m.Item.tenant_id == tenant_id).order_by(m.Item.position, m.Item.id))
        )
        weekly = {
            r.day: tuple((a, b) for a, b in r.intervals)
            for r in s.scalars(select(m.WeeklyHours).where(m.WeeklyHours.tenant_id == tenant_id))
        }
        special = {
            r.day: tuple((a, b) for a, b in r.intervals)
            for r in s.scalars(select(m.SpecialHours).where(m.SpecialHours.tenant_id == tenant_id))
        }
        closures = tuple(
            ClosureInfo(id=r.id, reason=r.reason, since=r.since, until=r.until)
            for r in s.scalars(
                select(m.Closure)
                .where(m.Closure.tenant_id == tenant_id, m.Closure.ended_at.is_(None))
                .order_by(m.Closure.since.desc())
            )
        )
        return MenuSnapshot(tenant=tenant_info(tenant), items=items, weekly=weekly, special=special, closures=closures)

    # --- messages and changes ------------------------------------------------------------------------

    def processed_reply(self, channel: str, message_id: str) -> str | None:
        """The reply already sent for this inbound message id, if it was handled before."""
        with self.read() as s:
            row = s.get(m.ProcessedMessage, (channel, message_id))
            return row.reply if row else None

    @contextmanager
    def changes(self, tenant_id: str, actor: Actor, *, message_id: str | None = None) -> Iterator[ChangeSet]:
        """One write transaction for one tenant: every change in it, its audit entries and the reply commit
        together or not at all. The tenant row is locked first, so one tenant's changes are serialized
        (Postgres row lock; SQLite's BEGIN IMMEDIATE already serializes writers)."""
        with self.write() as s:
            locked = s.scalar(select(m.Tenant.id).where(m.Tenant.id == tenant_id).with_for_update())
            if locked is None:
                raise UnknownTenant(tenant_id)
            yield ChangeSet(s, tenant_id, actor, now=self.clock(), message_id=message_id)
