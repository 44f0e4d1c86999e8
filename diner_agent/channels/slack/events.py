"""`POST /slack/events`: the Slack app (DESIGN 4.4, 6), built on Bolt for Python and its Flask adapter.

One URL serves the Events API (`app_mention` in channels, `message.im` in DMs), the `/menu` slash command
and interactivity (Confirm / Cancel / Undo buttons). Bolt checks the signing secret and the 5-minute
timestamp window (401 otherwise) before anything here runs.

Acks. Events are acked by Bolt at once (`process_before_response=False`) and processed on its listener
threads. `/menu` is answered *in* its ack when the service is done within `ACK_BUDGET_SECONDS` (the
grammar path takes a few milliseconds, so that is nearly always: one round trip, no response_url use),
and otherwise acked with "Working on it..." and answered through `respond()` once the LLM is done;
Slack drops acks later than 3 s.

Retries. Slack redelivers an event whose ack was late or lost, with the same `event_id`. A global
middleware drops an `event_id` already seen (shared across workers via Redis when configured) before
any work, and the id is also the service's message id, so even a retry that slips past is applied
once and, answering `Reply.duplicate`, posts nothing.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Blueprint, Response, jsonify, request
from slack_bolt import App, BoltResponse
from slack_bolt.adapter.flask.handler import to_bolt_request, to_flask_response
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from diner_agent.channels.durable import DurableWork
from diner_agent.channels.followups import Followups
from diner_agent.channels.slack.blocks import CANCEL_ACTION, CONFIRM_ACTION, UNDO_ACTION
from diner_agent.channels.slack.channel import SlackChannel
from diner_agent.channels.slack.dedupe import SeenEvents, seen_events
from diner_agent.channels.slack.listeners import ListenerPool
from diner_agent.clock import Clock
from diner_agent.commands.service import CommandService
from diner_agent.config import Settings, secret_value

log = logging.getLogger(__name__)


def slack_blueprint(
    service: CommandService,
    settings: Settings,
    followups: Followups,
    clock: Clock,
    listeners: ListenerPool,
    durable: DurableWork | None = None,
) -> Blueprint:
    """The `/slack/events` route; a 503 with the reason when Slack is not configured."""
    bp = Blueprint("slack", __name__)
    secret = secret_value(settings.slack_signing_secret)
    token = secret_value(settings.slack_bot_token)
    if secret is None or token is None:
        missing = " and ".join(n for n, v in (("SLACK_SIGNING_SECRET", secret), ("SLACK_BOT_TOKEN", token)) if not v)
        if secret is not None:  # Settings.feature_report already logs a missing signing secret
            log.warning("Slack disabled: %s is not set, so /slack/events answers 503.", missing)

        @bp.post("/slack/events")
        def slack_disabled() -> tuple[Response, int]:
            message = f"Slack is not configured on this server: {missing} is not set."
            return jsonify(error="slack_disabled", message=message), 503

        return bp

    bolt = build_bolt_app(
        SlackChannel(service, followups, durable=durable),
        signing_secret=secret,
        client=WebClient(token=token, base_url=settings.slack_api_url),
        seen=seen_events(settings.redis_url, clock),
        listeners=listeners,
    )

    @bp.post("/slack/events")
    def slack_events() -> Response | tuple[Response, int]:
        # What Bolt's SlackRequestHandler does for a POST, except that Bolt decodes the body and reads the
        # team and user ids out of it *before* it checks the signature, and raises on a body that is not
        # one of Slack's JSON objects ("0", "[]", {"team": 5}, a `payload=` that is not JSON): anyone could
        # turn that into a 500. Such a body is a bad request, signed or not.
        try:
            bolt_request = to_bolt_request(request)
            readable = slack_shaped(bolt_request.body)
        except (ValueError, TypeError, LookupError, AttributeError, RecursionError):
            readable = False
        if not readable:
            log.warning("refused /slack/events: the body is not one of Slack's requests.")
            return jsonify(error="invalid_request", message="The body is not a Slack request."), 400
        return to_flask_response(bolt.dispatch(bolt_request))

    return bp


def slack_shaped(body: object) -> bool:
    """Whether the parts of Slack's envelopes that Bolt's middleware and listener matchers index into
    without checking have Slack's shapes: an event is an object, and a button click's `actions` is a
    list whose first entry is an object with a string `action_id`. Anything else would make Bolt answer
    500 (even when signed), so it is refused as a bad request instead."""
    if not isinstance(body, dict):
        return False
    if "event" in body and not isinstance(body["event"], dict):
        return False
    if body.get("type") == "block_actions":
        actions = body.get("actions")
        if not (isinstance(actions, list) and actions and isinstance(actions[0], dict)):
            return False
        return isinstance(actions[0].get("action_id"), str)
    return True


def build_bolt_app(
    channel: SlackChannel,
    *,
    signing_secret: str,
    client: WebClient,
    seen: SeenEvents,
    listeners: ThreadPoolExecutor | None = None,
) -> App:
    """A Bolt app whose listeners hand everything to `channel`.

    Bolt injects listener arguments by parameter name, so the listeners are small closures with Bolt's
    names, and the work happens in `SlackChannel`, which sees plain values.
    """
    app = App(
        signing_secret=signing_secret,
        client=client,
        authorize=bot_identity(client),  # auth.test on first use, and a request is handled even if it fails
        process_before_response=False,
        raise_error_for_unhandled_request=False,
        listener_executor=listeners or ListenerPool(),
    )

    @app.middleware
    def drop_retried_events(req, body, next):
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not seen.first_time(str(event_id)):
            retry = (req.headers.get("x-slack-retry-num") or ["-"])[0]
            log.info("Slack event %s seen before (retry %s): dropped before any work.", event_id, retry)
            return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
        return next()

    @app.command("/menu")
    def menu_command(ack, body, respond, context):
        channel.slash_command(body, ack, respond if context.response_url else None)

    @app.event("app_mention")
    def app_mention(body, event, context, client):
        channel.message(body, event, context.team_id, context.bot_user_id, client.chat_postMessage, thread=True)

    @app.event("message")
    def direct_message(body, event, context, client):
        if event.get("channel_type") == "im":
            channel.message(body, event, context.team_id, context.bot_user_id, client.chat_postMessage, thread=False)

    @app.action(CONFIRM_ACTION)
    @app.action(CANCEL_ACTION)
    @app.action(UNDO_ACTION)
    def button(ack, body, action, context, respond):
        ack()
        channel.click(body, action, context.team_id, respond if context.response_url else None)

    return app


def bot_identity(client: WebClient):  # type: ignore[no-untyped-def]
    """Bolt's `authorize` for our one workspace: the bot token, with the bot's own ids from `auth.test`,
    asked on first use and remembered. Bolt's own single-workspace authorization makes the same call but
    lets a failure escape as a 500, so a worker whose first request met an unreachable Web API dropped
    that command; here the request goes on without the bot's ids (its own posts are still known by their
    `bot_id` field) and the call is tried again with the next request. A plain function, since Bolt reads
    its parameter names to know what to pass."""
    known: dict[str, str | None] = {}
    lock = threading.Lock()

    def authorize(enterprise_id: str | None, team_id: str | None, user_id: str | None) -> AuthorizeResult:
        if not known:
            with lock:
                if not known:
                    known.update(_auth_test(client))
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            bot_token=client.token,
            bot_id=known.get("bot_id"),
            bot_user_id=known.get("user_id"),
        )

    return authorize


def _auth_test(client: WebClient) -> dict[str, str | None]:
    try:
        response = client.auth_test()
    except Exception as exc:  # unreachable, or Slack said no: the next request asks again
        log.warning("Slack auth.test failed (%s); handling the request without the bot's own ids.",
                    exc.__class__.__name__)  # fmt: skip
        return {}
    return {"user_id": response.get("user_id"), "bot_id": response.get("bot_id")}
