"""FakeMenus: the command layer's store port (commands.unit_of_work.Menus) in memory.

It keeps the same state the SQL store keeps (diners, items, hours, closures, staff, the inbox of
message ids, the audit log, pending confirmations) in plain dicts and hands out the same frozen records,
so the command service's rules can be unit tested without a database. A unit of work writes to a deep
copy of the state, which replaces the state only when the unit of work ends without an exception (a
rollback is simply dropping the copy); units of work of one FakeMenus run one at a time, as one diner's
do on the real store. tests/integration/commands/test_fake_store_agrees.py checks it answers as the store does.

    menus = FakeMenus.loaded(clock, SAMPLE_TENANT, DEMO_TENANT)
"""

from __future__ import annotations

import copy
import hashlib
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from diner_agent.clock import Clock
from diner_agent.menu.errors import UnknownTenant
from diner_agent.menu.hours import parse_spec
from diner_agent.menu.records import (
    Actor,
    AuditRecord,
    ClosureInfo,
    Interval,
    MenuItem,
    MenuSnapshot,
    PendingRecord,
    StaffMember,
    TenantInfo,
    TokenHolder,
)
from diner_agent.menu.tenant_file import read_tenant_file
from tests.fakes.unit_of_work import FakeUnitOfWork


@dataclass
class Closure:
    id: int
    reason: str | None
    since: datetime
    until: datetime | None
    ended_at: datetime | None = None


@dataclass
class AuditRow:
    """An audit entry as the store hands it out, with what the table also keeps."""

    tenant_id: str
    record: AuditRecord
    message_id: str | None


@dataclass
class State:
    tenants: dict[str, TenantInfo] = field(default_factory=dict)
    tokens: dict[str, TokenHolder] = field(default_factory=dict)  # token hash -> who holds it
    items: dict[str, dict[int, MenuItem]] = field(default_factory=dict)
    weekly: dict[str, dict[str, tuple[Interval, ...]]] = field(default_factory=dict)
    special: dict[str, dict[date, tuple[Interval, ...]]] = field(default_factory=dict)
    closures: dict[str, list[Closure]] = field(default_factory=dict)
    staff: dict[str, tuple[StaffMember, ...]] = field(default_factory=dict)
    processed: dict[tuple[str, str], str] = field(default_factory=dict)  # (channel, message id) -> reply
    audit: list[AuditRow] = field(default_factory=list)
    pending: dict[str, PendingRecord] = field(default_factory=dict)
    last_id: int = 0

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id


class FakeMenus:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.state = State()
        self._turn = threading.RLock()

    @classmethod
    def loaded(cls, clock: Clock, *paths: Path) -> FakeMenus:
        """The diners of these tenant files, as `diner-agent tenants load` would store them."""
        menus = cls(clock)
        for path in paths:
            for entry in read_tenant_file(path).tenants:
                menus.add_tenant(entry)
        return menus

    def add_tenant(self, entry) -> None:  # type: ignore[no-untyped-def]
        """A diner from a tenant file entry (tenant_file.schema.TenantEntry), as `tenants load` stores it."""
        state, tid = self.state, entry.id
        state.tenants[tid] = TenantInfo(
            tid, entry.name, entry.timezone, entry.currency, entry.sms_number, entry.slack_team,
            entry.slack_default_role, entry.max_price, version=1,
        )  # fmt: skip
        state.items[tid] = {}
        for position, spec in enumerate(entry.menu):
            item_id = state.next_id()
            item = MenuItem(
                item_id, spec.name, spec.category, spec.price, spec.available, tuple(spec.aliases), position
            )
            state.items[tid][item_id] = item
        state.weekly[tid] = {day: parse_spec(spec) for day, spec in entry.hours.items() if parse_spec(spec)}
        state.special[tid], state.closures[tid] = {}, []
        state.staff[tid] = tuple(
            StaffMember(state.next_id(), tid, p.name, p.role, p.phone, p.slack_user) for p in entry.staff
        )

    def issue_token(self, tenant_id: str, token: str, name: str = "owner", role: str = "owner") -> None:
        """`token` becomes `name`'s at the diner (their previous one stops working)."""
        tokens = self.state.tokens
        for key, held in list(tokens.items()):
            if held.tenant_id == tenant_id and held.name.lower() == name.lower():
                del tokens[key]
        tokens[_hash(token)] = TokenHolder(str(uuid.uuid4()), tenant_id, name, role)  # type: ignore[arg-type]

    # --- the Menus port --------------------------------------------------------------------------------

    def snapshot(self, tenant_id: str) -> MenuSnapshot:
        state = self.state
        tenant = state.tenants.get(tenant_id)
        if tenant is None:
            raise UnknownTenant(tenant_id)
        items = tuple(sorted(state.items[tenant_id].values(), key=lambda i: (i.position, i.id)))
        open_closures = sorted((c for c in state.closures[tenant_id] if c.ended_at is None), key=lambda c: c.since)
        closures = tuple(ClosureInfo(c.id, c.reason, c.since, c.until) for c in reversed(open_closures))
        return MenuSnapshot(
            tenant, items, dict(state.weekly[tenant_id]), dict(state.special[tenant_id]), closures,
            state.staff[tenant_id],
        )  # fmt: skip

    def token_holder(self, token: str) -> TokenHolder | None:
        return self.state.tokens.get(_hash(token)) if token else None

    def snapshot_at(self, channel: str, address: str) -> MenuSnapshot | None:
        state = self.state
        if channel == "web":
            holder = state.tokens.get(_hash(address))
            tenant_id = holder.tenant_id if holder else None
        else:
            attr = {"sms": "sms_number", "slack": "slack_team"}.get(channel)
            found = (t.id for t in state.tenants.values() if attr and address and getattr(t, attr) == address)
            tenant_id = next(found, None)
        return None if tenant_id is None else self.snapshot(tenant_id)

    def processed_reply(self, channel: str, message_id: str) -> str | None:
        return self.state.processed.get((channel, message_id))

    @contextmanager
    def unit_of_work(self, tenant_id: str, actor: Actor, *, message_id: str | None = None) -> Iterator[FakeUnitOfWork]:
        with self._turn:
            if tenant_id not in self.state.tenants:
                raise UnknownTenant(tenant_id)
            draft = copy.deepcopy(self.state)
            work = FakeUnitOfWork(draft, tenant_id, actor, self.clock.now(), message_id)
            yield work
            if work.audit.changes:
                tenant = draft.tenants[tenant_id]
                draft.tenants[tenant_id] = replace(tenant, version=tenant.version + 1)
            self.state = draft

    # --- for tests -------------------------------------------------------------------------------------

    def item(self, tenant_id: str, name: str) -> MenuItem:
        return next(i for i in self.state.items[tenant_id].values() if i.name == name)

    def remove_item(self, tenant_id: str, name: str) -> None:
        """As if the owner had reloaded the tenant file without it."""
        del self.state.items[tenant_id][self.item(tenant_id, name).id]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
