"""The Procfile's web process with 4 workers on Redis: each diner's AI budget holds exactly across workers.

Three diners, each with its own daily budget in the tenant file, are sent many distinct questions at once
through `/v1/chat/completions`. The fake upstream sends no usage and a text of exactly `max_tokens`
(estimated) tokens, so every call costs exactly what it reserved: then "exact" means no diner spends a
cent more than its budget, and no diner is left with room for one more call.
"""

from __future__ import annotations

import http.client
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import yaml
from sqlalchemy import func, select

from diner_agent.gateway.pricing import cost_of, estimate_prompt_tokens
from diner_agent.menu import models as m
from diner_agent.menu.tenant_file import load_tenants, parse_tenant_file
from tests.fakes.cloudflare import GATEWAY, Reply
from tests.menus import DEMO_TENANT, ROUTE66_TENANT, SAMPLE_TENANT
from tests.procfile import free_port, start_web, stop_web
from tests.services import redis_url

MAX_TOKENS = 40
BUDGETS = {"blue-plate": 0.0003, "demo-diner": 0.0002, "route66": 0.00025}
MODEL = "@cf/meta/llama-3.1-8b-instruct-fast"


def _with_budgets(store) -> None:
    for path in (SAMPLE_TENANT, DEMO_TENANT, ROUTE66_TENANT):
        raw = yaml.safe_load(path.read_text())
        for entry in raw["tenants"]:
            if entry["id"] in BUDGETS:
                entry["ai"] = {"daily_budget_usd": BUDGETS[entry["id"]], "rate_limit": "1000/minute"}
        load_tenants(store, parse_tenant_file(yaml.safe_dump(raw)))


def _clean(client: redis.Redis) -> None:
    for key in client.scan_iter(match="diner-agent:*", count=500):
        client.delete(key)


@pytest.fixture
def web(tmp_path, fake_cloudflare, db_url, store):
    client = redis.Redis.from_url(redis_url())
    _clean(client)
    _with_budgets(store)
    tokens = {tenant: store.issue_token(tenant) for tenant in BUDGETS}
    port = free_port()
    env = {
        "PORT": str(port),
        "WEB_CONCURRENCY": "4",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url(),
        "LOG_LEVEL": "WARNING",
        # Budgets are the point here, not the chat caps: as many answers at once as gunicorn has threads.
        "CHAT_CONCURRENCY_TOTAL": "4",
        "CHAT_CONCURRENCY_PER_DINER": "4",
        **fake_cloudflare.env(),
    }
    fake_cloudflare.gateway.always(Reply("x" * (4 * MAX_TOKENS), usage=None))
    server = start_web(env, tmp_path)
    yield port, tokens, server
    stop_web(server)
    _clean(client)
    client.close()


def _ask(port: int, token: str, n: int) -> int:
    body = {"messages": [{"role": "user", "content": f"Give me sign idea number {n:03d}."}], "max_tokens": MAX_TOKENS}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        "/v1/chat/completions",
        body=json.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    data = json.loads(response.read())
    assert response.status == 200 or data["error"]["code"] == "insufficient_quota", data
    return response.status


def test_each_diners_budget_holds_exactly_with_four_workers(web, fake_cloudflare, store):
    port, tokens, server = web
    jobs = [(tenant, n) for n in range(14) for tenant in BUDGETS]
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda job: (job[0], _ask(port, tokens[job[0]], job[1])), jobs))
    stop_web(server)  # a clean shutdown writes every queued usage row

    upstream = fake_cloudflare.requests_to(GATEWAY)
    for tenant, budget in BUDGETS.items():
        calls = [r for r in upstream if json.loads(r.headers["cf-aig-metadata"])["tenant"] == tenant]
        served = sum(1 for t, status in statuses if t == tenant and status == 200)
        assert served == len(calls) and 0 < served < 14, tenant  # refused calls never reached upstream
        costs = [float(cost_of(MODEL, estimate_prompt_tokens(r.body["messages"]), MAX_TOKENS).usd) for r in calls]
        with store.read() as s:
            spent = s.scalar(select(func.sum(m.AiCall.cost_usd)).where(m.AiCall.tenant == tenant))
            refused = s.scalar(select(func.count()).where(m.AiCall.tenant == tenant, m.AiCall.status == "over_budget"))
        assert spent == pytest.approx(sum(costs), rel=1e-6), tenant
        assert spent <= budget + 1e-9, tenant  # never more than the budget...
        assert spent + min(costs) > budget - 1e-9, tenant  # ...and no room left for one more call
        assert refused == 14 - served, tenant
