"""Budget alerts, delivered without ever holding up a call.

`AlertDispatcher.publish` logs the alert at WARNING at once (the caller's thread; a log line is cheap)
and queues it; one background thread then hands it to the `keep` callback (the store's alert row, which
the dashboard shows as a badge) and, when a webhook URL is set, POSTs it there. The body is JSON with
the tenant, period, spent and budget, plus a `text` line, so a Slack incoming webhook shows it as is.
A webhook that fails (connection error, timeout, 5xx, 429) is retried with backoff (tenacity); one that
still fails is logged and dropped. `close` delivers what is queued, then stops the thread.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

import httpx
from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from .budget import BudgetAlert

log = logging.getLogger(__name__)
_STOP = None


class WebhookRefused(Exception):
    """The webhook answered with a status worth retrying."""


def alert_text(alert: BudgetAlert) -> str:
    word = "Today's" if alert.period == "day" else "This month's"
    state = "is used up: free-form AI reading is paused" if alert.threshold >= 100 else "is 80 % spent"
    return (
        f"{word} AI budget for {alert.tenant} ({alert.period_key}) {state}: "
        f"${alert.spent_usd:.4g} of ${alert.budget_usd:.4g}."
    )


def webhook_body(alert: BudgetAlert) -> dict:
    return {
        "text": alert_text(alert),
        "tenant": alert.tenant,
        "period": alert.period,
        "period_key": alert.period_key,
        "threshold": alert.threshold,
        "spent_usd": round(alert.spent_usd, 6),
        "budget_usd": round(alert.budget_usd, 6),
    }


class AlertDispatcher:
    def __init__(
        self,
        webhook_url: str | None = None,
        keep: Callable[[BudgetAlert], None] | None = None,
        *,
        attempts: int = 5,
        first_wait: float = 0.5,
        max_wait: float = 10.0,
        timeout: float = 5.0,
    ) -> None:
        self.webhook_url = webhook_url
        self._keep = keep
        self._attempts = attempts
        self._wait = wait_exponential(multiplier=first_wait, max=max_wait)
        self._timeout = timeout
        self._queue: queue.Queue[BudgetAlert | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.delivered = 0
        self.failed = 0

    def publish(self, alert: BudgetAlert) -> None:
        log.warning("AI budget alert: %s", alert_text(alert))
        with self._lock:
            if self._closed:
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ai-alerts", daemon=True)
                self._thread.start()
        self._queue.put(alert)

    def flush(self) -> None:
        """Return once every alert published so far is kept and delivered (or given up on)."""
        self._queue.join()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._queue.put(_STOP)
            thread.join()

    def _run(self) -> None:
        with httpx.Client(timeout=self._timeout) as client:
            while True:
                alert = self._queue.get()
                try:
                    if alert is _STOP:
                        return
                    self._handle(client, alert)
                finally:
                    self._queue.task_done()

    def _handle(self, client: httpx.Client, alert: BudgetAlert) -> None:
        if self._keep is not None:
            try:
                self._keep(alert)
            except Exception:
                log.exception("could not store the AI budget alert for %s", alert.tenant)
        if not self.webhook_url:
            return
        retrying = Retrying(
            stop=stop_after_attempt(self._attempts),
            wait=self._wait,
            retry=retry_if_exception_type((httpx.HTTPError, WebhookRefused)),
        )
        try:
            for attempt in retrying:
                with attempt:
                    self._post(client, alert)
            self.delivered += 1
        except RetryError as exc:
            self.failed += 1
            cause = exc.last_attempt.exception()
            log.error("AI budget alert for %s not delivered after %d attempts: %s", alert.tenant, self._attempts, cause)
        except Exception:
            self.failed += 1
            log.exception("AI budget alert for %s not delivered", alert.tenant)

    def _post(self, client: httpx.Client, alert: BudgetAlert) -> None:
        response = client.post(self.webhook_url, json=webhook_body(alert))  # type: ignore[arg-type]
        if response.status_code == 429 or response.status_code >= 500:
            raise WebhookRefused(f"HTTP {response.status_code}")
        if response.status_code >= 300:
            log.error("the alert webhook refused an alert for %s: HTTP %d", alert.tenant, response.status_code)
