"""A frozen Redis (SIGSTOP) or a killed one never stalls a request: every Redis call has a deadline of a
few hundred ms and the first failure makes the process skip Redis for a while (redis_guard).

Each test runs the app on a redis-server of its own (never the shared one) with the AI providers on the
fake Cloudflare, freezes or kills it, and asserts on what happened rather than on how long it took:
`diner_redis_calls_total` shows that the gateway's client waited on a dead Redis once (one deadline of
`REDIS_TIMEOUT`) and was told at once ever after, that the grammar's texts, `/healthz` and the public menu
never touch Redis, that a free-form text (it would need the model) gets the grammar's answer without a
model call because the AI rate limiter fails closed, that `/readyz` answers 503 naming Redis after one
wait of its own; and that once Redis is back and the skip is over the model is used again."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from diner_agent.redis_guard import OUTCOMES
from tests.fakes.cloudflare.script import GATEWAY
from tests.integration.channels.webhooks import signed_sms, sms_form, twiml_messages
from tests.integration.reliability.apps import ai_settings

FREE_FORM = "could you make it so folks can't order the reuben anymore"  # the grammar cannot read it
SKIP_FOR = 600.0  # far longer than the test: the skip ends only when the test moves the clock
CLIENTS = ("gateway", "health", "slack")


def _calls() -> dict[tuple[str, str], float]:
    """Every guarded client's Redis calls so far, by (client, outcome)."""
    return {
        (client, outcome): REGISTRY.get_sample_value("diner_redis_calls_total", {"client": client, "outcome": outcome})
        or 0.0
        for client in CLIENTS
        for outcome in OUTCOMES
    }


def _since(before: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    return {key: count - before[key] for key, count in _calls().items() if count != before[key]}


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
    before = _calls()
    for _ in range(3):
        response = signed_sms(client, sms_form(FREE_FORM))
        assert response.status_code == 200 and twiml_messages(response.get_data(as_text=True))
    assert not fake_cloudflare.requests, "no model call without a counted rate-limit slot (fails closed)"
    gateway = _since(before)
    assert gateway.get(("gateway", "failed")) == 1, f"one wait on the dead Redis, then none: {gateway}"
    assert gateway.get(("gateway", "skipped"), 0) >= 2, f"the later texts were told at once: {gateway}"
    assert not any(key[0] == "gateway" and key[1] in ("ok", "error") for key in gateway), gateway

    before = _calls()
    for text in ("86 the pancakes", "coffee 2.75", "pancakes are back"):
        response = signed_sms(client, sms_form(text))
        assert response.status_code == 200
        assert "Nothing changed" not in response.get_data(as_text=True)
    for path in ("/healthz", "/menu/blue-plate.json", "/livez"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    assert _since(before) == {}, "the grammar's texts and the public pages never touch Redis"

    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["redis"] in ("timeout", "unreachable")
    assert response.get_json()["database"] == "ok"
    assert _since(before) == {("health", "failed"): 1.0}, "readiness costs one deadline of its own"


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
