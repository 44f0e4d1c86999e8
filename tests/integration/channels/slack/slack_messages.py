"""Slack requests and what comes back, for the Slack channel's tests: a `/menu` ack, the text and buttons of
a Block Kit message, and a click on a button (waiting for its work, returning what it posted)."""

from __future__ import annotations

from tests.integration.channels.webhooks import (
    click_body,
    command_body,
    settle,
    slack_post,
)


def command(client, text: str, **options) -> dict:
    """Run `/menu TEXT` and return the ack's JSON (the reply Slack shows)."""
    response = slack_post(client, command_body(text, **options))
    assert response.status_code == 200
    # Bolt sends a text-only ack as plain text, which Slack shows just the same.
    return response.get_json() if response.is_json else {"text": response.get_data(as_text=True)}


def section_text(message: dict) -> str:
    return " ".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")


def buttons(message: dict) -> dict[str, str]:
    """action_id -> value of every button in a message."""
    return {
        e["action_id"]: e.get("value")
        for b in message.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
    }


def click(app, fake, action_id: str, value: str, name: str, **options) -> dict:
    """Click a button; wait for its work to finish and return what it posted to the response_url."""
    before = len(fake.responses(name))
    body = click_body(action_id, value, response_url=fake.response_url(name), **options)
    assert slack_post(app.test_client(), body).status_code == 200
    settle(app)
    assert len(fake.responses(name)) == before + 1
    return fake.responses(name)[-1]
