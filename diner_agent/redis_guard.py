"""Redis with deadlines: short socket timeouts and a breaker that skips Redis for a while after a failure.

redis-py waits up to 5 s per call by default (and retries), and one AI call makes about four Redis
calls in a row, so a frozen Redis (SIGSTOP, a partition) used to stall every request that touched it,
health checks included. Here every call is bounded by `timeout` (a few hundred ms, connect and read),
is never retried, and the first failure opens a breaker: for `skip_for` seconds callers are told at
once that Redis is unavailable (`RedisSkipped`, a `redis.ConnectionError`, so every existing
`except redis.RedisError` path handles it) instead of each waiting out its own timeout. After that
one caller probes; success closes the breaker.

What each user does while Redis is away is its own choice: the AI cache misses, coalescing stays in
this process, the AI rate limiter fails *closed* (no model call without a counted slot), the Slack
retry check fails open. The grammar path never touches Redis.

This module stands beside the layers (like `clock.py`): the gateway, the channels and the health
check each build their client with `guarded_redis`, named for its user. `diner_redis_calls_total`
counts each client's calls by outcome (ok, error: Redis answered with an error of the command's own,
failed: a connect or read that failed, each costing at most one `timeout`, skipped: not tried because
the breaker is open), so an operator sees how often Redis was skipped, and a test can show that a
frozen Redis cost one wait and no more, without timing anything.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import redis
from prometheus_client import Counter
from redis.backoff import NoBackoff
from redis.commands.core import Script
from redis.retry import Retry

from diner_agent.clock import Clock

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 0.25
DEFAULT_SKIP_FOR = 5.0
OUTCOMES = ("ok", "error", "failed", "skipped")
CALLS = Counter("diner_redis_calls", "Redis calls by client and outcome (see redis_guard).", ["client", "outcome"])


class RedisSkipped(redis.ConnectionError):
    """Redis failed a moment ago; this call was not attempted."""


class RedisBreaker:
    """Open for `skip_for` seconds after a failure; then one caller probes while the others still skip."""

    def __init__(self, clock: Clock, skip_for: float = DEFAULT_SKIP_FOR, probe_window: float = 1.0) -> None:
        self._clock = clock
        self.skip_for = skip_for
        self._probe_window = probe_window
        self._lock = threading.Lock()
        self._skip_until = 0.0
        self._open = False

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._open and self._clock.monotonic() < self._skip_until

    def allow(self) -> bool:
        with self._lock:
            if not self._open:
                return True
            now = self._clock.monotonic()
            if now < self._skip_until:
                return False
            self._skip_until = now + self._probe_window  # this caller probes; the rest keep skipping
            return True

    def failure(self) -> None:
        with self._lock:
            if not self._open:
                log.warning("Redis failed: skipping it for %.0f s (cache misses, AI calls refused).", self.skip_for)
            self._open = True
            self._skip_until = self._clock.monotonic() + self.skip_for

    def success(self) -> None:
        with self._lock:
            if self._open:
                log.info("Redis answers again.")
            self._open = False


class GuardedRedis:
    """A `redis.Redis` whose every command goes through a `RedisBreaker` (see module docstring).

    Attribute access is forwarded to the client; commands (callables) are wrapped. `connection_pool`
    is the client's own, for libraries that take a pool (the `limits` storage): such callers must
    check `breaker` themselves."""

    def __init__(self, client: redis.Redis, breaker: RedisBreaker, name: str = "redis") -> None:
        self.client = client
        self.breaker = breaker
        self.name = name
        self._counts = {outcome: CALLS.labels(name, outcome) for outcome in OUTCOMES}

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.client, name)
        if not callable(attr):
            return attr
        return self.guard(attr)

    def guard(self, call: Callable[..., Any]) -> Callable[..., Any]:
        breaker, counts = self.breaker, self._counts

        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not breaker.allow():
                counts["skipped"].inc()
                raise RedisSkipped("Redis is being skipped after a recent failure.")
            try:
                result = call(*args, **kwargs)
            except (redis.ConnectionError, redis.TimeoutError):
                counts["failed"].inc()
                breaker.failure()
                raise
            except redis.RedisError:
                counts["error"].inc()
                breaker.success()  # Redis answered (with an error of the command's own, e.g. NOSCRIPT)
                raise
            counts["ok"].inc()
            breaker.success()
            return result

        return guarded

    def register_script(self, script: str) -> Script:
        return Script(self, script)  # type: ignore[arg-type]  # its evalsha calls come back through the guard

    def get_encoder(self) -> Any:
        return self.client.get_encoder()

    def close(self) -> None:
        self.client.close()


def guarded_redis(
    url: str,
    clock: Clock,
    *,
    name: str = "redis",
    timeout: float = DEFAULT_TIMEOUT,
    skip_for: float = DEFAULT_SKIP_FOR,
) -> GuardedRedis:
    """A client for `url` with `timeout` seconds to connect and per reply, no retries, and a breaker;
    `name` labels its calls in `diner_redis_calls_total`."""
    client = redis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        retry_on_timeout=False,
        health_check_interval=0,
    )
    return GuardedRedis(client, RedisBreaker(clock, skip_for), name)
