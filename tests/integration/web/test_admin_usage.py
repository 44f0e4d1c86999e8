"""The admin AI-usage dashboard reports what real calls through the gateway did: chat calls made here,
against the Cloudflare fake, show up in its JSON and HTML. Guarded by ADMIN_TOKEN."""

from __future__ import annotations

from datetime import timedelta

import httpx
import openai
import pytest

from tests.fakes.cloudflare import Fail, Reply
from tests.live_site import ADMIN_TOKEN
from tests.usage_rows import usage_rows

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def around_now(clock) -> dict[str, str]:
    """The three days around the app's "today": the gateway stamps its rows with the app's clock."""
    today = clock.now().date()
    return {"from": str(today - timedelta(days=1)), "to": str(today + timedelta(days=1))}


def ask(client, text: str) -> str:
    answer = client.chat.completions.create(model="diner-agent", messages=[{"role": "user", "content": text}])
    return answer.choices[0].message.content


def usage(site, params: dict | None = None) -> dict:
    params = around_now(site.clock) if params is None else params
    response = httpx.get(f"{site.url}/admin/ai-usage.json", params=params, headers=ADMIN)
    assert response.status_code == 200, response.text
    return response.json()


def test_calls_made_through_the_chat_appear_in_the_report(site, fake_cloudflare):
    fake_cloudflare.gateway.always(Reply("From the gateway.", usage={"prompt_tokens": 100, "completion_tokens": 10}))
    fake_cloudflare.workers_ai.always(Reply("From Workers AI.", usage={"prompt_tokens": 100, "completion_tokens": 10}))
    blue = site.openai()
    ask(blue, "What is our cheapest drink?")
    ask(blue, "Suggest a pie special.")
    assert ask(blue, "What is our cheapest drink?") == "From the gateway."  # the same question: a cache hit
    fake_cloudflare.gateway.next(Fail(500))
    assert ask(blue, "Which lunch item sells best?") == "From Workers AI."  # the fallback answered
    ask(site.openai(api_key=site.store.issue_token("demo-diner")), "What is on the menu tonight?")

    report = usage(site)
    tenants = {row["tenant"]: row for row in report["tenants"]}
    assert list(tenants) == ["blue-plate", "demo-diner"]
    blue_plate = tenants["blue-plate"]
    assert {k: blue_plate[k] for k in blue_plate if k not in ("cost_usd", "latency_ms")} == {
        "tenant": "blue-plate",
        "name": "Blue Plate Diner",
        "over_budget": 0,
        "retried": 0,
        "requests": 4,
        "upstream_calls": 3,
        "cache_hits": 1,
        "cache_hit_rate": 0.25,
        "coalesced": 0,
        "rate_limited": 0,
        "fallbacks": 1,
        "errors": 0,
        "prompt_tokens": 300,
        "completion_tokens": 30,
        "cost_estimated": True,  # the default model has no list price of its own
    }
    assert blue_plate["cost_usd"] > 0
    assert 0 <= blue_plate["latency_ms"]["p50"] <= blue_plate["latency_ms"]["p95"]
    totals = report["totals"]
    assert totals["requests"] == 5 and totals["cache_hits"] == 1 and totals["upstream_calls"] == 4
    assert totals["cost_usd"] == pytest.approx(blue_plate["cost_usd"] + tenants["demo-diner"]["cost_usd"], abs=1e-6)
    assert report["bucket"] == "hour" and len(report["buckets"]) == 72
    assert sum(b["hits"] for b in report["buckets"]) == 1
    assert sum(b["misses"] for b in report["buckets"]) == 4


def test_rate_limited_calls_are_counted_and_cost_nothing(make_site, fake_cloudflare):
    site = make_site(ai_rate_limit="1/minute")
    client = site.openai()
    ask(client, "Suggest a pie special.")
    with pytest.raises(openai.RateLimitError):  # /v1 answers 429 (the SDK would retry after Retry-After)
        ask(client, "Suggest a soup special.")
    [blue_plate] = usage(site)["tenants"]
    assert (blue_plate["requests"], blue_plate["rate_limited"], blue_plate["upstream_calls"]) == (2, 1, 1)
    assert blue_plate["errors"] == 0


def test_without_a_date_the_report_is_for_today(site, clock, fake_cloudflare):
    ask(site.openai(), "Suggest a pie special.")
    today = clock.now().date()
    [row] = usage_rows(site.app, today)
    assert row["at"] == clock.now().isoformat()  # stamped by the app's one clock
    report = usage(site, {})
    assert report["from"] == report["to"] == str(today)
    assert report["totals"]["requests"] == 1
    assert usage(site, {"date": str(today - timedelta(days=1))})["totals"]["requests"] == 0


def test_the_page_shows_the_table_and_the_charts(site, fake_cloudflare):
    client = site.openai()
    ask(client, "Suggest a pie special.")
    ask(client, "Suggest a pie special.")
    page = httpx.get(f"{site.url}/admin/ai-usage", params=around_now(site.clock), auth=("anyone", ADMIN_TOKEN))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<tr data-tenant="blue-plate">' in html
    assert '<td data-field="requests">2</td>' in html and '<td data-field="cache_hits">1</td>' in html
    assert html.count('class="bar hit"') == 1 and html.count('class="bar miss"') == 1
    assert html.count('class="bar cost"') == 1
    assert "<script" not in html


# --- who may look -----------------------------------------------------------------------------------------


def test_without_credentials_the_browser_is_asked_for_them(site):
    for path in ("/admin/ai-usage", "/admin/ai-usage.json"):
        response = httpx.get(site.url + path)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Basic realm="diner-agent admin"'


def test_a_wrong_password_is_refused(site):
    for wrong in ("wrong", ADMIN_TOKEN + "x", ADMIN_TOKEN[:-1], "-"):
        assert httpx.get(f"{site.url}/admin/ai-usage.json", auth=("admin", wrong)).status_code == 401
        bearer = {"Authorization": f"Bearer {wrong}"}
        assert httpx.get(f"{site.url}/admin/ai-usage.json", headers=bearer).status_code == 401


def test_a_chat_token_is_not_an_admin_token(site):
    """A diner's web-chat token opens the chat, not the operator's dashboard."""
    chat = {"Authorization": f"Bearer {site.token}"}
    assert httpx.get(f"{site.url}/admin/ai-usage.json", headers=chat).status_code == 401


def test_basic_auth_with_any_user_name_is_let_in(site):
    for user in ("admin", "", "ops@example.com"):
        assert httpx.get(f"{site.url}/admin/ai-usage.json", auth=(user, ADMIN_TOKEN)).status_code == 200


def test_bearer_is_let_in(site):
    assert httpx.get(f"{site.url}/admin/ai-usage", headers=ADMIN).status_code == 200


def test_without_admin_token_the_dashboard_is_disabled(make_site):
    site = make_site(admin_token=None)
    for path in ("/admin/ai-usage", "/admin/ai-usage.json"):
        response = httpx.get(site.url + path, headers=ADMIN)
        assert response.status_code == 503
        assert "disabled" in response.text and "ADMIN_TOKEN" in response.text


BAD_DATES = [
    {"date": "2026-13-01"},
    {"date": "yesterday"},
    {"date": "20261126"},
    {"from": "2026-11-01"},
    {"from": "2026-11-26", "to": "2026-11-01"},
    {"from": "2026-01-01", "to": "2026-04-04"},  # 94 days
    {"date": "2026-11-26", "from": "2026-11-26", "to": "2026-11-26"},
]


def test_bad_dates_get_400_saying_what_to_send(site):
    for params in BAD_DATES:
        response = httpx.get(f"{site.url}/admin/ai-usage.json", params=params, headers=ADMIN)
        assert response.status_code == 400, params
        assert response.json()["error"].endswith("."), params
    assert httpx.get(f"{site.url}/admin/ai-usage", params=BAD_DATES[0], headers=ADMIN).status_code == 400


def test_93_days_is_the_longest_report_and_is_charted_per_day(site):
    report = usage(site, {"from": "2026-01-01", "to": "2026-04-03"})
    assert report["bucket"] == "day" and len(report["buckets"]) == 93
