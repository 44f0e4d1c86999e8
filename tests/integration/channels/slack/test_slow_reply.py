"""`/menu` when the answer takes longer than Slack's 3 s ack window (an LLM reads the text): the ack says
"Working on it..." at once and the answer arrives through the response_url. A fake LLM that waits for
the test's signal makes "slow" deterministic, without sleeping."""

from __future__ import annotations

import json
import threading

from flask import Flask, request
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk import WebClient

from diner_agent.channels.followups import InProcessFollowups
from diner_agent.channels.slack.blocks import CONFIRM_ACTION
from diner_agent.channels.slack.channel import SlackChannel
from diner_agent.channels.slack.dedupe import MemorySeen
from diner_agent.channels.slack.events import build_bolt_app
from diner_agent.channels.slack.listeners import ListenerPool
from diner_agent.commands.language_model import LlmAnswer
from diner_agent.commands.service import CommandService
from tests.integration.channels.webhooks import SLACK_BOT_TOKEN, SLACK_SECRET, command_body, slack_post


class GatedLlm:
    """A model (the command layer's Llm port) that reads every text as "Coffee costs 3.00", but only once
    the test opens the gate."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.calls = 0

    def complete(self, tenant_id, messages, *, purpose, max_tokens, temperature, response_format=None, deadline=None):
        self.calls += 1
        assert self.gate.wait(10), "the test never opened the gate"
        command = {"action": "update_price", "target": "coffee", "value": "3.00"}
        return LlmAnswer(json.dumps({"commands": [command]}))


def test_a_slow_answer_is_acked_at_once_and_sent_through_the_response_url(store, clock, fake_slack):
    llm = GatedLlm()
    service = CommandService(store, llm=llm, clock=clock)
    listeners, followups = ListenerPool(), InProcessFollowups(clock)
    bolt = build_bolt_app(
        SlackChannel(service, followups, ack_budget=0.05),
        signing_secret=SLACK_SECRET,
        client=WebClient(token=SLACK_BOT_TOKEN, base_url=fake_slack.api_url),
        seen=MemorySeen(),
        listeners=listeners,
    )
    handler = SlackRequestHandler(bolt)
    app = Flask(__name__)
    app.add_url_rule("/slack/events", "slack", lambda: handler.handle(request), methods=["POST"])

    body = command_body(
        "do the thing we talked about yesterday with the joe", response_url=fake_slack.response_url("slow")
    )
    ack = slack_post(app.test_client(), body)
    assert ack.status_code == 200 and ack.get_data(as_text=True) == "Working on it..."
    assert fake_slack.responses("slow") == []  # the LLM is still "thinking"

    llm.gate.set()
    assert listeners.wait_idle(10) and followups.wait_idle(10)
    [answer] = fake_slack.responses("slow")
    assert answer["response_type"] == "ephemeral"
    assert "Coffee: $2.50 -> $3.00" in answer["text"]
    pending = next(e["value"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert pending and {e["action_id"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]} == {
        CONFIRM_ACTION,
        "pending_cancel",
    }
    assert store.snapshot("blue-plate").item_named("Coffee").price_cents == 250  # an LLM reading waits for Confirm
    assert llm.calls == 1
    followups.close()
