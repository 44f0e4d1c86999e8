"""Late Slack answers from the durable outbox (channels/durable.py): a `/menu` command's answer posted to
its `response_url` (ephemeral, as the ack was), or a mention's / DM's answer posted with chat.postMessage.

Retried: connection errors, 5xx and 429 (with Slack's Retry-After). Permanent: anything else, such
as a response_url that expired (Slack accepts five posts within 30 minutes) or a channel the bot left.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from diner_agent.channels.slack.blocks import reply_message
from diner_agent.channels.work_ports import Delivery
from diner_agent.commands.model import Reply

log = logging.getLogger(__name__)
RESPONSE_URL = "slack_response"
POST = "slack_post"
TIMEOUT_SECONDS = 10


def response_url_reply_to(response_url: str) -> dict:
    return {"kind": RESPONSE_URL, "response_url": response_url}


def post_reply_to(channel: str, thread_ts: str | None) -> dict:
    return {"kind": POST, "channel": channel, "thread_ts": thread_ts}


def _retry_after(headers: dict) -> float | None:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            try:
                return float(value[0] if isinstance(value, list) else value)
            except (TypeError, ValueError):
                return None
    return None


def _transient(status: int) -> bool:
    return status == 429 or status >= 500


class ResponseUrlDeliverer:
    """Posts to a slash command's response_url; `webhook` makes the client (tests: the real one too)."""

    def __init__(self, webhook: Callable[[str], WebhookClient] | None = None) -> None:
        self._webhook = webhook or (lambda url: WebhookClient(url, timeout=TIMEOUT_SECONDS))

    def body(self, reply: Reply) -> dict:
        return {"response_type": "ephemeral", **reply_message(reply)}

    def send(self, destination: dict, body: dict) -> Delivery:
        try:
            response = self._webhook(destination["response_url"]).send_dict(body)
        except Exception as exc:  # connection refused, timeout, TLS: may work later
            return Delivery(False, error=exc.__class__.__name__)
        if 200 <= response.status_code < 300:
            return Delivery(True)
        status = response.status_code
        return Delivery(
            False,
            permanent=not _transient(status),
            retry_after=_retry_after(response.headers) if status == 429 else None,
            error=f"response_url HTTP {status}: {(response.body or '')[:100]}",
        )


class PostDeliverer:
    """chat.postMessage into the channel (and thread) the message came from."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def body(self, reply: Reply) -> dict:
        return reply_message(reply)

    def send(self, destination: dict, body: dict) -> Delivery:
        try:
            response = self.client.chat_postMessage(
                channel=destination["channel"], thread_ts=destination.get("thread_ts"), **body
            )
        except SlackApiError as exc:
            status = exc.response.status_code
            error = f"chat.postMessage HTTP {status}: {exc.response.get('error')}"
            retry = _retry_after(exc.response.headers) if status == 429 else None
            return Delivery(False, permanent=not _transient(status), retry_after=retry, error=error)
        except Exception as exc:
            return Delivery(False, error=exc.__class__.__name__)
        return Delivery(True, provider_id=str(response.get("ts") or ""))
