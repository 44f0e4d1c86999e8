"""What one diner's state is, for tests that must show a request changed nothing (or only its own diner).

A `TenantState` holds everything a request could change: the menu (prices, availability), weekly and
special hours, open closures, the audit log and the confirmations waiting for a YES. Message ids that
were answered are left out on purpose: a refused text to B's number is B's inbound message, and
recording its reply changes nothing of B's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from diner_agent.menu import models as m
from diner_agent.menu.store import MenuStore


@dataclass(frozen=True)
class TenantState:
    version: int
    items: tuple[tuple[str, int, bool], ...]
    weekly: tuple
    special: tuple
    closures: tuple
    audit: int
    pending: tuple[tuple[str, str], ...]  # (id, status)


def tenant_state(store: MenuStore, tenant_id: str) -> TenantState:
    snap = store.snapshot(tenant_id)
    with store.read() as s:
        audit = s.scalar(select(func.count()).select_from(m.AuditEntry).where(m.AuditEntry.tenant_id == tenant_id))
        pending = s.execute(
            select(m.PendingConfirmation.id, m.PendingConfirmation.status)
            .where(m.PendingConfirmation.tenant_id == tenant_id)
            .order_by(m.PendingConfirmation.id)
        ).all()
    return TenantState(
        version=snap.tenant.version,
        items=tuple((i.name, i.price_cents, i.available) for i in snap.items),
        weekly=tuple(sorted(snap.weekly.items())),
        special=tuple(sorted(snap.special.items())),
        closures=tuple((c.id, c.reason, c.since, c.until) for c in snap.closures),
        audit=audit,
        pending=tuple((str(p), str(q)) for p, q in pending),
    )


def all_states(store: MenuStore) -> dict[str, TenantState]:
    return {tenant_id: tenant_state(store, tenant_id) for tenant_id in store.tenant_ids()}


def processed_count(store: MenuStore) -> int:
    """Inbound messages recorded (answered) so far, over every diner and channel."""
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(m.ProcessedMessage))


def changed(before: dict[str, TenantState], after: dict[str, TenantState]) -> set[str]:
    """The diners whose state differs."""
    return {tenant_id for tenant_id in before if before[tenant_id] != after.get(tenant_id)}


def only_names(store: MenuStore, tenant_id: str) -> set[str]:
    """Item names (lower case) on this diner's menu and on no other diner's: a reply that names one of
    them tells its reader something about this diner."""
    names = {t: {i.name.lower() for i in store.snapshot(t).items} for t in store.tenant_ids()}
    others = set().union(*(n for t, n in names.items() if t != tenant_id))
    return names[tenant_id] - others


def mentions(text: str, names: set[str]) -> set[str]:
    lowered = text.lower()
    return {name for name in names if re.search(rf"\b{re.escape(name)}\b", lowered)}
