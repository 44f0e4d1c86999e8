"""Tenant isolation in the AI response cache: one diner's answer is never served to another, with the
cache scoped to the diner or shared, in memory or in Redis."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis

from diner_agent.assembly import Assembly
from tests.fakes.cloudflare import GATEWAY, Reply
from tests.integration.channels.webhooks import (
    signed_sms,
    sms_form,
    twiml_messages,
)
from tests.integration.reliability.apps import ai_settings
from tests.integration.reliability.isolation import (
    OTHER,
)
from tests.sample import (
    BLUE_PLATE,
    BLUE_PLATE_NUMBER,
    DANA,
    DEMO,
    DEMO_DANA,
    DEMO_NUMBER,
)
from tests.services import redis_backends, redis_url
from tests.usage_rows import usage_rows

# --- the AI response cache --------------------------------------------------------------------------

FREE_FORM = "the walk-in cooler died so pull whatever needs refrigeration"  # the grammar cannot read it
QUESTION = "Write a one-line chalkboard sign for today's lunch."
SOLD_OUT = {BLUE_PLATE: "Reuben", DEMO: "Meatloaf"}  # each only on its own diner's menu


def answer_for_the_asking_diner(request) -> Reply:
    """The fake upstream answers each diner differently, by the tenant in cf-aig-metadata."""
    tenant = request.metadata["tenant"]
    if request.metadata.get("purpose") == "parse":
        return Reply(json={"commands": [{"action": "toggle_available", "target": SOLD_OUT[tenant], "value": False}]})
    return Reply(f"Chalkboard for {tenant}: come hungry.")


@pytest.fixture(params=redis_backends())
def cache_redis(request):
    """None (each process's memory cache), or a Redis URL with the gateway's keys cleared around the test."""
    if request.param == "memory":
        yield None
        return
    url = redis_url()
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match="diner-agent:ai:*", count=500):
        client.delete(key)
    yield url
    for key in client.scan_iter(match="diner-agent:ai:*", count=500):
        client.delete(key)
    client.close()


def _sms_reply(client, text: str, sender: str, to: str) -> str:
    [reply] = twiml_messages(signed_sms(client, sms_form(text, sender=sender, to=to)).get_data(as_text=True))
    return reply


def _chat(client, token: str, text: str) -> str:
    body = {"model": "diner-agent", "messages": [{"role": "user", "content": text}]}
    response = client.post("/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.get_json()["choices"][0]["message"]["content"]


@pytest.mark.parametrize("scope", ["tenant", "shared"])
def test_the_ai_cache_never_serves_one_diners_answer_to_another(scope, cache_redis, build_app, fake_cloudflare, clock):
    fake_cloudflare.gateway.always(answer_for_the_asking_diner)
    app = build_app(**ai_settings(fake_cloudflare, ai_cache_scope=scope, redis_url=cache_redis))
    client, store = app.test_client(), Assembly.of(app).store
    tokens = {BLUE_PLATE: store.issue_token(BLUE_PLATE), DEMO: store.issue_token(DEMO)}
    owners = {BLUE_PLATE: (DANA, BLUE_PLATE_NUMBER), DEMO: (DEMO_DANA, DEMO_NUMBER)}

    # The same free-form text and the same chat question from both diners, blue-plate first.
    for diner in (BLUE_PLATE, DEMO):
        reply = _sms_reply(client, FREE_FORM, *owners[diner])
        assert SOLD_OUT[diner] in reply and SOLD_OUT[OTHER[diner]] not in reply, reply
        assert _chat(client, tokens[diner], QUESTION) == f"Chalkboard for {diner}: come hungry."
    asked = [r.metadata["tenant"] for r in fake_cloudflare.requests_to(GATEWAY)]
    # Both prompts carry the diner's own menu, so even a shared cache has no entry for the second diner.
    assert asked == [BLUE_PLATE, BLUE_PLATE, DEMO, DEMO]

    # Asked again, each diner gets its own answer back from the cache, without an upstream call.
    for diner in (DEMO, BLUE_PLATE):
        assert SOLD_OUT[diner] in _sms_reply(client, FREE_FORM, *owners[diner])
        assert _chat(client, tokens[diner], QUESTION) == f"Chalkboard for {diner}: come hungry."
    assert len(fake_cloudflare.requests) == 4
    today = clock.now().date()
    rows = usage_rows(app, today - timedelta(days=1), today + timedelta(days=1))
    hits = sorted(r["tenant"] for r in rows if r["cache_hit"])
    assert hits == [BLUE_PLATE, BLUE_PLATE, DEMO, DEMO]

    # What the scope decides: whether a request identical in every byte, from another diner, is a hit.
    gateway = Assembly.of(app).gateway
    same = [{"role": "user", "content": "Say hello to the morning crew."}]
    first = gateway.complete(BLUE_PLATE, same, max_tokens=40)
    second = gateway.complete(DEMO, same, max_tokens=40)
    assert first.text == "Chalkboard for blue-plate: come hungry." and not first.cache_hit
    if scope == "shared":
        assert second.cache_hit and second.text == first.text
        assert len(fake_cloudflare.requests) == 5
    else:
        assert not second.cache_hit and second.text == "Chalkboard for demo-diner: come hungry."
        assert len(fake_cloudflare.requests) == 6
