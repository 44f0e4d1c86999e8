"""Loading a tenant file into the store, all tenants in one transaction (DESIGN 4.1).

Loading creates what does not exist and refreshes configuration (names, staff, numbers, aliases,
categories), but never overwrites what owners change by text (prices, availability, hours) unless
`reset=True`, which makes the tenant's menu and hours exactly the file's. A file that conflicts with
what is stored (a number another diner has) loads nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from diner_agent.menu import models as m
from diner_agent.menu.hours import parse_spec
from diner_agent.menu.store import MenuStore
from diner_agent.menu.tenant_file.schema import TenantEntry, TenantFile, TenantFileError


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    items_added: int = 0
    items_removed: int = 0

    def summary(self) -> str:
        parts = []
        if self.created:
            parts.append(f"created {', '.join(self.created)}")
        if self.updated:
            parts.append(f"updated {', '.join(self.updated)}")
        parts.append(f"{self.items_added} item(s) added")
        if self.items_removed:
            parts.append(f"{self.items_removed} removed")
        return "; ".join(parts)


def load_tenants(store: MenuStore, tenants: TenantFile, *, reset: bool = False) -> LoadReport:
    """Apply the file to the store in one transaction (DESIGN 4.1 semantics)."""
    report = LoadReport()
    try:
        with store.write() as s:
            for entry in tenants.tenants:
                _load_one(s, entry, reset, report, store.clock.now())
    except IntegrityError as exc:
        detail = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        raise TenantFileError(
            [f"conflicts with data already stored (an SMS number or Slack team used by another tenant?): {detail}"]
        ) from None
    return report


def _load_one(s, entry: TenantEntry, reset: bool, report: LoadReport, now: datetime) -> None:  # type: ignore[no-untyped-def]
    tenant = s.get(m.Tenant, entry.id)
    created = tenant is None
    if created:
        tenant = m.Tenant(id=entry.id, version=0)
        s.add(tenant)
        report.created.append(entry.id)
    else:
        report.updated.append(entry.id)
    tenant.name = entry.name
    tenant.timezone = entry.timezone
    tenant.currency = entry.currency
    tenant.sms_number = entry.sms_number
    tenant.slack_team = entry.slack_team
    tenant.slack_default_role = entry.slack_default_role
    tenant.max_price_cents = entry.max_price
    tenant.ai_policy = entry.ai.model_dump(mode="json", exclude_none=True) if entry.ai is not None else None
    tenant.version = (tenant.version or 0) + 1
    s.flush()

    _load_staff(s, entry, now)

    existing = {i.name.lower(): i for i in s.scalars(select(m.Item).where(m.Item.tenant_id == entry.id))}
    wanted = set()
    for position, spec in enumerate(entry.menu):
        key = spec.name.lower()
        wanted.add(key)
        item = existing.get(key)
        if item is None:
            item = m.Item(tenant_id=entry.id, price_cents=spec.price, available=spec.available)
            s.add(item)
            report.items_added += 1
        elif reset:
            item.price_cents = spec.price
            item.available = spec.available
        item.name = spec.name
        item.category = spec.category
        item.aliases = list(spec.aliases)
        item.position = position
    if reset:
        for key, item in existing.items():
            if key not in wanted:
                s.delete(item)
                report.items_removed += 1

    if created or reset:
        s.execute(delete(m.WeeklyHours).where(m.WeeklyHours.tenant_id == entry.id))
        s.execute(delete(m.SpecialHours).where(m.SpecialHours.tenant_id == entry.id))
        for day, spec in entry.hours.items():
            intervals = parse_spec(spec)
            if intervals:
                s.add(m.WeeklyHours(tenant_id=entry.id, day=day, intervals=[list(i) for i in intervals]))
    s.flush()


def _load_staff(s, entry: TenantEntry, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """Upsert staff, keeping row ids (audit and UNDO refer to them) for people matched by phone or Slack
    id, never by name: a new "Bob" with another phone is another person. People no longer in the file
    are removed, which ends their rights, and their requests still waiting for a YES are cancelled."""
    rows = list(s.scalars(select(m.Staff).where(m.Staff.tenant_id == entry.id)))
    kept = set()
    pending = []
    for person in entry.staff:
        match = next(
            (
                r
                for r in rows
                if r.id not in kept
                and (
                    (person.phone and r.phone == person.phone)
                    or (person.slack_user and r.slack_user == person.slack_user)
                )
            ),
            None,
        )
        if match is None:
            pending.append(person)
            continue
        kept.add(match.id)
        match.name, match.role = person.name, person.role
        match.phone, match.slack_user = person.phone, person.slack_user
    gone = [row for row in rows if row.id not in kept]
    for row in gone:
        s.delete(row)
    if gone:
        s.execute(
            update(m.PendingConfirmation)
            .where(
                m.PendingConfirmation.tenant_id == entry.id,
                m.PendingConfirmation.actor.in_([f"staff:{row.id}" for row in gone]),
                m.PendingConfirmation.status == "pending",
            )
            .values(status="cancelled", resolved_at=now, outcome="Cancelled: the person who asked left the staff list.")
        )
    s.flush()
    for person in pending:
        s.add(
            m.Staff(
                tenant_id=entry.id,
                name=person.name,
                phone=person.phone,
                slack_user=person.slack_user,
                role=person.role,
            )
        )
