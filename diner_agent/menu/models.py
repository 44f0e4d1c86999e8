"""SQLAlchemy tables of the menu store.

Prices are integer cents (the tenant row holds the currency), times are "HH:MM" strings in the tenant's
timezone, instants are UTC. Nothing outside `menu/` sees these classes: `MenuStore` hands out frozen
records (`menu.records`) so that no session or lazy load leaks into the command layer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Store naive UTC, hand back aware UTC: SQLite keeps no offsets, and comparisons must not mix the two."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    sms_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    slack_team: Mapped[str | None] = mapped_column(String(32), unique=True)
    slack_default_role: Mapped[str] = mapped_column(String(16), default="none")
    max_price_cents: Mapped[int] = mapped_column(Integer, default=50_000)
    # Superseded by web_tokens (migration 0014 moved each diner's token there as its owner's); unused.
    web_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Bumped by every change to items, hours or closures, so cached menu snapshots know when to reload.
    version: Mapped[int] = mapped_column(Integer, default=0)
    # The tenant file's `ai:` block (rate_limit, cache_ttl, daily/monthly_budget_usd), or NULL.
    ai_policy: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class Staff(Base):
    """A person on a diner's staff list. Ids are never reused (AUTOINCREMENT on SQLite, a sequence on
    Postgres): audit entries and UNDO name people as `staff:<id>`, and a person added after someone was
    removed must not inherit their changes."""

    __tablename__ = "staff"
    __table_args__ = (
        UniqueConstraint("tenant_id", "phone"),
        UniqueConstraint("tenant_id", "slack_user"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32))
    slack_user: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str | None] = mapped_column(String(80))
    price_cents: Mapped[int] = mapped_column(Integer)
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)


class WeeklyHours(Base):
    """Opening intervals for one weekday; a weekday without a row is closed."""

    __tablename__ = "weekly_hours"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[str] = mapped_column(String(3), primary_key=True)  # mon..sun
    intervals: Mapped[list[list[str]]] = mapped_column(JSON)  # [["07:00", "15:00"], ...]


class SpecialHours(Base):
    """Hours for one local date, replacing that weekday's hours; an empty list means closed that day."""

    __tablename__ = "special_hours"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    intervals: Mapped[list[list[str]]] = mapped_column(JSON)


class Closure(Base):
    """An emergency closure: active from `since` until `ended_at` (reopened) or `until`, whichever is first."""

    __tablename__ = "closures"
    __table_args__ = (Index("ix_closures_tenant_active", "tenant_id", "ended_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    reason: Mapped[str | None] = mapped_column(String(200))
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    """One applied change. Entries of one message share a `batch_id`, so UNDO reverts them together."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_tenant_actor_at", "tenant_id", "actor", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    batch_id: Mapped[str] = mapped_column(String(36), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(80))  # staff:<id>, slack:<user>, web:<tenant>, cli
    actor_name: Mapped[str | None] = mapped_column(String(100))
    actor_role: Mapped[str | None] = mapped_column(String(16))  # the role the change was made with
    channel: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(120))
    old: Mapped[object | None] = mapped_column(JSON)
    new: Mapped[object | None] = mapped_column(JSON)
    message_id: Mapped[str | None] = mapped_column(String(100))
    undone_by: Mapped[str | None] = mapped_column(String(36))  # batch id of the undo that reverted it


class WebToken(Base):
    """A web-chat bearer token (only its hash): it names a person and the role they chat with."""

    __tablename__ = "web_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a UUID: audit names the holder web:<id>
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ProcessedMessage(Base):
    """Inbound message ids already handled, with the reply sent, so retries apply nothing and reply the same."""

    __tablename__ = "processed_messages"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    reply: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class PendingConfirmation(Base):
    """Changes waiting for YES / NO (or a Slack button). Status moves pending -> applied | cancelled once."""

    __tablename__ = "pending_confirmations"
    __table_args__ = (Index("ix_pending_tenant_actor", "tenant_id", "actor", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(16))
    commands: Mapped[list[dict]] = mapped_column(JSON)
    prompt: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12), default="pending")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(Text)


class AiCall(Base):
    """One call through the AI gateway (DESIGN 5): what it cost, where it went and how it ended."""

    __tablename__ = "ai_calls"
    __table_args__ = (Index("ix_ai_calls_day_tenant", "day", "tenant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    day: Mapped[date] = mapped_column(Date)  # UTC date of `at`, for daily exports and the dashboard
    tenant: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str | None] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(120))
    cache_hit: Mapped[bool] = mapped_column(Boolean, default=False)
    coalesced: Mapped[bool] = mapped_column(Boolean, default=False)
    rate_limited: Mapped[bool] = mapped_column(Boolean, default=False)
    streamed: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(24))
    fallback_step: Mapped[int] = mapped_column(Integer, default=0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    cost_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    log_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(String(300))
    retried: Mapped[bool] = mapped_column(Boolean, default=False)  # asked the same provider again in time


class AiAlert(Base):
    """A diner's AI spend reached 80 % or 100 % of a budget: once per diner, period and threshold."""

    __tablename__ = "ai_alerts"
    __table_args__ = (UniqueConstraint("tenant", "period_key", "threshold"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    tenant: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(8))  # day | month
    period_key: Mapped[str] = mapped_column(String(10))  # 2026-11-26 | 2026-11
    threshold: Mapped[int] = mapped_column(Integer)  # 80 | 100
    spent_usd: Mapped[float] = mapped_column(Float)
    budget_usd: Mapped[float] = mapped_column(Float)


class InboundWork(Base):
    """The durable inbox (docs/availability.md): a text answered "working on it" until its answer is in the
    outbox, claimed by one worker under a lease it renews; a dead worker's text is resumed by another."""

    __tablename__ = "inbound_work"
    __table_args__ = (
        UniqueConstraint("channel", "message_id", name="uq_inbound_work_message"),
        Index("ix_inbound_work_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(100))
    tenant_id: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    sender: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    reply_to: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="queued")  # queued | working | done
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OutboundMessage(Base):
    """The durable outbox: one answer per inbound message id, sent by a sender loop and marked sent;
    transient errors retried with backoff until `deadline_at`, permanent ones kept with their error."""

    __tablename__ = "outbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "message_id", name="uq_outbound_messages_message"),
        Index("ix_outbound_messages_status", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(100))
    tenant_id: Mapped[str] = mapped_column(String(64))
    destination: Mapped[dict] = mapped_column(JSON)
    body: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(String(300))
    provider_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
