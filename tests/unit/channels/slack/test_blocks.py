"""Block Kit building and Slack text decoding: pure functions, no network."""

from __future__ import annotations

from diner_agent.channels.slack.blocks import (
    CANCEL_ACTION,
    CONFIRM_ACTION,
    MAX_SECTION_CHARS,
    UNDO_ACTION,
    escape,
    from_slack_text,
    outcome_message,
    reply_message,
    settled_elsewhere,
)
from diner_agent.commands.model import Reply


def elements(message: dict) -> list[dict]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_a_confirmation_gets_confirm_and_cancel_buttons_carrying_the_pending_id():
    reply = Reply("Please confirm: Coffee: $2.50 -> $9.00. Reply YES to confirm or NO to cancel.", "confirm", "p-1")
    message = reply_message(reply)
    confirm, cancel = elements(message)
    assert (confirm["action_id"], confirm["value"], confirm["style"]) == (CONFIRM_ACTION, "p-1", "primary")
    assert (cancel["action_id"], cancel["value"]) == (CANCEL_ACTION, "p-1") and "style" not in cancel
    assert message["blocks"][0]["text"]["text"] == "Please confirm: Coffee: $2.50 -&gt; $9.00."
    assert message["text"] == reply.text  # the notification keeps the whole reply


BATCH = "8d1e0c4a-3b5f-4d2e-9a7c-1f2e3d4c5b6a"


def test_an_applied_change_gets_an_undo_button_naming_its_batch_and_loses_the_sms_hint():
    reply = Reply("Coffee: $2.50 -> $2.75. Reply UNDO to revert.", "applied", undo=True, batch_id=BATCH)
    message = reply_message(reply)
    assert [(e["action_id"], e["value"]) for e in elements(message)] == [(UNDO_ACTION, BATCH)]
    assert "UNDO" not in message["blocks"][0]["text"]["text"]


def test_an_answer_without_a_change_has_no_buttons():
    message = reply_message(Reply("Hours: Mon-Fri 7am-3pm.", "info"))
    assert elements(message) == [] and len(message["blocks"]) == 1


def test_the_outcome_of_a_click_names_who_clicked_and_drops_the_question_buttons():
    confirmed = outcome_message(
        Reply("Coffee: $2.50 -> $9.00. Reply UNDO to revert.", "applied", undo=True, batch_id=BATCH), "U1",
        CONFIRM_ACTION,
    )  # fmt: skip
    assert [(e["action_id"], e["value"]) for e in elements(confirmed)] == [(UNDO_ACTION, BATCH)]
    assert confirmed["blocks"][1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "Confirmed by <@U1>"}]}
    cancelled = outcome_message(Reply("Cancelled. Nothing changed.", "info"), "U2", CANCEL_ACTION)
    assert elements(cancelled) == [] and "Cancelled by <@U2>" in str(cancelled["blocks"])


def test_long_text_is_cut_to_a_sections_limit():
    message = reply_message(Reply("x" * 5000))
    assert len(message["blocks"][0]["text"]["text"]) == MAX_SECTION_CHARS


def test_escape_keeps_item_names_literal():
    assert escape("Mac <&> Cheese") == "Mac &lt;&amp;&gt; Cheese"


def test_from_slack_text_strips_the_bot_mention_and_decodes_markup():
    assert from_slack_text("<@U0BOT> 86 the b&amp;g", "U0BOT") == "86 the b&g"
    assert from_slack_text("<@U0BOT|diner> coffee 2.75 <@U0BOT>", "U0BOT") == "coffee 2.75"
    assert from_slack_text("<@U0BOT> tell <@U0SAM> the pie is gone", "U0BOT") == "tell @U0SAM the pie is gone"
    assert from_slack_text("see <https://x.example/menu|our menu> &lt;3") == "see our menu <3"
    assert from_slack_text("<@U0BOT> close at 2", None) == "close at 2"  # leading mention, bot id unknown
    assert from_slack_text("<mailto:a@b.example>") == "a@b.example"


def test_only_an_already_settled_answer_leaves_the_message_alone():
    assert settled_elsewhere(Reply("Already confirmed. Coffee: $2.50 -> $9.00.", "info"))
    assert not settled_elsewhere(Reply("Cancelled. Nothing changed.", "info"))
    assert not settled_elsewhere(Reply("That request expired (10 minutes). Nothing changed; send it again.", "info"))
