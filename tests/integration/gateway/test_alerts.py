"""Budget alerts reach the webhook (JSON, Slack-compatible) once per threshold, survive a webhook that fails
twice, and never hold up the call that crossed the threshold."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime

from werkzeug import Request, Response

from diner_agent.gateway import AlertDispatcher, BudgetAlert, TenantPolicy
from tests.integration.gateway.test_budgets import MAX_TOKENS, asking, exact_reply, per_call

ALERT = BudgetAlert("blue-plate", "day", "2026-11-26", 80, 4.0, 5.0, datetime(2026, 11, 26, 15, tzinfo=UTC))
HOOK_DELAY = 0.75  # each webhook attempt; a call that waited on one would take at least this long


class Webhook:
    """A loopback webhook that fails the first `failures` posts of each alert with 500, or is slow."""

    def __init__(self, httpserver, failures: int = 0, delay: float = 0.0) -> None:
        self.bodies: list[dict] = []
        self.attempts = 0
        self._failures, self._delay, self._lock = failures, delay, threading.Lock()
        self._failed: dict[str, int] = {}
        httpserver.expect_request("/hook", method="POST").respond_with_handler(self.handle)
        self.url = httpserver.url_for("/hook")

    def handle(self, request: Request) -> Response:
        time.sleep(self._delay)
        body = json.loads(request.data)
        key = f"{body['period_key']}:{body['threshold']}"
        with self._lock:
            self.attempts += 1
            if self._failed.get(key, 0) < self._failures:
                self._failed[key] = self._failed.get(key, 0) + 1
                return Response("busy", status=500)
            self.bodies.append(body)
        return Response("ok")


def test_a_webhook_that_fails_twice_gets_the_alert_on_the_third_try(httpserver, caplog):
    hook = Webhook(httpserver, failures=2)
    kept = []
    dispatcher = AlertDispatcher(hook.url, kept.append, first_wait=0.05, max_wait=0.2)
    dispatcher.publish(ALERT)
    dispatcher.flush()
    dispatcher.close()

    assert hook.attempts == 3 and dispatcher.delivered == 1
    [body] = hook.bodies
    assert {k: body[k] for k in ("tenant", "period", "threshold", "spent_usd", "budget_usd")} == {
        "tenant": "blue-plate",
        "period": "day",
        "threshold": 80,
        "spent_usd": 4.0,
        "budget_usd": 5.0,
    }
    assert body["text"].startswith("Today's AI budget for blue-plate (2026-11-26) is 80 % spent")  # Slack shows it
    assert kept == [ALERT]
    assert any(r.levelname == "WARNING" and "blue-plate" in r.getMessage() for r in caplog.records)


def test_a_webhook_that_never_answers_well_is_given_up_on_and_logged(httpserver, caplog):
    hook = Webhook(httpserver, failures=99)
    dispatcher = AlertDispatcher(hook.url, attempts=3, first_wait=0.01, max_wait=0.02)
    dispatcher.publish(ALERT)
    dispatcher.flush()
    assert hook.attempts == 3 and dispatcher.failed == 1 and hook.bodies == []
    assert any(r.levelname == "ERROR" and "not delivered" in r.getMessage() for r in caplog.records)
    dispatcher.close()


def test_the_gateway_alerts_once_per_threshold_without_waiting_for_a_slow_webhook(
    make_gateway, fake_cloudflare, httpserver
):
    hook = Webhook(httpserver, failures=2, delay=HOOK_DELAY)
    fake_cloudflare.gateway.always(exact_reply())
    gateway, _ = make_gateway(alert_webhook_url=hook.url)
    gateway.alerts._wait = lambda retry_state: 0.05  # noqa: SLF001 - quick backoff for the test
    policy = TenantPolicy(daily_budget_usd=per_call() * 4.9)
    took = []
    for n in range(8):
        started = time.monotonic()
        try:
            gateway.complete("blue-plate", asking(n), max_tokens=MAX_TOKENS, policy=policy)
        except Exception:  # noqa: S110 - the refusals past the budget
            pass
        took.append(time.monotonic() - started)
    assert max(took) < HOOK_DELAY, "a call waited for the webhook (it takes HOOK_DELAY per attempt)"
    gateway.alerts.flush()
    assert [b["threshold"] for b in hook.bodies] == [80, 100]
    assert hook.attempts == 6
