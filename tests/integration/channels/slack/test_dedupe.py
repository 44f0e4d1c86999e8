"""The "seen this Slack event?" check on both backends: in process, and Redis shared by workers."""

from __future__ import annotations

import threading
import uuid

import pytest
import redis

from diner_agent.channels.slack.dedupe import MemorySeen, RedisSeen, seen_events
from tests.services import redis_backends, redis_url


@pytest.fixture(params=redis_backends())
def make_seen(request):
    """A factory: each call is one worker's check; all share state the way that backend does."""
    if request.param == "memory":
        shared = MemorySeen()
        yield lambda: shared
        return
    prefix = f"test:{uuid.uuid4().hex}:"  # this test's own keys
    clients: list[redis.Redis] = []

    def worker() -> RedisSeen:
        clients.append(redis.Redis.from_url(redis_url()))
        return RedisSeen(clients[-1], prefix=prefix)

    yield worker
    for client in clients:
        client.close()


def test_only_the_first_of_many_concurrent_deliveries_wins(make_seen):
    workers = [make_seen() for _ in range(4)]
    event_id = "Ev" + uuid.uuid4().hex[:10]
    wins: list[bool] = []
    start = threading.Barrier(12)

    def deliver(i: int) -> None:
        start.wait()
        wins.append(workers[i % 4].first_time(event_id))

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 11 + [True]


def test_different_events_do_not_collide(make_seen):
    seen = make_seen()
    assert seen.first_time("Ev" + uuid.uuid4().hex) and seen.first_time("Ev" + uuid.uuid4().hex)


def test_an_unreachable_redis_fails_open():
    """The service's message table still dedupes exactly; this check only saves work."""
    seen = seen_events("redis://127.0.0.1:1/0")  # nothing listens on port 1
    assert seen.first_time("Ev1") and seen.first_time("Ev1")


def test_the_backend_follows_redis_url():
    assert isinstance(seen_events(None), MemorySeen)
    assert isinstance(seen_events("redis://127.0.0.1:6379/0"), RedisSeen)  # no connection until first use
