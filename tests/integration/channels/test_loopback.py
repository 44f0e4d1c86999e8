"""The channels over real HTTP: the app on a loopback port (threaded, like gunicorn's gthread workers),
Twilio and Slack requests signed with the real SDKs, and the `diner-agent sms` simulator and command."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest
from click.testing import CliRunner

from diner_agent.channels.sms.simulator import SimulatorError, simulate_sms
from diner_agent.cli import main
from diner_agent.config import load_settings
from tests.integration.channels.webhooks import (
    PUBLIC,
    TWILIO_TOKEN,
    audit_count,
    command_body,
    event_body,
    serve,
    settle,
    slack_headers,
    sms_form,
    twilio_signature,
    twiml_messages,
)
from tests.sample import BLUE_PLATE_NUMBER, DANA, SAM


def public_item(base: str, name: str) -> dict:
    document = httpx.get(f"{base}/menu/blue-plate.json").json()
    return next(i for i in document["items"] if i["name"] == name)


def simulator_settings(db_url: str, **overrides):
    values = {"database_url": db_url, "twilio_auth_token": TWILIO_TOKEN, "public_base_url": PUBLIC, **overrides}
    return load_settings(**values)


def test_a_simulated_sms_changes_the_menu_over_http(app, db_url):
    with serve(app) as base:
        settings = simulator_settings(db_url)
        replies = simulate_sms(settings, to=BLUE_PLATE_NUMBER, sender=DANA, text="86 the pot roast", url=base)
        assert replies == [
            ("Pot Roast is now sold out until tomorrow 7am. Text 'pot roast is back' sooner. Reply UNDO to revert.")
        ]
        assert public_item(base, "Pot Roast")["available"] is False
        assert simulate_sms(settings, to=BLUE_PLATE_NUMBER, sender=SAM, text="STOP", url=base) == []


def test_the_sms_command_prints_the_reply(app, db_url):
    env = {"DATABASE_URL": db_url, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "PUBLIC_BASE_URL": PUBLIC}
    with serve(app) as base:
        args = ["sms", "--tenant", "blue-plate", "--from", "555-555-0101", "--url", base, "coffee 2.75"]
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 0, result.output
        assert result.output.strip() == "Coffee: $2.50 -> $2.75. Reply UNDO to revert."
        assert public_item(base, "Coffee")["price"] == "2.75"


def test_the_sms_command_fails_clearly_without_a_token_or_with_the_wrong_one(app, db_url):
    with serve(app) as base:
        args = ["sms", "--tenant", "blue-plate", "--from", DANA, "--url", base, "86 the pot roast"]
        no_token = CliRunner().invoke(main, args, env={"DATABASE_URL": db_url, "TWILIO_AUTH_TOKEN": ""})
        assert no_token.exit_code != 0 and "TWILIO_AUTH_TOKEN is not set" in no_token.output
        env = {"DATABASE_URL": db_url, "TWILIO_AUTH_TOKEN": "not-the-servers-token", "PUBLIC_BASE_URL": PUBLIC}
        wrong = CliRunner().invoke(main, args, env=env)
        assert wrong.exit_code != 0 and "refused the signature (403)" in wrong.output
        assert public_item(base, "Pot Roast")["available"] is True


def test_the_simulator_explains_a_missing_server_and_an_unknown_tenant(db_url, store):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    settings = simulator_settings(db_url)
    with pytest.raises(SimulatorError, match="No server answered"):
        simulate_sms(settings, to=BLUE_PLATE_NUMBER, sender=DANA, text="menu", url=closed)
    env = {"DATABASE_URL": db_url, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN}
    unknown = CliRunner().invoke(main, ["sms", "--tenant", "nowhere", "--from", DANA, "--url", closed, "menu"], env=env)
    assert unknown.exit_code != 0 and "No tenant 'nowhere'" in unknown.output


def test_forged_requests_are_refused_over_http(app, store):
    with serve(app) as base:
        form = sms_form("86 the pot roast")
        assert httpx.post(f"{base}/sms", data=form, headers={"X-Twilio-Signature": "Zm9yZ2Vk"}).status_code == 403
        body = command_body("86 the pot roast")
        headers = {**slack_headers(body, secret="wrong"), "Content-Type": "application/x-www-form-urlencoded"}
        assert httpx.post(f"{base}/slack/events", content=body, headers=headers).status_code == 401
        assert public_item(base, "Pot Roast")["available"] is True
    assert audit_count(store) == 0


def test_concurrent_twilio_retries_over_http_apply_once(app, store):
    form = sms_form("coffee 2.75")
    headers = {"X-Twilio-Signature": twilio_signature(PUBLIC + "/sms", form)}
    replies: list[list[str]] = []
    with serve(app) as base:
        start = threading.Barrier(6)

        def deliver() -> None:
            with httpx.Client() as http:
                start.wait()
                response = http.post(f"{base}/sms", data=form, headers=headers)
                replies.append(twiml_messages(response.text))

        threads = [threading.Thread(target=deliver) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert public_item(base, "Coffee")["price"] == "2.75"
    assert len(replies) == 6 and all(r == replies[0] for r in replies)
    assert audit_count(store) == 1


def test_a_signed_slash_command_changes_the_menu_over_http(app):
    with serve(app) as base:
        body = command_body("86 the pot roast")
        headers = {**slack_headers(body), "Content-Type": "application/x-www-form-urlencoded"}
        ack = httpx.post(f"{base}/slack/events", content=body, headers=headers)
        assert ack.status_code == 200
        assert ack.json()["text"] == (
            "Pot Roast is now sold out until tomorrow 7am. Text 'pot roast is back' sooner. Reply UNDO to revert."
        )
        assert public_item(base, "Pot Roast")["available"] is False


def test_concurrent_slack_retries_over_http_apply_and_post_once(app, store, fake_slack):
    body = event_body("slack_app_mention", text="<@U0BOT> coffee 2.75")
    with serve(app) as base:
        start = threading.Barrier(5)

        def deliver(n: int) -> None:
            retry = {"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"} if n else {}
            headers = {**slack_headers(body, **retry), "Content-Type": "application/json"}
            with httpx.Client() as http:
                start.wait()
                assert http.post(f"{base}/slack/events", content=body, headers=headers).status_code == 200

        threads = [threading.Thread(target=deliver, args=(n,)) for n in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        settle(app)
        assert public_item(base, "Coffee")["price"] == "2.75"
    assert audit_count(store) == 1
    assert len(fake_slack.posts()) == 1
