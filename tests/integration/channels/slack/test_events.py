"""POST /slack/events through the Flask test client, with Slack's Web API and response_urls played by a
loopback fake: the `/menu` slash command, signatures, and events (mentions, DMs, retries). Events are
processed after the ack, so tests wait for the fake to see the answer, then assert on state: the public
menu, the audit log and the messages the fake received. Buttons: test_buttons.py."""

from __future__ import annotations

import json
import threading
import time
from urllib.parse import parse_qs

import pytest

from diner_agent.channels.slack.blocks import UNDO_ACTION
from diner_agent.menu.tenant_file import load_tenants, read_tenant_file
from tests.fakes.slack_api import BOT_ID, BOT_USER_ID
from tests.integration.channels.slack.slack_messages import buttons, command
from tests.integration.channels.webhooks import (
    audit_count,
    command_body,
    event_body,
    menu_item,
    settle,
    slack_headers,
    slack_post,
)
from tests.menus import SAMPLE_TENANT
from tests.services import redis_backends, redis_url

# --- /menu ------------------------------------------------------------------------------------------


def test_slash_command_changes_the_menu_and_answers_in_the_ack(client, fake_slack):
    ack = command(client, "86 the pot roast")
    assert ack["text"] == (
        "Pot Roast is now sold out until tomorrow 7am. Text 'pot roast is back' sooner. Reply UNDO to revert."
    )
    assert UNDO_ACTION in buttons(ack)
    assert menu_item(client, "Pot Roast")["available"] is False
    assert fake_slack.posts() == []  # answered in the ack itself: one round trip


def test_slash_command_decodes_slack_escapes(client):
    ack = command(client, "86 the mac &amp; cheese")
    assert "Mac and Cheese is now sold out" in ack["text"]


def test_empty_slash_command_gets_help(client):
    assert "86 meatloaf" in command(client, "")["text"]


def test_staff_may_86_but_not_change_prices_in_slack(client):
    assert "sold out" in command(client, "86 the reuben", user="U0SAM")["text"]
    assert "only an owner" in command(client, "coffee 3.00", user="U0SAM")["text"]
    assert menu_item(client, "Reuben")["available"] is False
    assert menu_item(client, "Coffee")["price"] == "2.50"


def test_workspace_members_not_on_staff_are_refused_by_default(client, store):
    assert "not on Blue Plate Diner's staff list" in command(client, "86 the reuben", user="U0NOBODY")["text"]
    assert audit_count(store) == 0


def test_slack_default_role_staff_lets_members_86_but_not_price(client, store, tmp_path):
    path = tmp_path / "staff-default.yaml"
    path.write_text(
        SAMPLE_TENANT.read_text().replace(
            "slack_team: T0BLUEPLT", "slack_team: T0BLUEPLT\n    slack_default_role: staff"
        )
    )
    load_tenants(store, read_tenant_file(path))
    assert "sold out" in command(client, "86 the reuben", user="U0NOBODY")["text"]
    assert "only an owner" in command(client, "coffee 3.00", user="U0NOBODY")["text"]
    assert menu_item(client, "Reuben")["available"] is False
    assert menu_item(client, "Coffee")["price"] == "2.50"


def test_slash_command_from_an_unknown_team_changes_nothing(client, store):
    assert "not connected to a diner" in command(client, "86 the reuben", team="T0UNKNOWN")["text"]
    assert audit_count(store) == 0


# --- signatures -------------------------------------------------------------------------------------


def test_bad_signatures_and_stale_timestamps_get_401_and_change_nothing(app, client, store, fake_slack):
    body = command_body("86 the pot roast")
    forged = slack_headers(body, secret="not-our-secret")
    stale = slack_headers(body, timestamp=int(time.time()) - 6 * 60)
    future = slack_headers(body, timestamp=int(time.time()) + 6 * 60)
    signed = slack_headers(body)
    cases = [
        (body, forged),
        (body, {}),
        (body, stale),
        (body, future),
        (body.replace("pot+roast", "tuna+melt"), signed),  # replayed signature, changed body
    ]
    for data, headers in cases:
        response = client.post(
            "/slack/events", data=data, headers=headers, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 401
    event = event_body("slack_app_mention")
    response = client.post(
        "/slack/events", data=event, headers=slack_headers(event, secret="x"), content_type="application/json"
    )
    assert response.status_code == 401
    settle(app)
    assert audit_count(store) == 0
    assert fake_slack.posts() == []


def test_a_forged_event_does_not_burn_its_event_id(app, client, fake_slack):
    """Signature checks run before the retry filter, so a forgery cannot block the real event."""
    event = event_body("slack_app_mention", event_id="Ev0FORGED01")
    client.post("/slack/events", data=event, headers=slack_headers(event, secret="x"), content_type="application/json")
    assert slack_post(client, event, json_body=True).status_code == 200
    settle(app)
    assert len(fake_slack.posts()) == 1


def test_without_a_signing_secret_the_endpoint_says_503(make_app):
    client = make_app(slack_signing_secret=None).test_client()
    response = slack_post(client, command_body("86 the pot roast"))
    assert response.status_code == 503
    assert response.get_json()["error"] == "slack_disabled"
    assert "SLACK_SIGNING_SECRET" in response.get_json()["message"]


def test_url_verification_is_answered(client):
    body = json.dumps({"token": "x", "challenge": "c-123", "type": "url_verification"})
    assert slack_post(client, body, json_body=True).get_json() == {"challenge": "c-123"}


# --- events -----------------------------------------------------------------------------------------


def test_app_mention_is_answered_in_its_thread(app, client, fake_slack):
    assert slack_post(client, event_body("slack_app_mention"), json_body=True).status_code == 200
    settle(app)
    assert len(fake_slack.posts()) == 1
    post = fake_slack.posts()[0]
    assert post["channel"] == "C0KITCHEN" and post["thread_ts"] == "1764169200.000200"
    assert post["text"] == (
        "Pot Roast is now sold out until tomorrow 7am. Text 'pot roast is back' sooner. Reply UNDO to revert."
    )
    assert menu_item(client, "Pot Roast")["available"] is False


def test_a_direct_message_is_answered_in_the_dm(app, client, fake_slack):
    slack_post(client, event_body("slack_message_im"), json_body=True)
    settle(app)
    assert len(fake_slack.posts()) == 1
    post = fake_slack.posts()[0]
    assert post["channel"] == "D0DANABOT" and "thread_ts" not in post
    assert "Coffee: $2.50 -> $2.75" in post["text"]
    assert menu_item(client, "Coffee")["price"] == "2.75"


@pytest.mark.parametrize(
    "fields",
    [
        {"user": BOT_USER_ID, "text": "86 the pot roast"},
        {"bot_id": BOT_ID, "user": None, "subtype": "bot_message", "text": "86 the pot roast"},
        {"bot_id": "B0OTHER", "text": "86 the pot roast"},
        {"subtype": "message_changed", "text": "86 the pot roast"},
        {"subtype": "message_deleted", "user": None, "text": None},
        {"channel_type": "channel", "text": "86 the pot roast"},
    ],
    ids=["own-user", "own-bot-message", "other-bot", "changed", "deleted", "channel-message"],
)
def test_bot_messages_edits_and_channel_chatter_are_ignored(app, client, store, fake_slack, fields):
    fields = dict(fields)
    text = fields.pop("text")
    user = fields.pop("user", "U0DANA")
    body = event_body("slack_message_im", text=text, user=user, **fields)
    if user is None:
        payload = json.loads(body)
        payload["event"].pop("user")
        body = json.dumps(payload)
    assert slack_post(client, body, json_body=True).status_code == 200
    settle(app)
    assert fake_slack.posts() == []
    assert audit_count(store) == 0
    assert menu_item(client, "Pot Roast")["available"] is True


def test_events_from_an_unknown_team_are_ignored(app, client, store, fake_slack):
    slack_post(client, event_body("slack_app_mention", team="T0UNKNOWN"), json_body=True)
    slack_post(client, event_body("slack_message_im", team="T0UNKNOWN"), json_body=True)
    settle(app)
    assert fake_slack.posts() == []
    assert audit_count(store) == 0


def test_a_retried_event_is_applied_once_and_posted_once(app, client, store, fake_slack):
    body = event_body("slack_app_mention", event_id="Ev0RETRY0001")
    assert slack_post(client, body, json_body=True).status_code == 200
    settle(app)
    for n in (1, 2, 3):
        extra = {"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"}
        response = slack_post(client, body, json_body=True, **extra)
        assert response.status_code == 200
        assert response.headers.get("x-slack-no-retry") == "1"
    settle(app)
    assert audit_count(store) == 1
    assert len(fake_slack.posts()) == 1


@pytest.mark.parametrize("backend", redis_backends())
def test_retries_arriving_while_the_first_is_in_flight_are_dropped(make_app, store, fake_slack, backend):
    app = make_app(redis_url=redis_url() if backend == "redis" else None)
    body = event_body("slack_message_im", text="coffee 2.75")
    start = threading.Barrier(8)

    def deliver(n: int) -> None:
        client = app.test_client()
        start.wait()
        extra = {"X-Slack-Retry-Num": str(n)} if n else {}
        assert slack_post(client, body, json_body=True, **extra).status_code == 200

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    settle(app)
    assert audit_count(store) == 1
    assert len(fake_slack.posts()) == 1 and "Coffee: $2.50 -> $2.75" in fake_slack.posts()[0]["text"]


@pytest.mark.parametrize("backend", redis_backends())
def test_two_workers_apply_and_post_a_retried_event_once(make_app, store, fake_slack, backend):
    """With Redis the second worker's filter drops the retry; without it (each worker remembers only
    its own events) the service's message table stops it. Either way: applied once, posted once."""
    shared = redis_url() if backend == "redis" else None
    first, second = make_app(redis_url=shared), make_app(redis_url=shared)
    body = event_body("slack_message_im", text="coffee 2.75")
    slack_post(first.test_client(), body, json_body=True)
    settle(first)
    slack_post(second.test_client(), body, json_body=True, **{"X-Slack-Retry-Num": "1"})
    settle(second)
    assert audit_count(store) == 1
    assert len(fake_slack.posts()) == 1


def test_slash_command_form_fields_reach_the_service_as_typed(client):
    body = command_body("86 the pot roast")
    fields = parse_qs(body)
    assert fields["command"] == ["/menu"] and fields["user_id"] == ["U0DANA"]
    assert "sold out" in slack_post(client, body).get_json()["text"]
