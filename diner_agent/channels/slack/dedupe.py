"""A cheap "seen this Slack event before?" check that runs before any work.

Slack redelivers an event (same `event_id`, `X-Slack-Retry-Num` set) when our ack was late or lost,
possibly while the first delivery is still being processed. The command service's processed-message
table is the exact guard (nothing is applied or posted twice); this check drops such retries before
they cost a database round trip or a listener thread. It is shared across workers with Redis
(`SET NX EX`, atomic) when REDIS_URL is set, and per process otherwise.

It fails open: if Redis is unreachable the event is processed and the service still dedupes.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Protocol

import redis

from diner_agent.clock import Clock, SystemClock
from diner_agent.redis_guard import GuardedRedis, guarded_redis

log = logging.getLogger(__name__)

SEEN_TTL_SECONDS = 3600  # Slack retries within minutes (immediately, ~1 min, ~5 min)


class SeenEvents(Protocol):
    def first_time(self, event_id: str) -> bool:
        """Record `event_id`; True only for the first caller (across threads, and workers with Redis)."""
        ...


class MemorySeen:
    """An in-process TTL set, bounded so a flood of events cannot grow it without limit."""

    def __init__(
        self,
        ttl: float = SEEN_TTL_SECONDS,
        *,
        max_entries: int = 100_000,
        clock: Clock | None = None,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock or SystemClock()
        self._expiry: OrderedDict[str, float] = OrderedDict()  # insertion order = expiry order
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        now = self._clock.monotonic()
        with self._lock:
            while self._expiry:
                oldest, expires = next(iter(self._expiry.items()))
                if expires > now and len(self._expiry) < self.max_entries:
                    break
                del self._expiry[oldest]
            if event_id in self._expiry:
                return False
            self._expiry[event_id] = now + self.ttl
            return True


class RedisSeen:
    """`SET slack:event:<id> 1 NX EX ttl`: exactly one worker wins, on any machine."""

    def __init__(
        self, client: redis.Redis | GuardedRedis, ttl: int = SEEN_TTL_SECONDS, prefix: str = "diner:slack:event:"
    ) -> None:
        self.client = client
        self.ttl = ttl
        self.prefix = prefix

    def first_time(self, event_id: str) -> bool:
        try:
            return bool(self.client.set(self.prefix + event_id, b"1", nx=True, ex=self.ttl))
        except redis.RedisError as exc:
            log.warning("Slack dedupe: Redis failed (%s); processing %s anyway.", exc.__class__.__name__, event_id)
            return True


def seen_events(redis_url: str | None, clock: Clock | None = None) -> SeenEvents:
    """Redis-backed when REDIS_URL is set (shared by all workers), else in-process."""
    if redis_url:
        # One quick attempt, then skipped for a while: a slow or absent Redis must not hold up an ack;
        # failing open is safe here.
        return RedisSeen(guarded_redis(redis_url, clock or SystemClock(), name="slack"))
    return MemorySeen(clock=clock)
