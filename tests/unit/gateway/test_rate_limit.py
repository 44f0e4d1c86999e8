"""The limiter's exactness, and the queue's order and deadlines (with a scripted limiter)."""

from __future__ import annotations

import threading
import time

import pytest

from diner_agent.gateway import RateLimited
from diner_agent.gateway.rate_limit import TenantGate, TenantLimiter
from tests.fakes.clock import FakeClock

# Deadlines are read on the gates' own clock, never on time.monotonic(): the two need not agree.
CLOCK = FakeClock()


def test_fifty_threads_against_ten_per_minute_let_exactly_ten_through():
    limiter = TenantLimiter("10/minute")
    barrier = threading.Barrier(50)
    taken = []

    def hit():
        barrier.wait()
        taken.append(limiter.try_acquire("blue-plate") is None)

    threads = [threading.Thread(target=hit) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert taken.count(True) == 10


def test_tenants_have_separate_windows_and_refusals_say_when_to_retry():
    limiter = TenantLimiter("1/minute")
    assert limiter.try_acquire("a") is None
    assert limiter.try_acquire("b") is None
    retry = limiter.try_acquire("a")
    assert retry is not None and 59 < retry <= 60.1


class ScriptedLimiter:
    """Grants a slot only when the test releases one."""

    def __init__(self) -> None:
        self.slots = threading.Semaphore(0)
        self.granted: list[str] = []

    def try_acquire(self, tenant: str) -> float | None:
        if self.slots.acquire(blocking=False):
            self.granted.append(tenant)
            return None
        return 0.01


def wait_until(predicate, timeout: float = 3.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.002)


def test_reject_mode_refuses_at_once():
    gate = TenantGate(ScriptedLimiter(), "reject", 8.0, CLOCK)
    with pytest.raises(RateLimited) as caught:
        gate.acquire("blue-plate", CLOCK.monotonic() + 10)
    assert caught.value.scope == "tenant" and caught.value.retry_after == 0.01


def test_queue_mode_serves_a_tenants_callers_first_come_first_served():
    limiter = ScriptedLimiter()
    gate = TenantGate(limiter, "queue", 5.0, CLOCK)
    served: list[int] = []

    def caller(n: int) -> None:
        gate.acquire("blue-plate", CLOCK.monotonic() + 5)
        served.append(n)

    threads = []
    for n in range(5):
        t = threading.Thread(target=caller, args=(n,))
        t.start()
        threads.append(t)
        wait_until(lambda n=n: gate.waiting("blue-plate") == n + 1)  # joined the line in this order
    for n in range(5):
        limiter.slots.release()
        wait_until(lambda n=n: len(served) == n + 1)
    for t in threads:
        t.join()
    assert served == [0, 1, 2, 3, 4]
    assert gate.waiting("blue-plate") == 0


def test_queue_mode_gives_up_at_the_deadline_even_behind_others():
    limiter = ScriptedLimiter()
    gate = TenantGate(limiter, "queue", 5.0, CLOCK)
    outcomes: dict[str, BaseException | None] = {}

    def caller(name: str, within: float) -> None:
        try:
            gate.acquire("blue-plate", CLOCK.monotonic() + within)
            outcomes[name] = None
        except RateLimited as exc:
            outcomes[name] = exc

    head = threading.Thread(target=caller, args=("head", 0.3))
    head.start()
    wait_until(lambda: gate.waiting("blue-plate") == 1)
    behind = threading.Thread(target=caller, args=("behind", 0.1))
    behind.start()
    head.join()
    behind.join()
    assert isinstance(outcomes["head"], RateLimited) and isinstance(outcomes["behind"], RateLimited)
    assert limiter.granted == [] and gate.waiting("blue-plate") == 0


def test_queue_max_wait_caps_the_wait_when_the_deadline_is_later():
    gate = TenantGate(ScriptedLimiter(), "queue", 0.1, CLOCK)
    with pytest.raises(RateLimited):
        gate.acquire("blue-plate", CLOCK.monotonic() + 60)


def test_a_wait_that_cannot_end_in_time_fails_at_once():
    class SlowWindow:
        def try_acquire(self, tenant):
            return 30.0  # the window frees a slot in 30 s

    gate = TenantGate(SlowWindow(), "queue", 8.0, CLOCK)
    with pytest.raises(RateLimited) as caught:
        gate.acquire("blue-plate", CLOCK.monotonic() + 8)
    assert caught.value.retry_after == 30.0


def test_other_tenants_do_not_wait_behind_a_full_tenant():
    class OnlyAIsFull:
        def try_acquire(self, tenant):
            return 0.01 if tenant == "a" else None

    gate = TenantGate(OnlyAIsFull(), "queue", 5.0, CLOCK)
    blocked = threading.Thread(target=lambda: pytest.raises(RateLimited, gate.acquire, "a", CLOCK.monotonic() + 0.3))
    blocked.start()
    wait_until(lambda: gate.waiting("a") == 1)
    gate.acquire("b", CLOCK.monotonic() + 5)  # returns at once
    assert gate.waiting("a") == 1
    blocked.join()


def test_the_memory_window_starts_no_thread_and_frees_a_slot_when_the_oldest_hit_leaves():
    limiter = TenantLimiter("3/second")
    threads_before = threading.active_count()
    assert [limiter.try_acquire("blue-plate") for _ in range(3)] == [None, None, None]
    wait = limiter.try_acquire("blue-plate")
    assert wait is not None and 0 < wait <= 1.01
    assert threading.active_count() == threads_before  # `limits`' MemoryStorage would start a timer thread here
    status = limiter.status("blue-plate")
    assert (status.limit, status.remaining) == (3, 0) and 0 < status.reset_after <= 1.0
    time.sleep(wait)
    assert limiter.try_acquire("blue-plate") is None
