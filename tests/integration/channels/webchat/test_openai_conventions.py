"""`/v1` follows OpenAI's conventions, checked with the official SDK on a real loopback server: 429s with
OpenAI's error bodies and Retry-After (which the SDK's own retry honours), `x-ratelimit-*` headers on
every answer, what the gateway did in `x-diner-*` headers, `Cache-Control: no-cache`, and a cache key
that survives the prompt's clock line but not a menu change."""

from __future__ import annotations

import time

import httpx
import openai
import pytest
import yaml

from diner_agent.menu.tenant_file import load_tenants, parse_tenant_file
from tests.fakes.cloudflare import GATEWAY, RateLimit, Reply
from tests.menus import SAMPLE_TENANT

QUESTION = "Write a one-line chalkboard sign for today's lunch."


def _user(text: str) -> dict:
    return {"role": "user", "content": text}


def with_ai_block(site, tenant_id: str, **ai) -> None:
    """Reload the sample file with an `ai:` block for one diner (what an operator does)."""
    raw = yaml.safe_load(SAMPLE_TENANT.read_text())
    for entry in raw["tenants"]:
        if entry["id"] == tenant_id:
            entry["ai"] = ai
    load_tenants(site.store, parse_tenant_file(yaml.safe_dump(raw)))


class Seen:
    """Every response the SDK received (its retries included), through httpx's event hooks."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.at: list[float] = []

    def __call__(self, response: httpx.Response) -> None:
        self.statuses.append(response.status_code)
        self.at.append(time.monotonic())


def sdk(site, seen: Seen, *, max_retries: int) -> openai.OpenAI:
    http = httpx.Client(event_hooks={"response": [seen]})
    return openai.OpenAI(base_url=f"{site.url}/v1", api_key=site.token, max_retries=max_retries, http_client=http)


def test_the_sdk_sees_a_429_and_retries_after_retry_after(make_site, fake_cloudflare):
    site = make_site(ai_rate_limit="1/2second")
    seen = Seen()
    client = sdk(site, seen, max_retries=2)
    client.chat.completions.create(model="diner-agent", messages=[_user(QUESTION)])
    answer = client.chat.completions.create(model="diner-agent", messages=[_user("And one for dessert?")])

    assert answer.choices[0].message.content == "Hello from ai-gateway."
    assert seen.statuses == [200, 429, 200]  # refused once, retried by the SDK itself, answered
    assert seen.at[2] - seen.at[1] >= 1.0  # it waited as told, not its own 0.5 s default
    assert len(fake_cloudflare.requests_to(GATEWAY)) == 2


def test_a_rate_limited_call_is_a_429_in_openais_shape(make_site, fake_cloudflare):
    site = make_site(ai_rate_limit="1/minute")
    client = site.openai()
    client.chat.completions.create(model="diner-agent", messages=[_user(QUESTION)])
    for stream in (False, True):
        with pytest.raises(openai.RateLimitError) as refused:
            client.chat.completions.create(model="diner-agent", messages=[_user("Another?")], stream=stream)
        response = refused.value.response
        assert response.status_code == 429
        assert refused.value.body["type"] == "requests" and refused.value.body["code"] == "rate_limit_exceeded"
        assert 1 <= int(response.headers["retry-after"]) <= 60
        assert response.headers["x-ratelimit-limit-requests"] == "1"
        assert response.headers["x-ratelimit-remaining-requests"] == "0"
        assert response.headers["x-ratelimit-reset-requests"].endswith("s")
    assert len(fake_cloudflare.requests) == 1


def test_an_upstream_429_is_a_429_with_its_retry_after(site, fake_cloudflare):
    fake_cloudflare.gateway.always(RateLimit(retry_after=30))
    with pytest.raises(openai.RateLimitError) as refused:
        site.openai().chat.completions.create(model="diner-agent", messages=[_user(QUESTION)])
    assert refused.value.response.headers["retry-after"] == "30"


def test_every_answer_says_what_the_gateway_did(site, fake_cloudflare):
    fake_cloudflare.gateway.always(Reply("Pie is back.", usage={"prompt_tokens": 900, "completion_tokens": 14}))
    client = site.openai()
    first = client.chat.completions.with_raw_response.create(model="diner-agent", messages=[_user(QUESTION)])
    again = client.chat.completions.with_raw_response.create(model="diner-agent", messages=[_user(QUESTION)])
    fresh = client.chat.completions.with_raw_response.create(
        model="diner-agent", messages=[_user(QUESTION)], extra_headers={"Cache-Control": "no-cache"}
    )
    command = client.chat.completions.with_raw_response.create(model="diner-agent", messages=[_user("86 the reuben")])

    assert first.headers["x-diner-cache"] == "miss" and first.headers["x-diner-provider"] == GATEWAY
    assert float(first.headers["x-diner-cost-usd"]) > 0
    assert again.headers["x-diner-cache"] == "hit" and float(again.headers["x-diner-cost-usd"]) == 0
    assert fresh.headers["x-diner-cache"] == "miss"  # no-cache: asked upstream again
    assert len(fake_cloudflare.requests_to(GATEWAY)) == 2
    remaining = [int(r.headers["x-ratelimit-remaining-requests"]) for r in (first, again, fresh, command)]
    assert remaining == [9, 9, 8, 8]  # hits and commands spend no slot, and still say where the window is
    assert all(r.headers["x-ratelimit-limit-requests"] == "10" for r in (first, again, fresh, command))
    assert "x-diner-cache" not in command.headers  # a command asked no model


def test_a_streamed_answer_carries_the_headers_too(site, fake_cloudflare):
    fake_cloudflare.gateway.always(Reply("Pie is back.", chunks=("Pie ", "is back.")))
    with httpx.stream(
        "POST",
        f"{site.url}/v1/chat/completions",
        json={"messages": [_user(QUESTION)], "stream": True},
        headers={"Authorization": f"Bearer {site.token}"},
    ) as response:
        body = response.read().decode()
    assert response.headers["x-diner-cache"] == "miss" and response.headers["x-diner-provider"] == GATEWAY
    assert response.headers["x-ratelimit-remaining-requests"] == "9"
    assert body.rstrip().endswith("data: [DONE]") and "Pie " in body


def test_the_cache_survives_the_clock_line_but_not_a_menu_change(site, fake_cloudflare):
    client = site.openai()
    ask = lambda: client.chat.completions.with_raw_response.create(  # noqa: E731
        model="diner-agent", messages=[_user(QUESTION)]
    ).headers["x-diner-cache"]
    assert ask() == "miss"
    site.clock.advance(minutes=3)  # the prompt's "Now:" line has moved on; the TTL (300 s) has not passed
    assert ask() == "hit"
    client.chat.completions.create(model="diner-agent", messages=[_user("86 the reuben")])  # the menu changes
    assert ask() == "miss"
    assert len(fake_cloudflare.requests_to(GATEWAY)) == 2


def test_a_diners_own_policy_overrides_the_deployments(site, fake_cloudflare):
    with_ai_block(site, "blue-plate", rate_limit="2/minute", cache_ttl=0)
    client = site.openai()
    first = client.chat.completions.with_raw_response.create(model="diner-agent", messages=[_user(QUESTION)])
    second = client.chat.completions.with_raw_response.create(model="diner-agent", messages=[_user(QUESTION)])
    assert first.headers["x-ratelimit-limit-requests"] == "2"
    assert second.headers["x-diner-cache"] == "miss"  # cache_ttl 0: this diner's answers are never cached
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="diner-agent", messages=[_user(QUESTION)])
    assert len(fake_cloudflare.requests_to(GATEWAY)) == 2


def test_over_budget_the_model_is_not_called_and_commands_still_work(site, fake_cloudflare):
    with_ai_block(site, "blue-plate", daily_budget_usd=0.000001)  # less than one call's worst case
    seen = Seen()
    client = sdk(site, seen, max_retries=2)
    with pytest.raises(openai.RateLimitError) as refused:
        client.chat.completions.create(model="diner-agent", messages=[_user(QUESTION)])
    assert refused.value.body["type"] == "insufficient_quota" and refused.value.body["code"] == "insufficient_quota"
    assert seen.statuses == [429]  # x-should-retry: false, so the SDK does not hammer a spent budget
    assert fake_cloudflare.requests == []

    done = client.chat.completions.create(model="diner-agent", messages=[_user("86 the reuben")])
    assert "sold out" in done.choices[0].message.content.lower()
    assert site.store.snapshot("blue-plate").item_named("Reuben").available is False

    page = httpx.post(
        f"{site.url}/api/chat",
        json={"messages": [_user(QUESTION)]},
        headers={"Authorization": f"Bearer {site.token}"},
    )
    assert page.status_code == 200
    text = page.json()["choices"][0]["message"]["content"]
    assert text == "Free-form reading is paused until tomorrow; commands like '86 meatloaf' still work."
