"""Budget alert rows: one per diner, budget period and threshold (80 / 100 %), shown on the dashboard.

The gateway decides that a threshold is crossed (once, across workers); the row is written off the
request path by its alert thread. A second row for the same alert (a replay after a restart) is ignored.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from diner_agent.menu import models as m
from diner_agent.menu.store import MenuStore

FIELDS = ("tenant", "period", "period_key", "threshold", "spent_usd", "budget_usd")


def record_alert(store: MenuStore, alert: dict) -> bool:
    """Store one alert (a dict with FIELDS and `at`); False when that alert was stored already."""
    at = alert["at"]
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    try:
        with store.write() as s:
            s.add(m.AiAlert(at=at.astimezone(UTC), **{k: alert[k] for k in FIELDS}))
    except IntegrityError:
        return False
    return True


def alerts_since(store: MenuStore, since: datetime, tenant: str | None = None) -> list[dict]:
    """Alerts raised at or after `since`, newest first."""
    query = select(m.AiAlert).where(m.AiAlert.at >= since)
    if tenant is not None:
        query = query.where(m.AiAlert.tenant == tenant)
    with store.read() as s:
        rows = s.scalars(query.order_by(m.AiAlert.at.desc(), m.AiAlert.id.desc())).all()
        return [{"at": r.at.isoformat(), **{k: getattr(r, k) for k in FIELDS}} for r in rows]
