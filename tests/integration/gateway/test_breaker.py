"""The circuit breaker, driven by a manual clock, against a really failing upstream."""

from __future__ import annotations

from tests.fakes.clock import FakeClock
from tests.fakes.cloudflare import GATEWAY, WORKERS_AI, Fail, Reply


def ask(gateway, n: int):
    return gateway.complete("blue-plate", [{"role": "user", "content": f"question {n}"}])


def test_breaker_opens_skips_then_probes_once(make_gateway, fake_cloudflare):
    clock = FakeClock(frozen=True)
    fake_cloudflare.gateway.always(Fail(500))
    gateway, sink = make_gateway(GATEWAY, WORKERS_AI, clock=clock, breaker_failures=3, breaker_reset=30)

    for n in range(3):
        assert ask(gateway, n).provider == WORKERS_AI
    assert gateway.breaker_states()[GATEWAY] == "open"
    assert len(fake_cloudflare.requests_to(GATEWAY)) == 3

    # Open: the gateway is not even tried, and Workers AI is now the first provider tried.
    ask(gateway, 3)
    assert len(fake_cloudflare.requests_to(GATEWAY)) == 3
    assert sink.records[-1].fallback_step == 0

    # After the reset period one probe goes through; it fails, so the circuit opens again.
    clock.advance(30)
    assert gateway.breaker_states()[GATEWAY] == "half_open"
    ask(gateway, 4)
    assert len(fake_cloudflare.requests_to(GATEWAY)) == 4
    assert gateway.breaker_states()[GATEWAY] == "open"
    ask(gateway, 5)
    assert len(fake_cloudflare.requests_to(GATEWAY)) == 4

    # Next probe succeeds: closed again, and the gateway serves.
    clock.advance(30)
    fake_cloudflare.gateway.always(Reply("Back."))
    assert ask(gateway, 6).provider == GATEWAY
    assert gateway.breaker_states()[GATEWAY] == "closed"
    assert ask(gateway, 7).provider == GATEWAY
