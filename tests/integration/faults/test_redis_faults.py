"""A frozen Redis (SIGSTOP) or a killed one never stalls a request: every Redis call has a deadline of a
few hundred ms and the first failure makes the process skip Redis for a while (redis_guard).

Each test runs the app on a redis-server of its own (never the shared one) with the AI providers on the
fake Cloudflare, freezes or kills it, and asserts: grammar texts answered at once; a free-form text (it
would need the model) answered within a second, with the grammar's answer, because the AI rate limiter
fails closed; `/healthz` and the public menu at once; `/readyz` a quick 503 naming Redis; and, once
Redis is back and the skip is over, the model used again."""

from __future__ import annotations

import time

import pytest

from tests.fakes.cloudflare.script import GATEWAY
from tests.integration.channels.webhooks import signed_sms, sms_form, twiml_messages
from tests.integration.reliability.apps import ai_settings

FREE_FORM = "could you make it so folks can't order the reuben anymore"  # the grammar cannot read it
SKIP_FOR = 2.0


def _timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


@pytest.fixture
def redis_app(make_app, own_redis, fake_cloudflare):
    app = make_app(**ai_settings(fake_cloudflare, redis_url=own_redis.url, redis_skip_for=SKIP_FOR, ai_cache_ttl=0))
    client = app.test_client()
    # Redis works: a free-form text reaches the model (the fake's answer is not a command: a clarifying reply).
    response = signed_sms(client, sms_form(FREE_FORM))
    assert response.status_code == 200 and fake_cloudflare.requests_to(GATEWAY)
    assert client.get("/readyz").get_json()["redis"] == "ok"
    return client


def _assert_answers_without_redis(client, fake_cloudflare) -> None:
    fake_cloudflare.clear()
    (response, took) = _timed(lambda: signed_sms(client, sms_form(FREE_FORM)))
    assert response.status_code == 200 and twiml_messages(response.get_data(as_text=True))
    assert took < 1.0, f"a free-form text took {took:.2f} s with Redis away"
    assert not fake_cloudflare.requests, "no model call without a counted rate-limit slot (fails closed)"
    for text in ("86 the pancakes", "coffee 2.75", "pancakes are back"):
        (response, took) = _timed(lambda text=text: signed_sms(client, sms_form(text)))
        assert took < 0.5 and response.status_code == 200
        assert "Nothing changed" not in response.get_data(as_text=True)
    for path in ("/healthz", "/menu/blue-plate.json", "/livez"):
        (response, took) = _timed(lambda path=path: client.get(path))
        assert response.status_code == 200 and took < 0.5, (path, response.status_code, took)
    (response, took) = _timed(lambda: client.get("/readyz"))
    assert response.status_code == 503 and took < 2.0
    assert response.get_json()["redis"] in ("timeout", "unreachable")
    assert response.get_json()["database"] == "ok"


def test_a_frozen_redis_costs_at_most_one_short_timeout(redis_app, own_redis, fake_cloudflare, clock):
    own_redis.freeze()
    try:
        _assert_answers_without_redis(redis_app, fake_cloudflare)
    finally:
        own_redis.thaw()
    clock.advance(SKIP_FOR + 0.1)  # the skip is over: the next call probes Redis, which answers again
    fake_cloudflare.clear()
    assert signed_sms(redis_app, sms_form(FREE_FORM)).status_code == 200
    assert fake_cloudflare.requests_to(GATEWAY), "the model is used again once Redis answers"
    assert redis_app.get("/readyz").status_code == 200


def test_a_killed_redis_is_skipped_too(redis_app, own_redis, fake_cloudflare):
    own_redis.kill()
    _assert_answers_without_redis(redis_app, fake_cloudflare)
