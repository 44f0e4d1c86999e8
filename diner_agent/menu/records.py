"""Plain, frozen records the store hands out: the command layer never sees an ORM object or a session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Role = Literal["owner", "staff", "none"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# One opening interval, "HH:MM" local times; a close at or before the open runs past midnight.
Interval = tuple[str, str]


@dataclass(frozen=True, slots=True)
class AiPolicy:
    """A diner's own AI policy (the tenant file's optional `ai:` block); None keeps the deployment's default."""

    rate_limit: str | None = None
    cache_ttl: int | None = None
    daily_budget_usd: float | None = None
    monthly_budget_usd: float | None = None

    @classmethod
    def of(cls, stored: object) -> AiPolicy | None:
        """From the stored JSON (a dict, or None when the diner has no `ai:` block)."""
        if isinstance(stored, AiPolicy) or stored is None:
            return stored
        if not isinstance(stored, dict):
            return None
        return cls(**{k: stored.get(k) for k in ("rate_limit", "cache_ttl", "daily_budget_usd", "monthly_budget_usd")})


@dataclass(frozen=True, slots=True)
class TenantInfo:
    id: str
    name: str
    timezone: str
    currency: str
    sms_number: str | None
    slack_team: str | None
    slack_default_role: Role
    max_price_cents: int
    version: int = 0
    ai: AiPolicy | None = None  # stored as JSON; read as an AiPolicy

    def __post_init__(self) -> None:
        if self.ai is not None and not isinstance(self.ai, AiPolicy):
            object.__setattr__(self, "ai", AiPolicy.of(self.ai))


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: int
    tenant_id: str
    name: str
    role: Role
    phone: str | None = None
    slack_user: str | None = None


@dataclass(frozen=True, slots=True)
class MenuItem:
    id: int
    name: str
    category: str | None
    price_cents: int
    available: bool
    aliases: tuple[str, ...] = ()
    position: int = 0


@dataclass(frozen=True, slots=True)
class ClosureInfo:
    id: int
    reason: str | None
    since: datetime
    until: datetime | None

    def active_at(self, now: datetime) -> bool:
        return self.since <= now and (self.until is None or now < self.until)


@dataclass(frozen=True, slots=True)
class MenuSnapshot:
    """Everything about one tenant's menu at one version: what parsing, replies and the public page read."""

    tenant: TenantInfo
    items: tuple[MenuItem, ...]
    weekly: dict[str, tuple[Interval, ...]]
    special: dict[date, tuple[Interval, ...]]
    closures: tuple[ClosureInfo, ...] = ()
    staff: tuple[StaffMember, ...] = ()

    def item(self, item_id: int) -> MenuItem | None:
        for item in self.items:
            if item.id == item_id:
                return item
        return None

    def item_named(self, name: str) -> MenuItem | None:
        for item in self.items:
            if item.name == name:
                return item
        return None

    def closure_at(self, now: datetime) -> ClosureInfo | None:
        """The closure in force at `now` (one that ends by itself at `until` is no longer returned)."""
        for closure in self.closures:
            if closure.active_at(now):
                return closure
        return None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asked for a change: `key` ties UNDO and confirmations to one person across channels."""

    key: str  # staff:<id> | slack:<user> | web:<token id> | cli
    name: str | None
    role: Role
    channel: str


@dataclass(frozen=True, slots=True)
class TokenHolder:
    """Who holds a web-chat token: the chat acts as this person, with this role."""

    id: str  # the token's id: the audit names its holder web:<id>
    tenant_id: str
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    batch_id: str
    at: datetime
    actor: str
    actor_name: str | None
    channel: str
    action: str
    target: str | None
    old: object
    new: object
    undone_by: str | None = None
    actor_role: str | None = None  # the role the change was made with (None: recorded before it was kept)


@dataclass(frozen=True, slots=True)
class PendingRecord:
    id: str
    tenant_id: str
    actor: str
    channel: str
    commands: list[dict] = field(default_factory=list)
    prompt: str = ""
    created_at: datetime | None = None
    expires_at: datetime | None = None
    status: str = "pending"
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """What one write did: `old` and `new` in the units the store keeps (cents, bools, intervals)."""

    action: str
    target: str | None
    old: object
    new: object

    @property
    def changed(self) -> bool:
        return self.old != self.new
