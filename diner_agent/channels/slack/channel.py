"""SlackChannel: Slack payloads -> Message -> the command service -> Reply -> Slack messages.

It sees plain values (the payload dicts and Bolt's `ack`, `respond` and `chat_postMessage` callables),
so each path is testable without Bolt. Which diner a workspace is, and who a user is, the command
service decides from the message's team id, user id and the user's own team (a Slack Connect guest's is
another organisation's).

Payloads are signed, but still only Slack's word: a field that is not the type Slack documents (an integer
`text`, a `user` that is not an object) reads as missing, and a click without a `response_url` is handled
and answered nowhere, never with a traceback. When the Web API cannot be reached, the message is still
handled and its reply is posted once Slack answers again (`POST_RETRY_DELAYS`).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable

from slack_sdk.errors import SlackApiError

from diner_agent import log_context
from diner_agent.channels.durable import DurableWork
from diner_agent.channels.followups import Followups
from diner_agent.channels.slack.after_ack import AfterAck
from diner_agent.channels.slack.blocks import (
    CONFIRM_ACTION,
    UNDO_ACTION,
    from_slack_text,
    outcome_message,
    reply_message,
    settled_elsewhere,
)
from diner_agent.channels.slack.late import post_reply_to, response_url_reply_to
from diner_agent.commands.addressing import Addressed, Message
from diner_agent.commands.model import Reply
from diner_agent.commands.replies import SORRY, STORE_DOWN
from diner_agent.commands.service import CommandService
from diner_agent.menu.errors import StoreUnavailable

log = logging.getLogger(__name__)

ACK_BUDGET_SECONDS = 2.0  # leaves a second of Slack's 3 s for the network and a busy worker
WORKING_ON_IT = "Working on it..."
NOT_CONNECTED = "This Slack workspace is not connected to a diner here; ask whoever runs Diner Agent to add it."
MAX_MESSAGE_ID = 100  # the processed-message table's column width
INLINE_WAIT = 0.0  # >0: a /menu command's model answer ready this soon goes in the ack itself
OLD_UNDO = "That Undo button is from an older message; text UNDO to undo your own last change."
POST_RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)  # seconds between tries to post a reply Slack did not take
_BATCH_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _text(value: object) -> str:
    """A payload field Slack documents as a string; anything else reads as missing."""
    return value if isinstance(value, str) else ""


def _member(value: object, key: str) -> str:
    """`value[key]` when `value` is an object holding a string there (Slack's `user`, `team`, ...)."""
    return _text(value.get(key)) if isinstance(value, dict) else ""


class SlackChannel:
    def __init__(
        self,
        service: CommandService,
        followups: Followups,
        *,
        ack_budget: float = ACK_BUDGET_SECONDS,
        durable: DurableWork | None = None,
    ) -> None:
        self.service = service
        self.followups = followups
        self.ack_budget = ack_budget
        self.durable = durable  # model work goes to the durable inbox; its answer comes from the outbox

    def _later(self, addressed: Addressed, reply_to: dict, wait: float = 0.0) -> Reply | bool:
        """Hand a message that needs the model to the durable work: its answer when ready within `wait`
        seconds (or a retry's stored one), True when it follows from the outbox, False when the message
        must be answered here (no model needed, or no way to send a late answer)."""
        durable = self.durable
        if durable is None or not addressed.message.message_id or not durable.can_deliver(reply_to["kind"]):
            return False
        if not self.service.needs_model(addressed):
            return False
        return durable.submit(addressed, reply_to, wait=wait) or True

    def address(self, message: Message) -> Addressed | None:
        log_context.bind(channel="slack", message_id=message.message_id)
        addressed = self.service.address(message)
        if addressed is None:
            log.warning("Slack request from team %s: no diner has that slack_team; ignored.", message.address)
        else:
            log_context.bind(tenant=addressed.tenant.id)
        return addressed

    def handle(self, addressed: Addressed, deadline: float | None = None) -> Reply:
        """The service's reply; an apology (and a logged traceback) if it fails, so Slack always hears back."""
        try:
            return self.service.answer(addressed, deadline=deadline)
        except StoreUnavailable:
            return Reply(STORE_DOWN, "invalid")
        except Exception:
            log.exception(
                "Slack message failed (tenant %s, message %s)", addressed.tenant.id, addressed.message.message_id
            )
            return Reply(SORRY, "invalid")

    # --- /menu ---------------------------------------------------------------------------------------

    def slash_command(self, body: dict, ack: Callable[..., object], respond: Callable[..., object] | None) -> None:
        """Answered in the ack when the service is done within the ack budget (nearly always: the grammar
        takes milliseconds); otherwise acked with "Working on it..." and answered through `respond`."""
        team = _text(body.get("team_id"))
        message = Message(
            "slack",
            team,
            _text(body.get("user_id")),
            from_slack_text(_text(body.get("text"))) or "help",
            message_id=_message_id("cmd", _text(body.get("trigger_id"))),
            sender_name=_text(body.get("user_name")) or None,
            sender_team=_text(body.get("user_team")) or team,
        )
        addressed = self.address(message)
        if addressed is None:
            ack(text=NOT_CONNECTED)
            return
        response_url = _text(body.get("response_url"))
        try:
            later = self._later(addressed, response_url_reply_to(response_url), INLINE_WAIT) if response_url else False
        except StoreUnavailable:
            ack(text=STORE_DOWN)
            return
        if isinstance(later, Reply):
            ack() if later.duplicate else ack(**reply_message(later))
            return
        if later:
            ack(text=WORKING_ON_IT)
            return
        reply_later = _responder(respond, team)
        after_ack = AfterAck(lambda reply: reply_later(response_type="ephemeral", **reply_message(reply)))
        reply = self.followups.answer(lambda deadline: self.handle(addressed, deadline), self.ack_budget, after_ack)
        if reply is None:
            ack(text=WORKING_ON_IT)
            after_ack.acked()
        elif reply.duplicate:
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
        user = _text(event.get("user"))
        if not user or event.get("subtype") or event.get("bot_id") or user == bot_user_id:
            return
        text = from_slack_text(_text(event.get("text")), bot_user_id) or "help"
        message_id = _message_id("", _text(body.get("event_id")))
        team = team_id or _text(body.get("team_id"))
        # A shared channel's message carries its author's own workspace (`user_team`; `team` on older events).
        sender_team = _text(event.get("user_team")) or _text(event.get("team")) or None
        addressed = self.address(Message("slack", team, user, text, message_id, sender_team=sender_team))
        if addressed is None:
            return
        thread_ts = (event.get("thread_ts") or event.get("ts")) if thread else event.get("thread_ts")
        channel = _text(event.get("channel"))
        try:
            if channel and self._later(addressed, post_reply_to(channel, _text(thread_ts) or None)):
                return  # this listener thread is free again; the answer is posted from the outbox
        except StoreUnavailable:
            pass  # answered below, honestly
        reply = self.handle(addressed)
        if reply.duplicate or not reply.text:
            log.info("Slack event %s answered before; nothing posted.", body.get("event_id"))
            return
        log.info("Slack message from %s to %s (event %s): %s", user, addressed.tenant.id, message_id, reply.kind)
        arguments = {"channel": _text(event.get("channel")), "thread_ts": _text(thread_ts) or None}
        arguments.update(reply_message(reply))
        tenant_id = addressed.tenant.id
        if not self._post(post, arguments, tenant_id):  # queued: posted once Slack answers again
            self.followups.answer(lambda _deadline: self._post_later(post, arguments, tenant_id), 0.0, _done)

    def _post(self, post: Callable[..., object], arguments: dict, tenant_id: str) -> bool:
        """Post once: True when Slack took it or refused it for good (logged), False when it could not be
        reached (worth trying again)."""
        try:
            post(**arguments)
        except SlackApiError as exc:
            log.error("Slack chat.postMessage failed for tenant %s: %s", tenant_id, exc.response.get("error"))
        except Exception as exc:  # the Web API is unreachable (connection refused, reset, timed out)
            log.warning("Slack chat.postMessage could not reach Slack for tenant %s (%s); will retry.",
                        tenant_id, exc.__class__.__name__)  # fmt: skip
            return False
        return True

    def _post_later(self, post: Callable[..., object], arguments: dict, tenant_id: str) -> bool:
        """The reply, posted as soon as Slack answers again (a few tries, waiting longer each time)."""
        pause = threading.Event()
        for delay in POST_RETRY_DELAYS:
            pause.wait(delay)
            if self._post(post, arguments, tenant_id):
                return True
        log.error("Slack chat.postMessage for tenant %s: Slack unreachable; the reply was not posted.", tenant_id)
        return False

    # --- buttons -------------------------------------------------------------------------------------

    def click(self, body: dict, action: dict, team_id: str | None, respond: Callable[..., object] | None) -> None:
        """Confirm / Cancel / Undo, already acked. The service makes each click count at most once."""
        user = _member(body.get("user"), "id")
        user_team = _member(body.get("user"), "team_id") or None
        team = team_id or _member(body.get("team"), "id")
        action_id = action.get("action_id")
        value = _text(action.get("value"))
        message: Message | None = None
        if action_id == UNDO_ACTION:
            # The button names the change it was posted with; a double click is one click (the clicked
            # message names it), answered the second time as a duplicate.
            if _BATCH_ID.fullmatch(value):
                container = body.get("container") if isinstance(body.get("container"), dict) else {}
                anchor = container.get("message_ts") or _member(body.get("message"), "ts") or action.get("action_ts")
                click_id = _message_id("undo", f"{container.get('channel_id', '')}:{anchor}:{user}")
                message = Message("slack", team, user, "undo", message_id=click_id, batch_id=value,
                                  sender_team=user_team)  # fmt: skip
        elif value and "\x00" not in value:
            answer = "confirm" if action_id == CONFIRM_ACTION else "cancel"
            message = Message("slack", team, user, answer, pending_id=value, sender_team=user_team)
        respond = _responder(respond, team)
        addressed = self.address(message or Message("slack", team, user, ""))
        if addressed is None:
            respond(text=NOT_CONNECTED, response_type="ephemeral", replace_original=False)
            return
        if message is None:
            gone = OLD_UNDO if action_id == UNDO_ACTION else "That button no longer works; send the change again."
            respond(text=gone, response_type="ephemeral")
            return
        reply = self.handle(addressed)
        if reply.duplicate:
            return
        if action_id == UNDO_ACTION:
            replace = reply.kind == "applied"
        else:
            replace = reply.kind != "refused" and not settled_elsewhere(reply)
        try:
            if replace:
                respond(replace_original=True, **outcome_message(reply, user, action_id or ""))
            else:
                respond(text=reply.text, response_type="ephemeral", replace_original=False)
        except Exception:  # the change (if any) is committed; only the message update failed
            log.exception("Slack response_url update failed (tenant %s)", addressed.tenant.id)


def _done(_posted: object) -> None:
    """A reply posted later has nobody left to tell."""


def _responder(respond: Callable[..., object] | None, team: str) -> Callable[..., object]:
    """Bolt's `respond`, or (for a payload without a `response_url`) a note in the log: the work is done
    and committed, there is just nowhere to say so."""
    if respond is not None:
        return respond

    def nowhere(**_message: object) -> None:
        log.warning("Slack request from team %s had no response_url; its answer was not shown.", team)

    return nowhere


def _message_id(prefix: str, value: str | None) -> str | None:
    if not value:
        return None
    value = str(value).replace("\x00", "")  # stored as text, which in Postgres cannot hold a NUL
    return (f"{prefix}:{value}" if prefix else value)[:MAX_MESSAGE_ID]
