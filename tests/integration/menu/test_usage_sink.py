"""AI usage rows go through a buffered sink: recording one sends no SQL from the caller's thread (so it
never waits behind the one writer SQLite allows), and flush / close store everything taken."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from diner_agent.menu.store import MenuStore
from diner_agent.menu.usage.rows import calls
from diner_agent.menu.usage.sink import UsageSink


class Row:
    """What the gateway hands over (a CallRecord): only to_dict() is read."""

    def __init__(self, clock, tenant: str = "blue-plate", **fields) -> None:
        self.data = {"at": clock.now(), "tenant": tenant, "provider": "ai-gateway", "model": "m", "cache_hit": False,
                     "coalesced": False, "rate_limited": False, "streamed": False, "status": "ok", "fallback_step": 0,
                     "latency_ms": 12.0, "prompt_tokens": 10, "completion_tokens": 5, "cost_usd": 0.0001,
                     "cost_estimated": False, "log_id": None, "error": None, **fields}  # fmt: skip

    def to_dict(self) -> dict:
        return dict(self.data)


def stored(store, clock) -> list[dict]:
    day = clock.now().date()
    return list(calls(store, day - timedelta(days=1), day + timedelta(days=1)))


def test_recording_sends_no_sql_from_the_callers_thread(store, clock):
    caller, threads = threading.get_ident(), []
    event.listen(store.engine, "before_cursor_execute", lambda *args: threads.append(threading.get_ident()))
    sink = UsageSink(store)
    for _ in range(10):
        sink.record(Row(clock))
    sink.flush()
    assert threads and caller not in threads
    assert len(stored(store, clock)) == 10
    sink.close()


@pytest.fixture
def sqlite_store(sqlite_url, clock):
    """On SQLite one writer at a time holds the store's write turn: what a text's changes wait for."""
    store = MenuStore.from_url(sqlite_url, clock=clock)
    yield store
    store.close()


@contextmanager
def holding_the_write_turn(store):
    """Another thread holds the store's one write turn (as a text's changes would) until the block ends."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.write():
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(10)
    try:
        yield
    finally:
        release.set()
        holder.join(10)


def test_recording_does_not_wait_for_the_write_turn(sqlite_store, clock):
    store = sqlite_store
    sink = UsageSink(store)
    with holding_the_write_turn(store):
        for n in range(50):
            sink.record(Row(clock, latency_ms=float(n)))  # returns while the turn is held (else this would hang)
        assert stored(store, clock) == []  # nothing could be written yet
    sink.flush()
    assert sorted(r["latency_ms"] for r in stored(store, clock)) == [float(n) for n in range(50)]
    sink.close()


def test_close_stores_what_was_queued_and_later_rows_are_stored_at_once(store, clock):
    sink = UsageSink(store)
    for _ in range(20):
        sink.record(Row(clock))
    sink.close()
    assert len(stored(store, clock)) == 20
    sink.record(Row(clock, tenant="demo-diner"))
    assert [r["tenant"] for r in stored(store, clock)].count("demo-diner") == 1
    sink.close()  # a second close does nothing


def test_a_full_queue_drops_rows_with_a_warning_instead_of_waiting(sqlite_store, clock, caplog):
    store = sqlite_store
    sink = UsageSink(store, max_queued=5)
    with holding_the_write_turn(store):
        for _ in range(20):
            sink.record(Row(clock))
    sink.close()
    assert sink.dropped > 0 and len(stored(store, clock)) == 20 - sink.dropped
    assert "AI usage queue full" in caplog.text


def test_a_row_the_store_refuses_is_logged_and_the_rest_still_stored(store, clock, caplog):
    sink = UsageSink(store)
    sink.record(Row(clock, at="not a date"))
    sink.flush()
    sink.record(Row(clock))
    sink.close()
    assert len(stored(store, clock)) == 1
    assert "could not store" in caplog.text


def test_rows_recorded_together_are_written_together_in_one_transaction(store, clock):
    """Recording neither writes nor wakes the writer: rows wait for the next batch (one transaction)."""
    commits = []
    event.listen(store.engine, "commit", lambda conn: commits.append(1))
    sink = UsageSink(store, interval=30.0)  # no timed batch during the test: only flush writes
    for n in range(40):
        sink.record(Row(clock, tenant=f"diner-{n % 3}"))
    assert stored(store, clock) == [] and commits == []  # nothing written yet, from any thread
    sink.flush()
    assert len(stored(store, clock)) == 40 and len(commits) == 1
    sink.close()


def test_a_full_batch_is_written_without_waiting_for_the_interval(store, clock):
    sink = UsageSink(store, interval=30.0, max_batch=10)
    for _ in range(10):
        sink.record(Row(clock))
    for _ in range(200):
        if len(stored(store, clock)) == 10:
            break
        threading.Event().wait(0.01)
    assert len(stored(store, clock)) == 10
    sink.close()
