"""Single-flight: identical concurrent requests cost one upstream call."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from diner_agent.gateway import RateLimited
from tests.fakes.cloudflare import GATEWAY, RateLimit, Reply, Sleep
from tests.integration.gateway.conftest import MESSAGES

N = 20


def together(n: int, fn):
    """Run fn n times at once (a barrier lines the threads up) and return results or exceptions."""
    barrier = threading.Barrier(n)

    def run(_):
        barrier.wait()
        try:
            return fn()
        except Exception as exc:  # collected, asserted on below
            return exc

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


@pytest.mark.parametrize("cache_ttl", [300, 0], ids=["cache on", "cache off"])
def test_identical_concurrent_requests_make_one_upstream_call(make_gateway, fake_cloudflare, cache_ttl):
    fake_cloudflare.gateway.always(Reply("Meatloaf is sold out.", latency=0.3))
    gateway, sink = make_gateway(cache_ttl=cache_ttl, rate_limit="1/minute")
    results = together(N, lambda: gateway.complete("blue-plate", MESSAGES))

    assert len(fake_cloudflare.requests) == 1
    assert {r.text for r in results} == {"Meatloaf is sold out."}
    records = sink.records
    assert len(records) == N
    paid = [r for r in records if r.cost_usd > 0]
    assert len(paid) == 1 and not paid[0].coalesced
    assert all(r.coalesced or r.cache_hit for r in records if r is not paid[0])
    assert sum(r.rate_limited for r in records) == 0  # followers spend no quota (the limit is 1/minute)


def test_a_leaders_failure_reaches_its_followers(make_gateway, fake_cloudflare):
    """(A Retry-After past the deadline: the leader does not wait to ask again, it gives up at once.)"""
    fake_cloudflare.gateway.always(Sleep(0.3, then=RateLimit(3040, retry_after=30)))
    gateway, sink = make_gateway(GATEWAY)
    results = together(8, lambda: gateway.complete("blue-plate", MESSAGES))

    assert len(fake_cloudflare.requests) == 1
    assert all(isinstance(r, RateLimited) and (r.scope, r.code) == ("upstream", 3040) for r in results)
    assert len(sink.records) == 8 and all(r.status == "rate_limited" for r in sink.records)


def test_concurrent_identical_streams_share_one_upstream_stream(make_gateway, fake_cloudflare):
    chunks = ("Pie ", "is ", "back.")
    fake_cloudflare.gateway.always(Reply("Pie is back.", chunks=chunks, chunk_delay=0.05))
    gateway, sink = make_gateway()
    results = together(6, lambda: [e.delta for e in gateway.stream("blue-plate", MESSAGES) if not e.done])

    assert len(fake_cloudflare.requests) == 1
    assert all(r == list(chunks) for r in results)
    assert sum(1 for r in sink.records if r.cost_usd > 0) == 1


def test_different_tenants_coalesce_only_with_a_shared_cache(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(Reply(latency=0.3))
    gateway, _ = make_gateway(cache_scope="tenant")
    tenants = iter(["a", "b"] * 2)
    lock = threading.Lock()

    def call():
        with lock:
            tenant = next(tenants)
        return gateway.complete(tenant, MESSAGES)

    together(4, call)
    assert len(fake_cloudflare.requests) == 2


def test_gateways_sharing_redis_coalesce_across_instances(make_gateway, fake_cloudflare, backend):
    """Two gateways stand in for two worker processes: on Redis they share one upstream call."""
    fake_cloudflare.gateway.always(Reply("Shared.", latency=0.3))
    gateways = [make_gateway(GATEWAY, cache_ttl=0)[0] for _ in range(2)]
    pick = iter(gateways * 3)
    lock = threading.Lock()

    def call():
        with lock:
            gateway = next(pick)
        return gateway.complete("blue-plate", MESSAGES)

    results = together(6, call)
    assert {r.text for r in results} == {"Shared."}
    assert len(fake_cloudflare.requests) == (1 if backend == "redis" else 2)
