"""The in-process Slack event filter and the listener pool, with a fake clock and no network."""

from __future__ import annotations

import threading

from diner_agent.bots.listener_pool import ListenerPool
from diner_agent.bots.slack_dedupe import MemorySeen


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_event_id_is_new_once_until_its_ttl_passes():
    clock = Ticks()
    seen = MemorySeen(ttl=60, clock=clock)
    assert seen.first_time("Ev1") and not seen.first_time("Ev1")
    clock.now = 59
    assert not seen.first_time("Ev1")
    clock.now = 61
    assert seen.first_time("Ev1")


def test_the_set_is_bounded():
    seen = MemorySeen(ttl=3600, max_entries=3, clock=Ticks())
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
