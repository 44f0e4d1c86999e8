"""Retention (docs/operations.md, "Retention"): old message ids, settled confirmations and AI-call rows go;
what is younger stays; the audit log stays unless a limit is set. Also `diner-agent prune` end to end."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import func, insert, select

from diner_agent.cli import main
from diner_agent.menu import models as m
from diner_agent.menu.retention import Retention, prune
from diner_agent.menu.store import MenuStore
from tests.databases import sqlite_database
from tests.menus import SAMPLE_TENANT


def _count(store, table) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(table))


def _seed(store, now) -> None:
    """For each kind of row: one 500 days old, one 100 days old, one a day old."""
    with store.write() as s:
        for n, age in enumerate((500, 100, 1)):
            at = now - timedelta(days=age)
            s.execute(
                insert(m.ProcessedMessage).values(
                    channel="sms", message_id=f"SM{n}", tenant_id="blue-plate", reply="", at=at
                )
            )
            s.execute(insert(m.AiCall).values(at=at, day=at.date(), tenant="blue-plate", status="ok"))
            s.execute(
                insert(m.AuditEntry).values(
                    tenant_id="blue-plate", batch_id=f"b{n}", at=at, actor="cli", channel="cli", action="update_price"
                )
            )
            s.execute(
                insert(m.PendingConfirmation).values(
                    id=f"p{n}",
                    tenant_id="blue-plate",
                    actor="cli",
                    channel="sms",
                    commands=[],
                    prompt="?",
                    created_at=at,
                    expires_at=at + timedelta(minutes=10),
                )  # fmt: skip
            )


def test_prune_keeps_what_is_younger_than_each_limit(store, clock):
    now = clock.now()
    _seed(store, now)
    audit_before = _count(store, m.AuditEntry)
    counts = prune(store, now, Retention())  # 30 days of message ids, 400 of AI calls, the audit kept
    assert counts["processed_messages"] == 2 and _count(store, m.ProcessedMessage) == 1
    assert counts["pending_confirmations"] == 2 and _count(store, m.PendingConfirmation) == 1
    assert counts["ai_calls"] == 1 and _count(store, m.AiCall) == 2
    assert "audit_log" not in counts and _count(store, m.AuditEntry) == audit_before
    assert prune(store, now, Retention())["processed_messages"] == 0  # a second prune finds nothing left

    counts = prune(store, now, Retention(audit_days=200))
    assert counts["audit_log"] == 1 and _count(store, m.AuditEntry) == audit_before - 1


def test_the_prune_command_uses_the_retention_settings(tmp_path, monkeypatch, clock):
    monkeypatch.chdir(tmp_path)
    url = sqlite_database(tmp_path)
    env = {"DATABASE_URL": url, "PRUNE_AI_CALLS_AFTER_DAYS": "50"}
    runner = CliRunner()
    assert runner.invoke(main, ["tenants", "load", str(SAMPLE_TENANT)], env=env).exit_code == 0
    store = MenuStore.from_url(url)
    _seed(store, store.clock.now())  # the CLI prunes as of the real clock, so the rows are aged from it
    out = runner.invoke(main, ["prune"], env=env, catch_exceptions=False)
    assert out.exit_code == 0
    assert "processed_messages: 2 deleted" in out.output and "ai_calls: 2 deleted" in out.output
    assert _count(store, m.ProcessedMessage) == 1 and _count(store, m.AiCall) == 1
    store.close()


def test_the_daily_prune_runs_on_its_own_thread_and_stops(store, clock):
    from diner_agent.menu.retention import DailyPrune
    from tests.polling import eventually

    _seed(store, clock.now())
    daily = DailyPrune(store, Retention(), first_after=0.01)
    try:
        assert eventually(lambda: _count(store, m.ProcessedMessage) == 1), "the first prune ran"
    finally:
        daily.close()
    assert not daily._thread.is_alive()
