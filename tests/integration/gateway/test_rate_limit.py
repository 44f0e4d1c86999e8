"""Per-tenant rate limits against the real fake upstream, in memory and on Redis (across processes too)."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest

from diner_agent.gateway import RateLimited
from tests.fakes.cloudflare import GATEWAY
from tests.integration.gateway import _hammer
from tests.integration.gateway.conftest import MESSAGES
from tests.services import redis_url


def ask(gateway, tenant: str, n: int):
    return gateway.complete(tenant, [{"role": "user", "content": f"question {n}"}])


def test_the_eleventh_call_in_a_minute_is_refused_for_that_tenant_only(make_gateway, fake_cloudflare):
    gateway, sink = make_gateway(GATEWAY, rate_limit="10/minute")
    for n in range(10):
        ask(gateway, "blue-plate", n)
    with pytest.raises(RateLimited) as caught:
        ask(gateway, "blue-plate", 10)
    # A minute from the first call, plus the few milliseconds the limiter adds so a retry lands after the reset.
    assert caught.value.scope == "tenant" and 0 < caught.value.retry_after <= 60.01
    assert ask(gateway, "green-door", 10).provider == GATEWAY

    assert len(fake_cloudflare.requests) == 11
    refused = sink.records[10]
    assert (refused.status, refused.rate_limited, refused.provider, refused.tenant) == (
        "rate_limited",
        True,
        None,
        "blue-plate",
    )


def test_cache_hits_spend_no_quota(make_gateway, fake_cloudflare):
    gateway, _ = make_gateway(GATEWAY, rate_limit="2/minute")
    for _ in range(5):
        gateway.complete("blue-plate", MESSAGES)
    assert len(fake_cloudflare.requests) == 1
    ask(gateway, "blue-plate", 1)  # the second real call still fits


def test_queue_mode_waits_for_a_slot(make_gateway, fake_cloudflare):
    gateway, sink = make_gateway(GATEWAY, rate_limit="2/second", rate_limit_mode="queue", queue_max_wait=3)
    answers = [ask(gateway, "blue-plate", n) for n in range(3)]  # the third waits for the window to move
    assert len(answers) == 3 and len(fake_cloudflare.requests) == 3
    assert not any(r.rate_limited for r in sink.records)


def test_queue_mode_gives_up_at_the_deadline(make_gateway, fake_cloudflare):
    gateway, sink = make_gateway(GATEWAY, rate_limit="1/minute", rate_limit_mode="queue", queue_max_wait=8)
    ask(gateway, "blue-plate", 0)
    with pytest.raises(RateLimited) as caught:
        gateway.complete("blue-plate", [{"role": "user", "content": "more"}], deadline=time.monotonic() + 0.5)
    assert caught.value.scope == "tenant"
    assert len(fake_cloudflare.requests) == 1
    assert sink.records[-1].status == "rate_limited"


def test_limit_is_exact_under_threads(make_gateway, fake_cloudflare):
    gateway, sink = make_gateway(GATEWAY, rate_limit="10/minute")
    barrier = threading.Barrier(30)

    def call(n):
        barrier.wait()
        try:
            ask(gateway, "blue-plate", n)
        except RateLimited:
            pass

    threads = [threading.Thread(target=call, args=(n,)) for n in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(fake_cloudflare.requests) == 10
    assert sum(r.status == "ok" for r in sink.records) == 10


def test_limit_is_shared_between_gateways_on_redis(make_gateway, fake_cloudflare, backend):
    one, _ = make_gateway(GATEWAY, rate_limit="3/minute")
    two, _ = make_gateway(GATEWAY, rate_limit="3/minute")
    for n in range(3):
        ask(one, "blue-plate", n)
    if backend == "redis":
        with pytest.raises(RateLimited):
            ask(two, "blue-plate", 3)
    else:
        ask(two, "blue-plate", 3)  # in memory each process (here: each gateway) has its own window


def test_limit_is_exact_across_processes_on_redis(loopback_cloudflare, backend, redis_prefix):
    fake_cloudflare = loopback_cloudflare  # other processes reach it over loopback
    if backend != "redis":
        return  # nothing crosses processes without Redis
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    args = (
        fake_cloudflare.gateway_url,
        fake_cloudflare.gateway_token,
        fake_cloudflare.api_token,
        redis_url(),
        redis_prefix,
        start,
    )
    procs = [ctx.Process(target=_hammer.hammer, args=(*args, worker)) for worker in range(4)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(30)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert len(fake_cloudflare.requests) == 10
