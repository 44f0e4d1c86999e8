"""The AI usage rows an app has stored, read after its usage sink has written everything taken so far
(rows are written off the request path, so a test reads them after a flush, as the dashboard does)."""

from __future__ import annotations

from datetime import date

from diner_agent.assembly import Assembly
from diner_agent.menu.usage.rows import calls


def usage_rows(app, first: date, last: date | None = None, tenant: str | None = None) -> list[dict]:
    parts = Assembly.of(app)
    if parts.usage is not None:
        parts.usage.flush()
    return list(calls(parts.store, first, last or first, tenant))
