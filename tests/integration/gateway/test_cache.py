"""The response cache: free hits, tenant scoping, TTL."""

from __future__ import annotations

import pytest

from diner_agent.gateway import Unavailable
from tests.fakes.clock import FakeClock
from tests.fakes.cloudflare import GATEWAY, Fail, Reply
from tests.integration.gateway.conftest import MESSAGES


def test_a_repeat_is_served_from_cache_without_an_upstream_call(make_gateway, fake_cloudflare):
    gateway, sink = make_gateway()
    first = gateway.complete("blue-plate", MESSAGES)
    second = gateway.complete("blue-plate", MESSAGES)

    assert len(fake_cloudflare.requests) == 1
    assert second.text == first.text and second.cache_hit and not first.cache_hit
    assert (second.cost_usd, second.prompt_tokens, second.completion_tokens) == (0, 0, 0)
    hit = sink.records[1]
    assert (hit.cache_hit, hit.cost_usd, hit.status, hit.provider) == (True, 0, "ok", GATEWAY)
    assert first.cost_usd > 0


def test_one_tenants_answer_is_never_served_to_another(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(lambda request: Reply(f"for {request.metadata['tenant']}"))
    gateway, _ = make_gateway(cache_scope="tenant")
    a = gateway.complete("blue-plate", MESSAGES)
    b = gateway.complete("green-door", MESSAGES)

    assert (a.text, b.text) == ("for blue-plate", "for green-door")
    assert not b.cache_hit and len(fake_cloudflare.requests) == 2


def test_shared_scope_shares_answers_across_tenants(make_gateway, fake_cloudflare):
    gateway, sink = make_gateway(cache_scope="shared")
    a = gateway.complete("blue-plate", MESSAGES)
    b = gateway.complete("green-door", MESSAGES)
    assert b.cache_hit and b.text == a.text and len(fake_cloudflare.requests) == 1
    assert sink.records[1].tenant == "green-door"


def test_different_parameters_are_different_entries(make_gateway, fake_cloudflare):
    gateway, _ = make_gateway()
    gateway.complete("blue-plate", MESSAGES)
    gateway.complete("blue-plate", MESSAGES, max_tokens=100)
    gateway.complete("blue-plate", MESSAGES, temperature=0.5)
    gateway.complete("blue-plate", MESSAGES, response_format={"type": "json_object"})
    assert len(fake_cloudflare.requests) == 4


def test_ttl_zero_disables_the_cache(make_gateway, fake_cloudflare):
    gateway, _ = make_gateway(cache_ttl=0)
    gateway.complete("blue-plate", MESSAGES)
    assert not gateway.complete("blue-plate", MESSAGES).cache_hit
    assert len(fake_cloudflare.requests) == 2


def test_entries_expire_after_the_ttl(make_gateway, fake_cloudflare, backend):
    if backend == "redis":
        return  # Redis expires keys by its own clock; the memory store is the one that reads ours
    clock = FakeClock(frozen=True)
    gateway, _ = make_gateway(cache_ttl=60, clock=clock)
    gateway.complete("blue-plate", MESSAGES)
    clock.advance(59)
    assert gateway.complete("blue-plate", MESSAGES).cache_hit
    clock.advance(2)
    assert not gateway.complete("blue-plate", MESSAGES).cache_hit


def test_failures_are_not_cached(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.next(Fail(500))
    fake_cloudflare.workers_ai.next(Fail(500))
    fake_cloudflare.openai.next(Fail(500))
    gateway, _ = make_gateway()
    with pytest.raises(Unavailable):
        gateway.complete("blue-plate", MESSAGES)
    assert not gateway.complete("blue-plate", MESSAGES).cache_hit


def test_cache_is_shared_between_gateways_on_redis(make_gateway, fake_cloudflare, backend):
    one, _ = make_gateway()
    two, _ = make_gateway()
    one.complete("blue-plate", MESSAGES)
    assert two.complete("blue-plate", MESSAGES).cache_hit == (backend == "redis")
