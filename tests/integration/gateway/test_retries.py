"""A provider that is only busy for a moment is asked once more, within the deadline, before failing over."""

from __future__ import annotations

import time

import pytest

from diner_agent.gateway import RateLimited
from tests.fakes.cloudflare import GATEWAY, WORKERS_AI, RateLimit, Reply
from tests.integration.gateway.conftest import MESSAGES


@pytest.mark.parametrize("busy", [RateLimit(3040), RateLimit(3040, retry_after=0.4), RateLimit(2003, retry_after=0.4)])
def test_a_short_busy_answer_is_retried_once_on_the_same_provider(make_gateway, fake_cloudflare, busy):
    fake_cloudflare.gateway.next(busy)
    gateway, sink = make_gateway(total_timeout=4.0)
    started = time.monotonic()
    answer = gateway.complete("blue-plate", MESSAGES)

    assert answer.provider == GATEWAY and answer.retried is True
    assert [r.provider for r in fake_cloudflare.requests] == [GATEWAY, GATEWAY]
    assert time.monotonic() - started >= busy.retry_after if busy.retry_after else True
    [row] = sink.records
    assert row.retried is True and row.status == "ok" and row.to_dict()["retried"] is True


def test_a_retry_after_past_the_deadline_is_not_waited_for(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(RateLimit(3040, retry_after=10))
    gateway, sink = make_gateway(total_timeout=4.0)
    started = time.monotonic()
    with pytest.raises(RateLimited) as refused:
        gateway.complete("blue-plate", MESSAGES)
    assert time.monotonic() - started < 5.0, "the 10 s Retry-After was not waited out"
    assert refused.value.retry_after == 10
    assert len(fake_cloudflare.requests) == 1 and sink.records[0].retried is False


def test_it_is_retried_only_once(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(RateLimit(3040, retry_after=0.2))
    gateway, _ = make_gateway(total_timeout=4.0)
    with pytest.raises(RateLimited):
        gateway.complete("blue-plate", MESSAGES)
    assert len(fake_cloudflare.requests) == 2


def test_a_429_without_retry_after_or_capacity_code_is_not_retried(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(RateLimit(2003))
    gateway, _ = make_gateway(total_timeout=4.0)
    with pytest.raises(RateLimited):
        gateway.complete("blue-plate", MESSAGES)
    assert len(fake_cloudflare.requests) == 1


def test_a_stream_is_retried_before_its_first_text(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.next(RateLimit(3040, retry_after=0.2))
    fake_cloudflare.gateway.always(Reply("Pie is back.", chunks=("Pie ", "is back.")))
    gateway, sink = make_gateway(total_timeout=4.0)
    events = list(gateway.stream("blue-plate", MESSAGES))
    assert "".join(e.delta for e in events) == "Pie is back."
    assert events[-1].completion.retried is True
    assert len(fake_cloudflare.requests) == 2 and WORKERS_AI not in {r.provider for r in fake_cloudflare.requests}
