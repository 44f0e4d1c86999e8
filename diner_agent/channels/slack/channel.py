"""SlackChannel: Slack payloads -> Message -> the command service -> Reply -> Slack messages.

It sees plain values (the payload dicts and Bolt's `ack`, `respond` and `chat_postMessage` callables),
so each path is testable without Bolt. Which diner a workspace is, and who a user is, the command
service decides from the message's team id and user id.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from slack_sdk.errors import SlackApiError

from diner_agent.channels.durable import DurableWork
from diner_agent.channels.followups import Followups
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
        addressed = self.service.address(message)
        if addressed is None:
            log.warning("Slack request from team %s: no diner has that slack_team; ignored.", message.address)
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

    def slash_command(self, body: dict, ack: Callable[..., object], respond: Callable[..., object]) -> None:
        """Answered in the ack when the service is done within the ack budget (nearly always: the grammar
        takes milliseconds); otherwise acked with "Working on it..." and answered through `respond`."""
        message = Message(
            "slack",
            body.get("team_id") or "",
            body.get("user_id") or "",
            from_slack_text(body.get("text") or "") or "help",
            message_id=_message_id("cmd", body.get("trigger_id")),
            sender_name=body.get("user_name"),
        )
        addressed = self.address(message)
        if addressed is None:
            ack(text=NOT_CONNECTED)
            return
        response_url = body.get("response_url")
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
        after_ack = AfterAck(lambda reply: respond(response_type="ephemeral", **reply_message(reply)))
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
        user = event.get("user")
        if not user or event.get("subtype") or event.get("bot_id") or user == bot_user_id:
            return
        text = from_slack_text(event.get("text") or "", bot_user_id) or "help"
        message_id = _message_id("", body.get("event_id"))
        addressed = self.address(Message("slack", team_id or body.get("team_id") or "", user, text, message_id))
        if addressed is None:
            return
        thread_ts = (event.get("thread_ts") or event.get("ts")) if thread else event.get("thread_ts")
        try:
            if event.get("channel") and self._later(addressed, post_reply_to(event["channel"], thread_ts)):
                return  # this listener thread is free again; the answer is posted from the outbox
        except StoreUnavailable:
            pass  # answered below, honestly
        reply = self.handle(addressed)
        if reply.duplicate or not reply.text:
            log.info("Slack event %s answered before; nothing posted.", body.get("event_id"))
            return
        try:
            post(channel=event.get("channel"), thread_ts=thread_ts, **reply_message(reply))
        except SlackApiError as exc:
            log.error("Slack chat.postMessage failed for tenant %s: %s", addressed.tenant.id, exc.response.get("error"))

    # --- buttons -------------------------------------------------------------------------------------

    def click(self, body: dict, action: dict, team_id: str | None, respond: Callable[..., object]) -> None:
        """Confirm / Cancel / Undo, already acked. The service makes each click count at most once."""
        user = (body.get("user") or {}).get("id") or ""
        team = team_id or (body.get("team") or {}).get("id") or ""
        action_id = action.get("action_id")
        if action_id == UNDO_ACTION:
            # Undo means "my last change", so a double click must not undo the change before it: the
            # clicked message names the click, and the service answers the second one as a duplicate.
            container = body.get("container") or {}
            anchor = container.get("message_ts") or (body.get("message") or {}).get("ts") or action.get("action_ts")
            click_id = _message_id("undo", f"{container.get('channel_id', '')}:{anchor}:{user}")
            message = Message("slack", team, user, "undo", message_id=click_id)
        else:
            pending_id = action.get("value")
            if not isinstance(pending_id, str) or not pending_id or "\x00" in pending_id:
                message = None
            else:
                answer = "confirm" if action_id == CONFIRM_ACTION else "cancel"
                message = Message("slack", team, user, answer, pending_id=pending_id)
        addressed = self.address(message or Message("slack", team, user, ""))
        if addressed is None:
            respond(text=NOT_CONNECTED, response_type="ephemeral", replace_original=False)
            return
        if message is None:
            respond(text="That button no longer works; send the change again.", response_type="ephemeral")
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


class AfterAck:
    """Delivers a late `/menu` answer, but never before the "Working on it..." ack it follows (the work
    may finish the instant the ack budget runs out), and nothing for an answer given before."""

    def __init__(self, send: Callable[[Reply], object]) -> None:
        self._send = send
        self._lock = threading.Lock()
        self._acked = False
        self._waiting: list[Reply | None] = []

    def __call__(self, reply: Reply | None) -> None:
        with self._lock:
            if not self._acked:
                self._waiting.append(reply)
                return
        self._deliver(reply)

    def acked(self) -> None:
        with self._lock:
            self._acked = True
            waiting, self._waiting = self._waiting, []
        for reply in waiting:
            self._deliver(reply)

    def _deliver(self, reply: Reply | None) -> None:
        reply = reply or Reply(SORRY, "invalid")
        if not reply.duplicate:
            self._send(reply)


def _message_id(prefix: str, value: str | None) -> str | None:
    if not value:
        return None
    value = str(value).replace("\x00", "")  # stored as text, which in Postgres cannot hold a NUL
    return (f"{prefix}:{value}" if prefix else value)[:MAX_MESSAGE_ID]
