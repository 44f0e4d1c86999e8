"""Retention: what `diner-agent prune` and the daily prune delete (docs/operations.md, "Retention").

- processed message ids (the inbox of ids already answered) older than `messages_days` (default 30):
  always far longer than any channel's retry window (Twilio retries within minutes, Slack within an
  hour), so a provider's retry is still recognised; the durable inbox/outbox rows that are finished
  go with them;
- pending confirmations that expired or were resolved more than `messages_days` ago;
- AI-call rows older than `ai_calls_days` (default 400: a year of dashboards and invoices and then some);
- the audit log only when the operator sets `audit_days` (it is the owners' record of who changed what).

Deletes run in batches of `BATCH` rows per transaction, so a first prune of a large table never holds
the write lock (SQLite) or a long transaction (Postgres) for long.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select

from diner_agent.menu import models as m
from diner_agent.menu.store import MenuStore
from diner_agent.menu.work_queue import prune_finished

log = logging.getLogger(__name__)
BATCH = 5_000
DAY_SECONDS = 24 * 3600.0
FIRST_PRUNE_AFTER = 300.0  # a worker that just started has other things to do first


@dataclass(frozen=True, slots=True)
class Retention:
    messages_days: int = 30
    ai_calls_days: int = 400
    audit_days: int | None = None


def _batched(store: MenuStore, table, key, condition) -> int:  # type: ignore[no-untyped-def]
    """Delete the rows matching `condition`, BATCH at a time (chosen by `key`); how many went."""
    total = 0
    while True:
        with store.write() as s:
            ids = select(key).where(condition).limit(BATCH).scalar_subquery()
            deleted = s.execute(delete(table).where(key.in_(ids))).rowcount or 0
        total += deleted
        if deleted < BATCH:
            return total


def _all_at_once(store: MenuStore, statement) -> int:  # type: ignore[no-untyped-def]
    """For a table keyed by several columns (a batch would need row-value IN): one delete."""
    with store.write() as s:
        return s.execute(statement).rowcount or 0


def prune(store: MenuStore, now: datetime, retention: Retention) -> dict[str, int]:
    """Delete what `retention` no longer keeps, as of `now`; the number of rows deleted per kind."""
    messages_before = now - timedelta(days=retention.messages_days)
    pm, pc = m.ProcessedMessage, m.PendingConfirmation
    counts = {
        "processed_messages": _all_at_once(store, delete(pm).where(pm.at < messages_before)),
        "pending_confirmations": _batched(
            store,
            pc,
            pc.id,
            or_(pc.expires_at < messages_before, pc.resolved_at < messages_before),
        ),
        "ai_calls": _batched(store, m.AiCall, m.AiCall.id, m.AiCall.at < now - timedelta(days=retention.ai_calls_days)),
    }
    counts.update(prune_finished(store, messages_before))
    if retention.audit_days is not None:
        before = now - timedelta(days=retention.audit_days)
        counts["audit_log"] = _batched(store, m.AuditEntry, m.AuditEntry.id, m.AuditEntry.at < before)
    log.info("pruned: %s", ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    return counts


class DailyPrune:
    """`prune` once a day on a background thread of this process (several workers each pruning is
    harmless: a delete of what is already gone deletes nothing). Stops with `close()`."""

    def __init__(self, store: MenuStore, retention: Retention, *, first_after: float = FIRST_PRUNE_AFTER) -> None:
        self._store = store
        self._retention = retention
        self._first_after = first_after
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="daily-prune", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        wait = self._first_after
        while not self._stop.wait(wait):
            try:
                prune(self._store, self._store.clock.now(), self._retention)
            except Exception:  # a failed prune is retried tomorrow; it must not end the thread
                log.exception("daily prune failed")
            wait = DAY_SECONDS

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
