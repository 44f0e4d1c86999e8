"""What the composition root builds for availability (docs/availability.md), from the settings: the
store's deadlines, the retention limits, a readiness probe of Redis, and the ways this process can send
a late answer (Twilio's REST API, Slack's response_url and chat.postMessage) with the model-work pool's
settings. `assembly.py` and the CLI use these; nothing here is built at import time."""

from __future__ import annotations

from collections.abc import Callable

from diner_agent.channels.slack.late import POST, RESPONSE_URL, PostDeliverer, ResponseUrlDeliverer
from diner_agent.channels.sms.late import KIND as SMS
from diner_agent.channels.sms.late import SmsDeliverer
from diner_agent.channels.sms.outbound import SmsSender
from diner_agent.channels.work_ports import Deliverer, WorkSettings
from diner_agent.clock import Clock
from diner_agent.config import Settings, secret_value
from diner_agent.menu.db import Deadlines
from diner_agent.menu.retention import Retention
from diner_agent.redis_guard import guarded_redis


def store_deadlines(settings: Settings) -> Deadlines:
    return Deadlines(
        connect_timeout=settings.db_connect_timeout,
        statement_timeout_ms=settings.db_statement_timeout_ms,
        pool_timeout=settings.db_pool_timeout,
    )


def retention(settings: Settings) -> Retention:
    return Retention(
        messages_days=settings.prune_messages_after_days,
        ai_calls_days=settings.prune_ai_calls_after_days,
        audit_days=settings.prune_audit_after_days,
    )


def deliverers(settings: Settings) -> dict[str, Deliverer]:
    """The ways this process can send a late answer: SMS with Twilio's account SID and token, Slack with
    its bot token and signing secret."""
    found: dict[str, Deliverer] = {}
    sender = SmsSender.from_settings(settings)
    if sender is not None:
        found[SMS] = SmsDeliverer(sender)
    token = secret_value(settings.slack_bot_token)
    if token and secret_value(settings.slack_signing_secret):
        from slack_sdk import WebClient

        found[RESPONSE_URL] = ResponseUrlDeliverer()
        found[POST] = PostDeliverer(WebClient(token=token, base_url=settings.slack_api_url))
    return found


def work_settings(settings: Settings) -> WorkSettings:
    return WorkSettings(
        workers=settings.ai_workers,
        per_tenant=settings.ai_backlog_per_diner,
        backlog=settings.ai_backlog,
        poll_seconds=settings.work_poll_seconds,
        deliver_within=settings.delivery_deadline_seconds,
    )


def redis_ping(settings: Settings, clock: Clock) -> tuple[Callable[[], bool], Callable[[], None]] | None:
    """A readiness probe of REDIS_URL on its own guarded client (and its closer), or None without Redis."""
    if not settings.redis_url:
        return None
    client = guarded_redis(settings.redis_url, clock, name="health", timeout=settings.redis_timeout, skip_for=1.0)

    def ping() -> bool:
        return bool(client.ping())

    return ping, client.close
