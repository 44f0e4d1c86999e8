"""Menu snapshots built straight from tenant files, for tests that need no database."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from diner_agent.menu.hours import parse_spec
from diner_agent.menu.records import MenuItem, MenuSnapshot, TenantInfo
from diner_agent.menu.tenant_file import read_tenant_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_TENANT = ROOT / "tests" / "fixtures" / "sample-tenant.yaml"
DEMO_TENANT = ROOT / "examples" / "demo-diner.yaml"
ROUTE66_TENANT = ROOT / "tests" / "fixtures" / "route66.yaml"
HARBOR_TENANT = ROOT / "tests" / "fixtures" / "harbor.yaml"


@cache
def snapshot_from_file(path: Path, tenant_id: str) -> MenuSnapshot:
    entry = next(t for t in read_tenant_file(path).tenants if t.id == tenant_id)
    tenant = TenantInfo(
        id=entry.id,
        name=entry.name,
        timezone=entry.timezone,
        currency=entry.currency,
        sms_number=entry.sms_number,
        slack_team=entry.slack_team,
        slack_default_role=entry.slack_default_role,
        max_price_cents=entry.max_price,
        version=1,
    )
    items = tuple(
        MenuItem(
            id=i + 1,
            name=spec.name,
            category=spec.category,
            price_cents=spec.price,
            available=spec.available,
            aliases=tuple(spec.aliases),
            position=i,
        )
        for i, spec in enumerate(entry.menu)
    )
    weekly = {day: parse_spec(spec) for day, spec in entry.hours.items() if parse_spec(spec)}
    return MenuSnapshot(tenant=tenant, items=items, weekly=weekly, special={}, closures=())


def blue_plate() -> MenuSnapshot:
    return snapshot_from_file(SAMPLE_TENANT, "blue-plate")


def demo_diner() -> MenuSnapshot:
    return snapshot_from_file(DEMO_TENANT, "demo-diner")


def route66() -> MenuSnapshot:
    return snapshot_from_file(ROUTE66_TENANT, "route66")


def harbor() -> MenuSnapshot:
    return snapshot_from_file(HARBOR_TENANT, "harbor")
