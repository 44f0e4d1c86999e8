"""A late `/menu` answer is posted after the "Working on it..." ack it follows, however quickly the work
finishes, and an answer that was a retry's posts nothing."""

from __future__ import annotations

from diner_agent.channels.slack.channel import AfterAck
from diner_agent.commands.model import Reply
from diner_agent.commands.replies import SORRY


def test_an_answer_ready_before_the_ack_waits_for_it():
    sent = []
    after_ack = AfterAck(sent.append)
    after_ack(Reply("Coffee: $2.50 -> $3.00."))
    assert sent == []
    after_ack.acked()
    assert [r.text for r in sent] == ["Coffee: $2.50 -> $3.00."]


def test_an_answer_after_the_ack_goes_at_once():
    sent = []
    after_ack = AfterAck(sent.append)
    after_ack.acked()
    after_ack(Reply("Reuben is now sold out."))
    assert [r.text for r in sent] == ["Reuben is now sold out."]


def test_a_duplicate_posts_nothing_and_a_failure_an_apology():
    sent = []
    after_ack = AfterAck(sent.append)
    after_ack.acked()
    after_ack(Reply("stored", "info", duplicate=True))
    after_ack(None)
    assert [r.text for r in sent] == [SORRY]
