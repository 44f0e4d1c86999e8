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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from flask import Blueprint, Response, jsonify, request
from slack_bolt import App, BoltResponse
from slack_bolt.adapter.flask.handler import to_bolt_request, to_flask_response
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from diner_agent.bots.listener_pool import ListenerPool
from diner_agent.bots.slack_blocks import (
    CANCEL_ACTION,
    CONFIRM_ACTION,
    UNDO_ACTION,
    from_slack_text,
    outcome_message,
    reply_message,
    settled_elsewhere,
)
from diner_agent.bots.slack_dedupe import SeenEvents, seen_events
from diner_agent.commands.model import Inbound, Reply
from diner_agent.commands.replies import SORRY
from diner_agent.commands.service import CommandService
from diner_agent.config import Settings, secret_value
from diner_agent.menu.records import TenantInfo

log = logging.getLogger(__name__)

ACK_BUDGET_SECONDS = 2.0  # leaves a second of Slack's 3 s for the network and a busy worker
NOT_CONNECTED = "This Slack workspace is not connected to a diner here; ask whoever runs Diner Agent to add it."
MAX_MESSAGE_ID = 100  # the processed-message table's column width


def slack_blueprint(service: CommandService, settings: Settings) -> Blueprint:
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

    listeners = ListenerPool()
    bolt = build_bolt_app(
        SlackChannel(service),
        signing_secret=secret,
        client=WebClient(token=token, base_url=settings.slack_api_url),
        seen=seen_events(settings.redis_url, service.clock),
        listeners=listeners,
    )
    bp.record_once(lambda state: state.app.extensions.setdefault("slack_listeners", listeners))

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
        token_verification_enabled=False,  # no auth.test call at start-up; Bolt makes it on first use
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
    def menu_command(ack, body, respond):
        channel.slash_command(body, ack, respond)

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
        channel.click(body, action, context.team_id, respond)

    return app


class SlackChannel:
    """Slack payloads -> `Inbound` -> `Reply` -> Slack messages, with plain arguments (testable alone)."""

    def __init__(self, service: CommandService, *, ack_budget: float = ACK_BUDGET_SECONDS) -> None:
        self.service = service
        self.ack_budget = ack_budget
        # Slash commands run the service here so the listener thread can ack after ack_budget.
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="slack-menu")

    def tenant(self, team_id: str | None) -> TenantInfo | None:
        tenant = self.service.store.tenant_by_slack_team(team_id) if team_id else None
        if tenant is None:
            log.warning("Slack request from team %s: no diner has that slack_team; ignored.", team_id)
        return tenant

    def handle(self, inbound: Inbound) -> Reply:
        """The service's reply; an apology (and a logged traceback) if it fails, so Slack always hears back."""
        try:
            return self.service.handle(inbound)
        except Exception:
            log.exception("Slack message failed (tenant %s, message %s)", inbound.tenant_id, inbound.message_id)
            return Reply(SORRY, "invalid")

    # --- /menu ---------------------------------------------------------------------------------------

    def slash_command(self, body: dict, ack: Callable[..., object], respond: Callable[..., object]) -> None:
        tenant = self.tenant(body.get("team_id"))
        if tenant is None:
            ack(text=NOT_CONNECTED)
            return
        inbound = Inbound(
            tenant.id,
            "slack",
            body.get("user_id") or "",
            from_slack_text(body.get("text") or "") or "help",
            message_id=_message_id("cmd", body.get("trigger_id")),
            sender_name=body.get("user_name"),
        )
        future = self._pool.submit(self.handle, inbound)
        try:
            reply = future.result(timeout=self.ack_budget)
        except FutureTimeout:
            ack(text="Working on it...")
            reply = future.result()
            if not reply.duplicate:
                respond(response_type="ephemeral", **reply_message(reply))
            return
        if reply.duplicate:
            ack()
        else:
            ack(**reply_message(reply))

    # --- app_mention and DMs -------------------------------------------------------------------------

    def message(
        self,
        body: dict,
        event: dict,
        team_id: str | None,
        bot_user_id: str | None,
        post: Callable[..., object],
        *,
        thread: bool,
    ) -> None:
        """One message written to the bot; never the bot's own, and never edits, deletions or bot posts."""
        user = event.get("user")
        if not user or event.get("subtype") or event.get("bot_id") or user == bot_user_id:
            return
        tenant = self.tenant(team_id or body.get("team_id"))
        if tenant is None:
            return
        text = from_slack_text(event.get("text") or "", bot_user_id) or "help"
        reply = self.handle(Inbound(tenant.id, "slack", user, text, message_id=_message_id("", body.get("event_id"))))
        if reply.duplicate or not reply.text:
            log.info("Slack event %s answered before; nothing posted.", body.get("event_id"))
            return
        thread_ts = (event.get("thread_ts") or event.get("ts")) if thread else event.get("thread_ts")
        try:
            post(channel=event.get("channel"), thread_ts=thread_ts, **reply_message(reply))
        except SlackApiError as exc:
            log.error("Slack chat.postMessage failed for tenant %s: %s", tenant.id, exc.response.get("error"))

    # --- buttons -------------------------------------------------------------------------------------

    def click(self, body: dict, action: dict, team_id: str | None, respond: Callable[..., object]) -> None:
        """Confirm / Cancel / Undo, already acked. The service makes each click count at most once."""
        tenant = self.tenant(team_id or (body.get("team") or {}).get("id"))
        if tenant is None:
            respond(text=NOT_CONNECTED, response_type="ephemeral", replace_original=False)
            return
        user = (body.get("user") or {}).get("id") or ""
        action_id = action.get("action_id")
        if action_id == UNDO_ACTION:
            # Undo means "my last change", so a double click must not undo the change before it: the
            # clicked message names the click, and the service answers the second one as a duplicate.
            container = body.get("container") or {}
            anchor = container.get("message_ts") or (body.get("message") or {}).get("ts") or action.get("action_ts")
            click_id = _message_id("undo", f"{container.get('channel_id', '')}:{anchor}:{user}")
            reply = self.handle(Inbound(tenant.id, "slack", user, "undo", message_id=click_id))
            replace = reply.kind == "applied"
        else:
            pending_id = action.get("value")
            if not isinstance(pending_id, str) or not pending_id or "\x00" in pending_id:
                respond(text="That button no longer works; send the change again.", response_type="ephemeral")
                return
            answer = "confirm" if action_id == CONFIRM_ACTION else "cancel"
            reply = self.handle(Inbound(tenant.id, "slack", user, answer, pending_id=pending_id))
            replace = reply.kind != "refused" and not settled_elsewhere(reply)
        if reply.duplicate:
            return
        try:
            if replace:
                respond(replace_original=True, **outcome_message(reply, user, action_id or ""))
            else:
                respond(text=reply.text, response_type="ephemeral", replace_original=False)
        except Exception:  # the change (if any) is committed; only the message update failed
            log.exception("Slack response_url update failed (tenant %s)", tenant.id)


def _message_id(prefix: str, value: str | None) -> str | None:
    if not value:
        return None
    value = str(value).replace("\x00", "")  # stored as text, which in Postgres cannot hold a NUL
    return (f"{prefix}:{value}" if prefix else value)[:MAX_MESSAGE_ID]
