"""The fallback chain: gateway -> Workers AI direct -> OpenAI-compatible, and how 429s are respected."""

from __future__ import annotations

import time

import pytest

from diner_agent.gateway import RateLimited, Unavailable
from tests.fakes.cloudflare import (
    GATEWAY,
    OPENAI,
    WORKERS_AI,
    Fail,
    Malformed,
    RateLimit,
    Reply,
    Reset,
    Sleep,
    Stall,
    Truncate,
)
from tests.integration.gateway.conftest import MESSAGES

FAILURES = {
    "http 500": Fail(500),
    "timeout": Sleep(3.0),
    "connection reset": Reset(),
    "malformed json": Malformed(),
    "truncated body": Truncate(),
}


@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES.keys())
def test_a_failing_gateway_falls_back_to_workers_ai(make_gateway, fake_cloudflare, failure):
    fake_cloudflare.gateway.always(failure)
    gateway, sink = make_gateway(first_byte_timeout=0.3)
    answer = gateway.complete("blue-plate", MESSAGES)

    assert (answer.provider, answer.text) == (WORKERS_AI, "Hello from workers-ai.")
    assert [r.provider for r in fake_cloudflare.requests] == [GATEWAY, WORKERS_AI]
    (record,) = sink.records
    assert (record.status, record.provider, record.fallback_step) == ("ok", WORKERS_AI, 1)


def test_then_the_openai_compatible_server(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(Fail(502))
    fake_cloudflare.workers_ai.always(Fail(503))
    gateway, sink = make_gateway()
    answer = gateway.complete("blue-plate", MESSAGES)

    assert answer.provider == OPENAI
    assert [r.provider for r in fake_cloudflare.requests] == [GATEWAY, WORKERS_AI, OPENAI]
    assert sink.records[0].fallback_step == 2


def test_all_failing_is_unavailable_with_each_reason(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(Fail(500))
    fake_cloudflare.workers_ai.always(Malformed())
    fake_cloudflare.openai.always(Reset())
    gateway, sink = make_gateway()

    with pytest.raises(Unavailable) as caught:
        gateway.complete("blue-plate", MESSAGES)
    assert set(caught.value.reasons) == {GATEWAY, WORKERS_AI, OPENAI}
    assert "HTTP 500" in caught.value.reasons[GATEWAY]
    assert "malformed" in caught.value.reasons[WORKERS_AI]
    (record,) = sink.records
    assert record.status == "unavailable" and record.cost_usd == 0
    assert record.error and fake_cloudflare.api_token not in record.error


def test_wrong_gateway_token_falls_back_and_never_leaks_the_token(make_gateway, fake_cloudflare):
    gateway, sink = make_gateway(GATEWAY, WORKERS_AI, gateway_token="wrong-secret-token")
    answer = gateway.complete("blue-plate", MESSAGES)
    assert answer.provider == WORKERS_AI
    assert "wrong-secret-token" not in repr(gateway.config)


def test_capacity_429_is_respected_not_failed_over(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(RateLimit(3040, retry_after=7))
    gateway, sink = make_gateway()

    with pytest.raises(RateLimited) as caught:
        gateway.complete("blue-plate", MESSAGES)
    assert (caught.value.scope, caught.value.code, caught.value.retry_after) == ("upstream", 3040, 7.0)
    assert [r.provider for r in fake_cloudflare.requests] == [GATEWAY]
    (record,) = sink.records
    assert (record.status, record.rate_limited, record.provider) == ("rate_limited", True, GATEWAY)


def test_a_429_without_retry_after_still_says_when_to_retry(make_gateway, fake_cloudflare):
    fake_cloudflare.workers_ai.always(RateLimit(3040))
    gateway, _ = make_gateway(WORKERS_AI, OPENAI)
    with pytest.raises(RateLimited) as caught:
        gateway.complete("blue-plate", MESSAGES)
    assert caught.value.retry_after > 0


def test_exhausted_daily_quota_skips_the_same_account_and_uses_another_service(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(RateLimit(3036))
    gateway, sink = make_gateway()
    answer = gateway.complete("blue-plate", MESSAGES)

    # Workers AI direct spends the same account's Neurons, so it is not asked at all.
    assert answer.provider == OPENAI
    assert [r.provider for r in fake_cloudflare.requests] == [GATEWAY, OPENAI]
    # The exhausted account is remembered: the next call goes straight to the other service.
    gateway.complete("blue-plate", [{"role": "user", "content": "coffee 3.25"}])
    assert [r.provider for r in fake_cloudflare.requests] == [GATEWAY, OPENAI, OPENAI]


def test_exhausted_quota_with_nowhere_else_to_go_is_rate_limited_until_midnight(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(RateLimit(3036))
    gateway, _ = make_gateway(GATEWAY, WORKERS_AI)
    with pytest.raises(RateLimited) as caught:
        gateway.complete("blue-plate", MESSAGES)
    assert caught.value.code == 3036 and caught.value.scope == "upstream"
    assert 0 < caught.value.retry_after <= 24 * 3600
    assert [r.provider for r in fake_cloudflare.requests] == [GATEWAY]


def test_deadline_is_respected(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(Sleep(5.0))
    gateway, sink = make_gateway(GATEWAY, WORKERS_AI, first_byte_timeout=5.0)
    deadline = time.monotonic() + 0.4
    with pytest.raises(Unavailable) as caught:
        gateway.complete("blue-plate", MESSAGES, deadline=deadline)
    assert caught.value.reasons == {GATEWAY: "timed out", WORKERS_AI: "not tried: deadline passed"}
    assert [r.provider for r in fake_cloudflare.requests] == [GATEWAY]
    assert sink.records[0].status == "unavailable"


def test_a_stalled_body_is_a_timeout_and_falls_back(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(Stall(seconds=3.0))
    gateway, _ = make_gateway(first_byte_timeout=0.3)
    assert gateway.complete("blue-plate", MESSAGES).provider == WORKERS_AI


def test_scripted_answers_can_depend_on_the_request(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(lambda request: Reply(f"{len(request.body['messages'])} message(s)"))
    fake_cloudflare.gateway.next(Sleep(0.05))  # then the default, computed from this request
    gateway, _ = make_gateway()
    assert gateway.complete("blue-plate", MESSAGES).text == "1 message(s)"
