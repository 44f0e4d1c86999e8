"""Confirm / Cancel / Undo buttons through POST /slack/events: each click counts once, whoever clicks twice
or at once, and replaces the message it answers with the outcome."""

from __future__ import annotations

import json
import threading

from diner_agent.channels.slack.blocks import CANCEL_ACTION, CONFIRM_ACTION, UNDO_ACTION
from tests.integration.channels.slack.slack_messages import buttons, click, command, section_text
from tests.integration.channels.webhooks import (
    audit_count,
    click_body,
    menu_item,
    settle,
    slack_post,
)

# --- buttons ----------------------------------------------------------------------------------------


def ask(client, text: str = "coffee 9.00", **options) -> str:
    """Ask for a change that needs confirmation; return the pending id its Confirm button carries."""
    ack = command(client, text, **options)
    ids = buttons(ack)
    assert set(ids) == {CONFIRM_ACTION, CANCEL_ACTION} and ids[CONFIRM_ACTION] == ids[CANCEL_ACTION]
    assert "YES" not in section_text(ack)  # the buttons replace the SMS instruction
    return ids[CONFIRM_ACTION]


def test_confirm_applies_and_replaces_the_question_with_the_outcome(app, client, fake_slack):
    pending = ask(client)
    assert menu_item(client, "Coffee")["price"] == "2.50"
    outcome = click(app, fake_slack, CONFIRM_ACTION, pending, "q1")
    assert outcome["replace_original"] is True
    assert "Coffee: $2.50 -> $9.00" in outcome["text"]
    assert set(buttons(outcome)) == {UNDO_ACTION}
    assert menu_item(client, "Coffee")["price"] == "9.00"


def test_a_double_click_applies_once_and_keeps_the_outcome_message(app, client, store, fake_slack):
    pending = ask(client)
    click(app, fake_slack, CONFIRM_ACTION, pending, "q2")
    second = click(app, fake_slack, CONFIRM_ACTION, pending, "q2")
    assert second.get("replace_original") is False and second["response_type"] == "ephemeral"
    assert second["text"].startswith("Already confirmed")
    assert audit_count(store) == 1


def test_concurrent_clicks_apply_once(app, store, fake_slack):
    pending = ask(app.test_client())
    start = threading.Barrier(4)

    def press() -> None:
        client = app.test_client()
        start.wait()
        slack_post(client, click_body(CONFIRM_ACTION, pending, response_url=fake_slack.response_url("q3")))

    threads = [threading.Thread(target=press) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    settle(app)
    assert len(fake_slack.responses("q3")) == 4
    assert audit_count(store) == 1
    assert (
        sum("$2.50 -> $9.00" in r["text"] and not r["text"].startswith("Already") for r in fake_slack.responses("q3"))
        == 1
    )


def test_cancel_changes_nothing(app, client, store, fake_slack):
    pending = ask(client)
    outcome = click(app, fake_slack, CANCEL_ACTION, pending, "q4")
    assert outcome["replace_original"] is True and outcome["text"].startswith("Cancelled")
    assert buttons(outcome) == {}
    assert "Cancelled by <@U0DANA>" in json.dumps(outcome["blocks"])
    assert click(app, fake_slack, CONFIRM_ACTION, pending, "q4")["text"].startswith("Already cancelled")
    assert menu_item(client, "Coffee")["price"] == "2.50"
    assert audit_count(store) == 0


def test_a_click_after_ten_minutes_finds_the_request_expired(app, client, store, clock, fake_slack):
    pending = ask(client)
    clock.advance(minutes=10, seconds=1)
    outcome = click(app, fake_slack, CONFIRM_ACTION, pending, "q5")
    assert "expired" in outcome["text"] and buttons(outcome) == {}
    assert menu_item(client, "Coffee")["price"] == "2.50"
    assert audit_count(store) == 0


def test_staff_cannot_confirm_an_owners_change_but_the_owner_still_can(app, client, store, fake_slack):
    pending = ask(client)
    refused = click(app, fake_slack, CONFIRM_ACTION, pending, "q6", user="U0SAM")
    assert refused["response_type"] == "ephemeral" and refused.get("replace_original") is False
    assert "Only the person who asked" in refused["text"]
    assert menu_item(client, "Coffee")["price"] == "2.50"
    click(app, fake_slack, CONFIRM_ACTION, pending, "q6")
    assert menu_item(client, "Coffee")["price"] == "9.00"


def test_undo_button_reverts_and_a_double_click_undoes_only_once(app, client, store, fake_slack):
    command(client, "coffee 2.75")
    batch = buttons(command(client, "iced tea 3.00"))[UNDO_ACTION]
    first = click(app, fake_slack, UNDO_ACTION, batch, "u1", message_ts="1764169300.000100")
    assert first["replace_original"] is True and first["text"].startswith("Undone")
    assert buttons(first) == {}
    slack_post(
        client,
        click_body(UNDO_ACTION, batch, response_url=fake_slack.response_url("u1"), message_ts="1764169300.000100"),
    )
    settle(app)
    assert menu_item(client, "Iced Tea")["price"] == "2.75"
    assert menu_item(client, "Coffee")["price"] == "2.75"  # the second click did not undo the change before
    assert len(fake_slack.responses("u1")) == 1  # and said nothing


def test_clicks_from_an_unknown_team_change_nothing(app, client, store, fake_slack):
    pending = ask(client)
    answer = click(app, fake_slack, CONFIRM_ACTION, pending, "q7", team="T0UNKNOWN")
    assert "not connected" in answer["text"]
    assert menu_item(client, "Coffee")["price"] == "2.50"
