"""MenuStore: reads of tenants and menus, and the door to write transactions (`unit_of_work`).

Reads hand out frozen records. Menu snapshots are cached per tenant and revalidated against the tenant's
`version` column with one indexed read, so the hot path (a webhook parsing a text) does not reload the
whole menu each time, yet every worker sees a change made by any other at once.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from diner_agent.clock import Clock, SystemClock
from diner_agent.menu import models as m
from diner_agent.menu import web_tokens
from diner_agent.menu.db import AUTOCOMMIT_READ, IMMEDIATE, Deadlines, make_engine
from diner_agent.menu.errors import UnknownTenant
from diner_agent.menu.inbox import STORED_REPLY
from diner_agent.menu.outage import is_outage, retry_read, unavailable
from diner_agent.menu.records import (
    Actor,
    Change,
    ClosureInfo,
    MenuItem,
    MenuSnapshot,
    StaffMember,
    TenantInfo,
    TokenHolder,
)
from diner_agent.menu.unit_of_work import SqlUnitOfWork
from diner_agent.menu.web_tokens import OWNER_TOKEN_NAME

_TENANT = select(
    m.Tenant.id,
    m.Tenant.name,
    m.Tenant.timezone,
    m.Tenant.currency,
    m.Tenant.sms_number,
    m.Tenant.slack_team,
    m.Tenant.slack_default_role,
    m.Tenant.max_price_cents,
    m.Tenant.version,
    m.Tenant.ai_policy,
)  # in TenantInfo's field order
_TENANT_BY_ID = _TENANT.where(m.Tenant.id == bindparam("b_tenant"))
_LOAD_ITEMS = (
    select(
        m.Item.id, m.Item.name, m.Item.category, m.Item.price_cents, m.Item.available, m.Item.aliases, m.Item.position
    )
    .where(m.Item.tenant_id == bindparam("b_tenant"))
    .order_by(m.Item.position, m.Item.id)
)
_LOAD_WEEKLY = select(m.WeeklyHours.day, m.WeeklyHours.intervals).where(
    m.WeeklyHours.tenant_id == bindparam("b_tenant")
)
_LOAD_SPECIAL = select(m.SpecialHours.day, m.SpecialHours.intervals).where(
    m.SpecialHours.tenant_id == bindparam("b_tenant")
)
_LOAD_CLOSURES = (
    select(m.Closure.id, m.Closure.reason, m.Closure.since, m.Closure.until)
    .where(m.Closure.tenant_id == bindparam("b_tenant"), m.Closure.ended_at.is_(None))
    .order_by(m.Closure.since.desc())
)
_LOAD_STAFF = (
    select(m.Staff.id, m.Staff.name, m.Staff.role, m.Staff.phone, m.Staff.slack_user)
    .where(m.Staff.tenant_id == bindparam("b_tenant"))
    .order_by(m.Staff.id)
)
_BY_SMS = _TENANT.where(m.Tenant.sms_number == bindparam("b_key"))
_BY_SLACK = _TENANT.where(m.Tenant.slack_team == bindparam("b_key"))
_BY_TOKEN = _TENANT.join(m.WebToken, m.WebToken.tenant_id == m.Tenant.id).where(
    m.WebToken.token_hash == bindparam("b_key"), m.WebToken.revoked_at.is_(None)
)
_BY_ADDRESS = {"sms": _BY_SMS, "slack": _BY_SLACK, "web": _BY_TOKEN}  # where each channel's messages are sent


_LOCK_TENANT = select(m.Tenant.version).where(m.Tenant.id == bindparam("b_tenant")).with_for_update()
_VERSION = select(m.Tenant.version).where(m.Tenant.id == bindparam("b_tenant"))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class MenuStore:
    """All persistent state of all tenants; every method that takes a tenant id touches only that tenant."""

    def __init__(self, engine: Engine, *, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self._reads = engine.execution_options(**{AUTOCOMMIT_READ: True})
        self._write_engine = engine.execution_options(**{IMMEDIATE: True})
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(self._write_engine, expire_on_commit=False)
        # SQLite has one writer at a time anyway; threads of one process wait their turn here, handed
        # over at once, rather than in SQLite's busy handler, which sleeps in growing steps.
        self._write_turn = threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        self._snapshots: dict[str, MenuSnapshot] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, *, clock: Clock | None = None, deadlines: Deadlines | None = None) -> MenuStore:
        return cls(make_engine(url, deadlines=deadlines), clock=clock)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on any exception."""
        try:
            with self._write_turn, self._writes() as session, session.begin():
                yield session
        except (DBAPIError, PoolTimeout) as exc:
            if not is_outage(exc):
                raise
            raise unavailable(exc) from exc

    @retry_read
    def _one(self, stmt, params: dict | None = None):  # type: ignore[no-untyped-def]
        """One row of a single-statement read, through Core: no session, no ORM objects, no BEGIN on
        SQLite (a lone SELECT is its own consistent read). The hot path of every webhook."""
        if params and any(isinstance(v, str) and "\x00" in v for v in params.values()):
            return None  # keys come from requests; no stored key holds a NUL, and Postgres refuses one outright
        with self._reads.connect() as conn:
            return conn.execute(stmt, params or {}).first()

    # --- tenants and senders -------------------------------------------------------------------------

    def tenant(self, tenant_id: str) -> TenantInfo | None:
        row = self._one(_TENANT_BY_ID, {"b_tenant": tenant_id})
        return TenantInfo(*row) if row else None

    def cached_tenant(self, tenant_id: str) -> TenantInfo | None:
        """The tenant as of its cached snapshot (no read when one is cached: the request that is asking
        has just revalidated it), else read."""
        cached = self._snapshots.get(tenant_id)
        return cached.tenant if cached is not None else self.tenant(tenant_id)

    @retry_read
    def tenant_ids(self) -> list[str]:
        with self._reads.connect() as conn:
            return list(conn.scalars(select(m.Tenant.id).order_by(m.Tenant.id)))

    def tenant_by_sms_number(self, number: str) -> TenantInfo | None:
        row = self._one(_BY_SMS, {"b_key": number})
        return TenantInfo(*row) if row else None

    def tenant_by_slack_team(self, team_id: str) -> TenantInfo | None:
        row = self._one(_BY_SLACK, {"b_key": team_id})
        return TenantInfo(*row) if row else None

    def tenant_by_token(self, token: str) -> TenantInfo | None:
        """The tenant whose current web-chat token this is (only hashes are stored)."""
        if not token:
            return None
        row = self._one(_BY_TOKEN, {"b_key": hash_token(token)})
        return TenantInfo(*row) if row else None

    def issue_token(self, tenant_id: str, name: str = OWNER_TOKEN_NAME, role: str = "owner") -> str:
        """A new web-chat bearer token for a person at the diner (the owner's by default); that person's
        previous token stops working (menu/web_tokens.py)."""
        with self.write() as s:
            return web_tokens.issue(s, self.clock.now(), hash_token, tenant_id, name, role)

    def token_holder(self, token: str) -> TokenHolder | None:
        """Who holds this current web-chat token, or None."""
        if not token:
            return None
        return web_tokens.holder_of(self._one(web_tokens.HOLDER, {"b_key": hash_token(token)}))

    def staff(self, tenant_id: str) -> list[StaffMember]:
        return list(self.snapshot(tenant_id).staff)

    # --- menus ---------------------------------------------------------------------------------------

    @retry_read
    def snapshot(self, tenant_id: str) -> MenuSnapshot:
        """The tenant's current menu, hours, closures and staff (cached while its version is unchanged)."""
        row = self._one(_VERSION, {"b_tenant": tenant_id})  # every lookup by a request's key passes _one
        if row is None:
            raise UnknownTenant(tenant_id)
        return self._at_version(tenant_id, row[0])

    def snapshot_at(self, channel: str, address: str) -> MenuSnapshot | None:
        """The snapshot of the diner a message on `channel` was sent to (its SMS number, Slack team id or
        web-chat token), or None. The row found carries the version, so a current cached snapshot costs
        this one indexed read and nothing more."""
        lookup = _BY_ADDRESS.get(channel)
        if lookup is None or not address:
            return None
        row = self._one(lookup, {"b_key": hash_token(address) if channel == "web" else address})
        if row is None:
            return None
        tenant = TenantInfo(*row)
        try:
            return self._at_version(tenant.id, tenant.version)
        except UnknownTenant:  # removed since the lookup
            return None

    def _at_version(self, tenant_id: str, version: int) -> MenuSnapshot:
        cached = self._snapshots.get(tenant_id)
        if cached is not None and cached.tenant.version == version:
            return cached
        snap = self._load_snapshot(tenant_id)
        with self._lock:
            current = self._snapshots.get(tenant_id)
            if current is None or current.tenant.version <= snap.tenant.version:
                self._snapshots[tenant_id] = snap
        return snap

    @retry_read
    def _load_snapshot(self, tenant_id: str) -> MenuSnapshot:
        # One read transaction, so the parts agree with each other and with the version they carry.
        key = {"b_tenant": tenant_id}
        with self._sessions() as s, s.begin():
            conn = s.connection()
            row = conn.execute(_TENANT_BY_ID, key).first()
            if row is None:
                raise UnknownTenant(tenant_id)
            items = tuple(
                MenuItem(r[0], r[1], r[2], r[3], r[4], tuple(r[5] or ()), r[6]) for r in conn.execute(_LOAD_ITEMS, key)
            )
            weekly = {r[0]: tuple((a, b) for a, b in r[1]) for r in conn.execute(_LOAD_WEEKLY, key)}
            special = {r[0]: tuple((a, b) for a, b in r[1]) for r in conn.execute(_LOAD_SPECIAL, key)}
            closures = tuple(ClosureInfo(*r) for r in conn.execute(_LOAD_CLOSURES, key))
            staff = tuple(StaffMember(r[0], tenant_id, *r[1:]) for r in conn.execute(_LOAD_STAFF, key))
        return MenuSnapshot(
            tenant=TenantInfo(*row), items=items, weekly=weekly, special=special, closures=closures, staff=staff
        )

    def _remember(self, tenant_id: str, locked_version: int, changes: list[Change]) -> None:
        """After our own commit, move the cached snapshot forward in place when the change was only
        prices or availability (the hot path), instead of reloading the whole menu on the next text.
        Safe because the tenant was locked: nobody else could move the version in between."""
        cached = self._snapshots.get(tenant_id)
        if cached is None or cached.tenant.version != locked_version:
            return
        if any(c.action not in ("update_price", "toggle_available") for c in changes):
            return
        items = {item.name: item for item in cached.items}
        for change in changes:
            item = items.get(change.target or "")
            if item is None:
                return
            if change.action == "update_price":
                items[item.name] = replace(item, price_cents=change.new)
            else:
                items[item.name] = replace(item, available=change.new)
        moved = replace(
            cached,
            tenant=replace(cached.tenant, version=locked_version + 1),
            items=tuple(items[item.name] for item in cached.items),
        )
        with self._lock:
            if self._snapshots.get(tenant_id) is cached:
                self._snapshots[tenant_id] = moved

    # --- messages and changes ------------------------------------------------------------------------

    def processed_reply(self, channel: str, message_id: str) -> str | None:
        """The reply already sent for this inbound message id, if it was handled before."""
        row = self._one(STORED_REPLY, {"b_channel": channel, "b_message_id": message_id})
        return row[0] if row else None

    @contextmanager
    def unit_of_work(self, tenant_id: str, actor: Actor, *, message_id: str | None = None) -> Iterator[SqlUnitOfWork]:
        """One write transaction for one tenant: every change in it, its audit entries and the reply commit
        together or not at all. The tenant row is locked first, so one tenant's changes are serialized
        (Postgres row lock; SQLite's BEGIN IMMEDIATE already serializes writers). A lost connection
        raises StoreUnavailable, with everything rolled back: the caller may run it all again once."""
        try:
            with self._write_turn, self._write_engine.begin() as conn:
                version = conn.scalar(_LOCK_TENANT, {"b_tenant": tenant_id})
                if version is None:
                    raise UnknownTenant(tenant_id)
                work = SqlUnitOfWork(conn, tenant_id, actor, now=self.clock.now(), message_id=message_id)
                yield work
                work.finish()
        except (DBAPIError, PoolTimeout) as exc:
            if not is_outage(exc):
                raise
            raise unavailable(exc) from exc
        if work.audit.changes:
            self._remember(tenant_id, version, work.audit.changes)
