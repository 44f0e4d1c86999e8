"""The in-process Slack event filter and the listener pool, with a fake clock and no network."""

from __future__ import annotations

import threading

from diner_agent.channels.slack.dedupe import MemorySeen
from diner_agent.channels.slack.listeners import ListenerPool
from tests.fakes.clock import FakeClock


def test_an_event_id_is_new_once_until_its_ttl_passes():
    clock = FakeClock(frozen=True)
    seen = MemorySeen(ttl=60, clock=clock)
    assert seen.first_time("Ev1") and not seen.first_time("Ev1")
    clock.advance(59)
    assert not seen.first_time("Ev1")
    clock.advance(2)
    assert seen.first_time("Ev1")


def test_the_set_is_bounded():
    seen = MemorySeen(ttl=3600, max_entries=3, clock=FakeClock(frozen=True))
    for n in range(5):
        assert seen.first_time(f"Ev{n}")
    assert seen.first_time("Ev0")  # pushed out by newer ids
    assert not seen.first_time("Ev4")


def test_the_listener_pool_waits_for_acked_work():
    pool = ListenerPool(max_workers=2)
    gate, done = threading.Event(), []
    pool.submit(lambda: (gate.wait(10), done.append(1)))
    assert not pool.wait_idle(timeout=0)
    gate.set()
    assert pool.wait_idle(timeout=10) and done == [1]
    pool.shutdown()
