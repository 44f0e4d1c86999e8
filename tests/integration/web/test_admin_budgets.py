"""The dashboard shows each diner's name, its spend against budget, the alerts its calls raised (as badges
and a list), retried calls and refusals charted apart from misses, costs with four significant digits."""

from __future__ import annotations

import re

import httpx
import openai
import pytest

from diner_agent.assembly import Assembly
from tests.fakes.cloudflare import RateLimit, Reply
from tests.integration.channels.webchat.test_openai_conventions import with_ai_block
from tests.integration.web.test_admin_usage import ADMIN, around_now, usage


def _ask(client, n: int) -> None:
    client.chat.completions.create(model="diner-agent", messages=[{"role": "user", "content": f"Sign idea {n}?"}])


def test_spend_alerts_and_refusals_on_the_dashboard(site, fake_cloudflare):
    fake_cloudflare.gateway.always(Reply("A sign.", usage={"prompt_tokens": 5000, "completion_tokens": 100}))
    with_ai_block(site, "blue-plate", daily_budget_usd=0.001, rate_limit="1000/minute")
    client = site.openai()
    fake_cloudflare.gateway.next(RateLimit(3040, retry_after=0.2))  # busy for a moment: retried, then answered
    refused = 0
    for n in range(8):
        try:
            _ask(client, n)
        except openai.RateLimitError as exc:
            assert exc.body["code"] == "insufficient_quota"
            refused += 1
    assert refused > 0
    Assembly.of(site.app).gateway.alerts.flush()  # the alert rows are written off the request path

    report = usage(site)
    [blue] = [row for row in report["tenants"] if row["tenant"] == "blue-plate"]
    assert blue["name"] == "Blue Plate Diner"
    assert blue["over_budget"] == refused and blue["retried"] == 1
    assert sum(b["refused"] for b in report["buckets"]) == refused
    assert sum(b["misses"] for b in report["buckets"]) == 8 - refused
    assert [(a["tenant"], a["threshold"]) for a in report["alerts"]] == [("blue-plate", 100), ("blue-plate", 80)]
    [line] = report["budgets"]
    assert (line["tenant"], line["period"], line["budget_usd"]) == ("blue-plate", "day", 0.001)
    assert line["spent_usd"] == pytest.approx(blue["cost_usd"], rel=1e-3) and 0.75 <= line["share"] <= 1

    page = httpx.get(f"{site.url}/admin/ai-usage", params=around_now(site.clock), headers=ADMIN).text
    row = re.search(r'<tr data-tenant="blue-plate">.*?</tr>', page, re.S).group(0)
    assert "Blue Plate Diner" in row and 'data-alert="80% day"' in row and 'data-alert="100% day"' in row
    assert re.search(r'class="bar (spent|over)"', page) and page.count('class="bar refused"') >= 1
    assert 'id="alerts"' in page
    assert "$0.000000" not in page
    cost = re.search(r'data-field="cost_usd">\$([0-9.]+)', row).group(1)
    assert len(cost.lstrip("0.")) == 4  # four significant digits


def test_without_budgets_the_dashboard_says_so(site, fake_cloudflare):
    page = httpx.get(f"{site.url}/admin/ai-usage", headers=ADMIN).text
    assert "No diner has an AI budget" in page and "No budget alerts in this period." in page
