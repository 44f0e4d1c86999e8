"""The Redis breaker: one failure opens it for `skip_for` seconds, then one caller probes; a command's own
error (the server answered) is not a failure. On a client whose server does not exist at all."""

from __future__ import annotations

import pytest
import redis
from prometheus_client import REGISTRY

from diner_agent.redis_guard import OUTCOMES, GuardedRedis, RedisBreaker, RedisSkipped, guarded_redis
from tests.fakes.clock import FakeClock


def test_one_failure_skips_redis_until_the_time_is_up_then_one_caller_probes():
    clock = FakeClock()
    breaker = RedisBreaker(clock, skip_for=5.0, probe_window=1.0)
    assert breaker.allow()
    breaker.failure()
    assert breaker.is_open and not breaker.allow()
    clock.advance(5.1)
    assert breaker.allow(), "the first caller after the skip probes"
    assert not breaker.allow(), "the others keep skipping while the probe is out"
    breaker.success()
    assert not breaker.is_open and breaker.allow() and breaker.allow()


def test_a_refused_connection_is_bounded_and_then_skipped_without_trying():
    clock = FakeClock()
    # A port nothing listens on: the connect fails; the next call does not even try.
    client = guarded_redis("redis://127.0.0.1:1/0", clock, name="unit-refused", timeout=0.25, skip_for=5.0)
    with pytest.raises(redis.ConnectionError) as first:
        client.get("k")
    assert not isinstance(first.value, RedisSkipped)
    for _ in range(3):
        with pytest.raises(RedisSkipped):
            client.get("k")
    assert client.breaker.is_open
    counted = {
        o: REGISTRY.get_sample_value("diner_redis_calls_total", {"client": "unit-refused", "outcome": o})
        for o in OUTCOMES
    }
    assert counted == {"ok": 0.0, "error": 0.0, "failed": 1.0, "skipped": 3.0}, "one attempt, then none"
    client.close()


class _Answers:
    """Stands in for a redis.Redis whose server answers each command with an error of its own."""

    connection_pool = "the pool"

    def evalsha(self, *args):
        raise redis.exceptions.NoScriptError("NOSCRIPT")


def test_an_error_the_server_answered_with_is_not_an_outage():
    breaker = RedisBreaker(FakeClock())
    guarded = GuardedRedis(_Answers(), breaker)  # type: ignore[arg-type]
    with pytest.raises(redis.exceptions.NoScriptError):
        guarded.evalsha("sha", 0)
    assert not breaker.is_open
    assert guarded.connection_pool == "the pool"  # attributes pass through unwrapped (for `limits`)
