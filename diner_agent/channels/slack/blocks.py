"""Slack text in, Block Kit out: pure functions, no I/O, so every message shape is unit-tested.

A reply that asks for confirmation gets Confirm (primary) / Cancel buttons whose `value` is the pending
confirmation's id; a reply that applied a change gets an Undo button whose `value` is the change's audit
batch id, so an old button undoes exactly its own change, never a newer one. After a click the message is
replaced by the outcome, without the buttons that no longer mean anything.
"""

from __future__ import annotations

import re

from diner_agent.commands.change_text import CONFIRM_HINT, UNDO_HINT
from diner_agent.commands.model import Reply

CONFIRM_ACTION = "pending_confirm"
CANCEL_ACTION = "pending_cancel"
UNDO_ACTION = "change_undo"
MAX_SECTION_CHARS = 3000  # Block Kit's limit for a section's text

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<([^<>|]+)\|([^<>]*)>")
_BARE = re.compile(r"<([^<>]+)>")


def from_slack_text(text: str, bot_user_id: str | None = None) -> str:
    """What a person typed, from Slack's wire form: without the bot's @-mention, links as their labels,
    and `&amp;` / `&lt;` / `&gt;` decoded ("86 the b&g" must reach the parser as typed)."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    else:
        text = re.sub(r"^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>", " ", text)  # the leading mention is the bot's
    text = _MENTION.sub(lambda m: "@" + m.group(1), text)
    text = _LINK.sub(lambda m: m.group(2), text)
    text = _BARE.sub(lambda m: m.group(1).removeprefix("mailto:").removeprefix("tel:"), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    lines = (" ".join(line.split()) for line in text.splitlines())  # line breaks are structure: kept
    return "\n".join(line for line in lines if line)


def escape(text: str) -> str:
    """Slack's three control characters, so an item called "Mac <&> Cheese" shows as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _section(text: str) -> dict:
    text = escape(text.strip() or " ")
    if len(text) > MAX_SECTION_CHARS:
        text = text[: MAX_SECTION_CHARS - 3] + "..."
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict:
    button = {"type": "button", "action_id": action_id, "value": value, "text": {"type": "plain_text", "text": text}}
    if style:
        button["style"] = style
    return button


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _without(text: str, hint: str) -> str:
    """The reply without the SMS-style instruction the buttons replace."""
    return " ".join(text.replace(hint, " ").split())


def reply_message(reply: Reply) -> dict:
    """`chat.postMessage` / `ack` / `respond` arguments for a service reply."""
    if reply.pending_id:
        buttons = [
            _button("Confirm", CONFIRM_ACTION, reply.pending_id, "primary"),
            _button("Cancel", CANCEL_ACTION, reply.pending_id),
        ]
        blocks = [_section(_without(reply.text, CONFIRM_HINT)), {"type": "actions", "elements": buttons}]
    elif reply.undo and reply.batch_id:
        blocks = [_section(_without(reply.text, UNDO_HINT)), _undo_actions(reply.batch_id)]
    else:
        blocks = [_section(reply.text)]
    return {"text": reply.text, "blocks": blocks}


def outcome_message(reply: Reply, user_id: str, action_id: str) -> dict:
    """The message that replaces a confirmation (or an Undo offer) once someone clicked it."""
    verb = {CONFIRM_ACTION: "Confirmed", CANCEL_ACTION: "Cancelled", UNDO_ACTION: "Undone"}.get(action_id, "Answered")
    if reply.undo and reply.batch_id:
        undo = _undo_actions(reply.batch_id)
        blocks = [_section(_without(reply.text, UNDO_HINT)), _context(f"{verb} by <@{user_id}>"), undo]
    else:
        blocks = [_section(reply.text), _context(f"{verb} by <@{user_id}>")]
    return {"text": reply.text, "blocks": blocks}


def settled_elsewhere(reply: Reply) -> bool:
    """A click on something an earlier click already settled ("Already confirmed. ..."): that click
    replaced the message already, so this one must not overwrite it (and lose its Undo button)."""
    return reply.kind == "info" and reply.text.startswith("Already ")


def _undo_actions(batch_id: str) -> dict:
    return {"type": "actions", "elements": [_button("Undo", UNDO_ACTION, batch_id)]}
