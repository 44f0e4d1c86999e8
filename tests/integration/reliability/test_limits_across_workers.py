"""The Procfile's web process with 4 workers on Redis: the per-tenant AI limit is exact across workers,
and one message delivered to several workers at once is applied once."""

from __future__ import annotations

import http.client
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
import redis
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from diner_agent.menu import models as m
from tests.fakes.cloudflare import GATEWAY, Reply
from tests.procfile import free_port, start_web, stop_web
from tests.sample import BLUE_PLATE_NUMBER, DANA, DEMO_DANA, DEMO_NUMBER
from tests.services import redis_url

TOKEN = "limits-test-twilio-token"
PUBLIC = "http://diner.test"
LIMIT = 10


@pytest.fixture
def web(tmp_path, fake_cloudflare, db_url, store):
    """The web process on the test database (SQLite, and Postgres when configured), both diners loaded."""
    url = db_url
    client = redis.Redis.from_url(redis_url())
    for key in client.scan_iter(match="diner-agent:*", count=500):
        client.delete(key)  # limiter windows and cache entries of an earlier run
    port = free_port()
    env = {
        "PORT": str(port),
        "WEB_CONCURRENCY": "4",
        "DATABASE_URL": url,
        "REDIS_URL": redis_url(),
        "TWILIO_AUTH_TOKEN": TOKEN,
        "PUBLIC_BASE_URL": PUBLIC,
        "AI_RATE_LIMIT": f"{LIMIT}/minute",
        "LOG_LEVEL": "WARNING",
        **fake_cloudflare.env(),
    }
    fake_cloudflare.gateway.always(Reply(json={"commands": []}))
    server = start_web(env, tmp_path)
    yield port, store
    stop_web(server)
    for key in client.scan_iter(match="diner-agent:*", count=500):
        client.delete(key)


def _sms(port: int, text: str, *, to: str, sender: str, sid: str | None = None) -> tuple[int, str]:
    form = {"To": to, "From": sender, "Body": text, "MessageSid": sid or f"SM{uuid.uuid4().hex}", "AccountSid": "AC1"}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/sms", form)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        "/sms",
        body=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
    )
    response = conn.getresponse()
    return response.status, response.read().decode()


def _tenant_of(request) -> str:
    return json.loads(request.headers["cf-aig-metadata"])["tenant"]


def test_exactly_the_limit_reaches_upstream_with_four_workers(web, fake_cloudflare):
    port, _store = web
    texts = [(f"hmm, what should we do about table {n} tonight", BLUE_PLATE_NUMBER, DANA) for n in range(30)]
    texts += [(f"hmm, what about the patio heater {n}", DEMO_NUMBER, DEMO_DANA) for n in range(15)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda t: _sms(port, t[0], to=t[1], sender=t[2]), texts))

    assert all(status == 200 and "<Message>" in body for status, body in answers)
    upstream = fake_cloudflare.requests_to(GATEWAY)
    per_tenant = {
        tenant: sum(1 for r in upstream if _tenant_of(r) == tenant) for tenant in ("blue-plate", "demo-diner")
    }
    assert per_tenant == {"blue-plate": LIMIT, "demo-diner": LIMIT}
    limited = [body for status, body in answers if "try again in" in body]
    assert len(limited) == (30 - LIMIT) + (15 - LIMIT)


def test_one_message_delivered_to_every_worker_at_once_applies_once(web):
    port, store = web
    sid = f"SM{uuid.uuid4().hex}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(lambda _: _sms(port, "86 the reuben", to=BLUE_PLATE_NUMBER, sender=DANA, sid=sid), range(8))
        )
    assert {status for status, _ in answers} == {200}
    assert len({body for _, body in answers}) == 1  # every delivery got the one stored reply
    assert not store.snapshot("blue-plate").item_named("Reuben").available
    with store.read() as s:
        count = s.scalar(select(func.count()).select_from(m.AuditEntry).where(m.AuditEntry.message_id == sid))
    assert count == 1
