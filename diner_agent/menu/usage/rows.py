"""AI usage rows: one per call through the AI gateway (written by the sink, sink.py), read by the admin
dashboard (report.py) and the daily JSONL export (`ai-metrics/{date}/{tenant}.jsonl`)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from diner_agent.menu import models as m
from diner_agent.menu.store import MenuStore

log = logging.getLogger(__name__)
_SAFE_NAME = re.compile(r"[a-z0-9-]{1,64}")
FIELDS = (
    "at", "tenant", "provider", "model", "cache_hit", "coalesced", "rate_limited", "streamed", "status",
    "fallback_step", "latency_ms", "prompt_tokens", "completion_tokens", "cost_usd", "cost_estimated",
    "log_id", "error", "retried",
)  # fmt: skip


def record_call(store: MenuStore, row: dict) -> None:
    record_calls(store, [row])


def record_calls(store: MenuStore, rows: list[dict]) -> None:
    """Store usage rows (dicts with FIELDS; `at` an aware datetime or its ISO text), all in one transaction."""
    with store.write() as s:
        s.add_all(_ai_call(row) for row in rows)


def _ai_call(row: dict) -> m.AiCall:
    at = row["at"]
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    at = at.astimezone(UTC)
    values = {k: row.get(k) for k in FIELDS if k != "at"}
    values["error"] = (values.get("error") or None) and str(values["error"])[:300]
    values["retried"] = bool(values.get("retried"))
    return m.AiCall(at=at, day=at.date(), **values)


def calls(store: MenuStore, first: date, last: date, tenant: str | None = None) -> Iterator[dict]:
    """Rows for UTC days first..last (inclusive), oldest first, as export dicts."""
    query = select(m.AiCall).where(m.AiCall.day >= first, m.AiCall.day <= last)
    if tenant is not None:
        query = query.where(m.AiCall.tenant == tenant)
    with store.read() as s:
        for row in s.scalars(query.order_by(m.AiCall.at, m.AiCall.id)).yield_per(1000):
            data = {k: getattr(row, k) for k in FIELDS}
            data["at"] = row.at.isoformat()
            yield data


def export_day(store: MenuStore, day: date, out_dir: str | Path) -> list[Path]:
    """Write `{out}/ai-metrics/{day}/{tenant}.jsonl`, one line per call, every call of that UTC day.

    Each file is written whole and renamed into place, so a reader never sees half a file and a
    second export of the same day replaces rather than appends."""
    base = Path(out_dir) / "ai-metrics" / day.isoformat()
    by_tenant: dict[str, list[str]] = {}
    for row in calls(store, day, day):
        by_tenant.setdefault(row["tenant"], []).append(json.dumps(row, separators=(",", ":")))
    written = []
    base.mkdir(parents=True, exist_ok=True)
    for tenant, lines in sorted(by_tenant.items()):
        if not _SAFE_NAME.fullmatch(tenant):
            log.warning("skipping AI usage rows with an unsafe tenant name %r", tenant[:40])
            continue
        path = base / f"{tenant}.jsonl"
        tmp = path.with_suffix(".jsonl.tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written
