"""Spend against budget per diner, for the dashboard: today's and this month's cost from the usage rows, in
each diner's own time zone, beside its budgets (its `ai:` block, else the deployment's defaults).

The gateway enforces the budgets with its own counters (Redis or memory); this reads the usage rows, so
it shows what was recorded, including rows other workers have not flushed yet only once they have.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from diner_agent.menu import models as m
from diner_agent.menu.store import MenuStore


@dataclass(frozen=True)
class BudgetLine:
    tenant: str
    name: str
    period: str  # "day" | "month"
    period_key: str
    spent_usd: float
    budget_usd: float

    @property
    def share(self) -> float:
        return self.spent_usd / self.budget_usd if self.budget_usd else 0.0

    def to_dict(self) -> dict:
        return {
            "tenant": self.tenant,
            "name": self.name,
            "period": self.period,
            "period_key": self.period_key,
            "spent_usd": round(self.spent_usd, 9),
            "budget_usd": self.budget_usd,
            "share": round(self.share, 4),
        }


def budget_lines(
    store: MenuStore, now: datetime, default_daily: float | None = None, default_monthly: float | None = None
) -> list[BudgetLine]:
    """One line per diner and budgeted period, in diner id order."""
    lines = []
    for tenant_id in store.tenant_ids():
        tenant = store.tenant(tenant_id)
        if tenant is None:
            continue
        ai = tenant.ai
        daily = ai.daily_budget_usd if ai and ai.daily_budget_usd is not None else default_daily
        monthly = ai.monthly_budget_usd if ai and ai.monthly_budget_usd is not None else default_monthly
        if daily is None and monthly is None:
            continue
        local = now.astimezone(ZoneInfo(tenant.timezone))
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        month_start = day_start.replace(day=1)
        if daily is not None:
            spent = _spent_since(store, tenant_id, day_start)
            lines.append(BudgetLine(tenant_id, tenant.name, "day", day_start.date().isoformat(), spent, daily))
        if monthly is not None:
            spent = _spent_since(store, tenant_id, month_start)
            lines.append(BudgetLine(tenant_id, tenant.name, "month", month_start.strftime("%Y-%m"), spent, monthly))
    return lines


def _spent_since(store: MenuStore, tenant_id: str, start: datetime) -> float:
    query = select(func.coalesce(func.sum(m.AiCall.cost_usd), 0.0)).where(
        m.AiCall.tenant == tenant_id, m.AiCall.at >= start.astimezone(UTC)
    )
    with store.read() as s:
        return float(s.scalar(query) or 0.0)


def tenant_names(store: MenuStore, tenant_ids: list[str]) -> dict[str, str]:
    """Each diner's display name beside its id (ids no longer stored keep the id)."""
    names = {}
    for tenant_id in tenant_ids:
        tenant = store.tenant(tenant_id)
        names[tenant_id] = tenant.name if tenant is not None else tenant_id
    return names
