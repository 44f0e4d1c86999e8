from diner_agent.gateway.breaker import CircuitBreaker
from tests.fakes.clock import FakeClock


def breaker(clock):
    return CircuitBreaker(clock, failures=3, reset=30)


def test_stays_closed_below_the_threshold_and_success_resets_the_count():
    b = breaker(FakeClock(frozen=True))
    b.failure()
    b.failure()
    b.success()
    b.failure()
    b.failure()
    assert b.state == "closed" and b.allow()


def test_opens_after_n_consecutive_failures():
    clock = FakeClock(frozen=True)
    b = breaker(clock)
    for _ in range(3):
        b.failure()
    assert b.state == "open" and not b.allow()
    assert b.retry_in() == 30
    clock.advance(29.9)
    assert not b.allow()


def test_half_open_lets_exactly_one_probe_through():
    clock = FakeClock(frozen=True)
    b = breaker(clock)
    for _ in range(3):
        b.failure()
    clock.advance(30)
    assert b.state == "half_open"
    assert b.allow()
    assert not b.allow() and not b.allow()


def test_a_successful_probe_closes_the_circuit():
    clock = FakeClock(frozen=True)
    b = breaker(clock)
    for _ in range(3):
        b.failure()
    clock.advance(30)
    assert b.allow()
    b.success()
    assert b.state == "closed" and b.allow() and b.allow()


def test_a_failed_probe_reopens_for_another_full_period():
    clock = FakeClock(frozen=True)
    b = breaker(clock)
    for _ in range(3):
        b.failure()
    clock.advance(30)
    assert b.allow()
    b.failure()
    assert b.state == "open" and not b.allow()
    clock.advance(29)
    assert not b.allow()
    clock.advance(1)
    assert b.allow()


def test_an_abandoned_probe_does_not_wedge_the_breaker():
    clock = FakeClock(frozen=True)
    b = breaker(clock)
    for _ in range(3):
        b.failure()
    clock.advance(30)
    assert b.allow()  # this probe never reports back
    clock.advance(30)
    assert b.allow()
