"""Logs and metrics say no more than an operator needs: SQL errors never carry their parameters (phone
numbers), /metrics answers only to METRICS_TOKEN (or, without one, to this machine), and per-diner series
(which diners exist, what each spends on AI) only when METRICS_PER_DINER is on."""

from __future__ import annotations

import logging

import pytest
from prometheus_client import CollectorRegistry, Counter
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from diner_agent.menu.db import make_engine
from diner_agent.web.metrics import exposition
from tests.integration.channels.webhooks import signed_sms, sms_form
from tests.sample import BLUE_PLATE_NUMBER, DANA

METRICS_TOKEN = "test-metrics-token-9a8b7c"


def test_sql_errors_do_not_carry_their_parameters(db_url):
    engine = make_engine(db_url)
    try:
        with pytest.raises(Exception) as failed, engine.connect() as conn:
            conn.execute(text("SELECT phone FROM no_such_table WHERE phone = :p"), {"p": DANA})
        assert DANA not in str(failed.value)
    finally:
        engine.dispose()


def test_a_failing_sms_logs_a_traceback_without_a_phone_number(make_app, store, caplog):
    app = make_app()
    caplog.set_level(logging.INFO)
    with store.engine.begin() as conn:
        conn.execute(text("ALTER TABLE tenants RENAME TO tenants_away"))
    try:
        response = signed_sms(app.test_client(), sms_form("86 the reuben", to=BLUE_PLATE_NUMBER))
    finally:
        with store.engine.begin() as conn:
            conn.execute(text("ALTER TABLE tenants_away RENAME TO tenants"))
    assert response.status_code == 200  # an apology in TwiML, never a 5xx
    logged = caplog.text
    # Postgres: a ProgrammingError, logged with its traceback; SQLite: an OperationalError, which the
    # store reports as the database being unavailable. Either way the log never holds the numbers.
    assert ("Traceback" in logged and "tenants" in logged) or "database unavailable" in logged
    assert BLUE_PLATE_NUMBER not in logged and DANA not in logged


def test_an_sms_to_an_unknown_number_is_logged_masked(client, caplog):
    caplog.set_level(logging.INFO)
    signed_sms(client, sms_form("86 the reuben", to="+15555550177"))
    assert "0177" in caplog.text and "+15555550177" not in caplog.text


def test_metrics_need_the_token_when_one_is_set(make_app):
    client = make_app(metrics_token=METRICS_TOKEN).test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).status_code == 200


def test_without_a_token_metrics_answer_this_machine_only(make_app):
    client = make_app(metrics_token=None).test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 403


def _ai_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    cost = Counter("diner_ai_cost_usd", "Cost.", ["tenant", "provider"], registry=registry)
    cost.labels("blue-plate", "ai-gateway").inc(0.25)
    cost.labels("demo-diner", "ai-gateway").inc(0.5)
    Counter("diner_http_requests", "Requests.", ["endpoint"], registry=registry).labels("/sms").inc()
    return registry


def _samples(body: bytes, name: str) -> list:
    families = text_string_to_metric_families(body.decode())
    return [s for family in families for s in family.samples if s.name == name]


def test_per_diner_series_are_summed_unless_asked_for():
    summed, _ = exposition(_ai_registry(), per_diner=False)
    assert b"blue-plate" not in summed and b"demo-diner" not in summed
    [cost] = _samples(summed, "diner_ai_cost_usd_total")
    assert cost.labels == {"provider": "ai-gateway"} and cost.value == pytest.approx(0.75)
    assert _samples(summed, "diner_http_requests_total")[0].labels == {"endpoint": "/sms"}
    each, _ = exposition(_ai_registry(), per_diner=True)
    assert {s.labels["tenant"] for s in _samples(each, "diner_ai_cost_usd_total")} == {"blue-plate", "demo-diner"}
