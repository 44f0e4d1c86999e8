"""LOG_FORMAT=json: one JSON object per line with the time, level, logger, diner, channel, message id and
the request id (also sent back as X-Request-ID), so an operator can follow one text through the logs;
phone numbers masked, even inside a traceback."""

from __future__ import annotations

import io
import json
import logging

import pytest

from diner_agent import log_context
from diner_agent.assembly import Assembly
from tests.integration.channels.webhooks import event_body, settle, signed_sms, slack_post, sms_form
from tests.sample import BLUE_PLATE_NUMBER, DANA


@pytest.fixture
def json_lines(make_app):
    """(app, read): an app logging JSON, and a function returning the JSON lines logged so far."""
    app = make_app(log_format="json", log_level="INFO")
    handler = log_context.installed_handler()
    assert handler is not None, "LOG_FORMAT=json installs one JSON handler on the root logger"
    buffer = io.StringIO()
    handler.setStream(buffer)

    def read() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]

    yield app, read
    log_context.uninstall()


def test_an_sms_is_logged_as_json_with_its_diner_channel_message_id_and_request_id(json_lines):
    app, read = json_lines
    form = sms_form("86 the reuben", sid="SM" + "c" * 32)
    response = signed_sms(app.test_client(), form)
    request_id = response.headers["X-Request-ID"]
    lines = [line for line in read() if line.get("request_id") == request_id]
    answered = next(line for line in lines if line["message"].startswith("SMS from"))
    assert {"time", "level", "logger", "tenant", "channel", "message_id", "request_id", "message"} <= set(answered)
    where = (answered["tenant"], answered["channel"], answered["message_id"])
    assert where == ("blue-plate", "sms", form["MessageSid"])
    assert answered["level"] == "INFO" and answered["logger"] == "diner_agent.channels.sms.webhook"
    assert DANA not in json.dumps(read()) and "0101" in answered["message"]


def test_a_client_request_id_is_kept_and_a_bad_one_replaced(json_lines):
    app, _ = json_lines
    client = app.test_client()
    assert client.get("/healthz", headers={"X-Request-ID": "lb-1234abcd"}).headers["X-Request-ID"] == "lb-1234abcd"
    replaced = client.get("/healthz", headers={"X-Request-ID": "not an id; " * 20}).headers["X-Request-ID"]
    assert "not an id" not in replaced and 8 <= len(replaced) <= 64


def test_a_traceback_is_one_json_line_without_phone_numbers(json_lines, monkeypatch):
    app, read = json_lines

    def broken(addressed, deadline=None):
        raise RuntimeError(f"could not answer {addressed.inbound.sender} at {BLUE_PLATE_NUMBER}")

    monkeypatch.setattr(Assembly.of(app).service, "answer", broken)
    response = signed_sms(app.test_client(), sms_form("86 the reuben", to=BLUE_PLATE_NUMBER))
    assert response.status_code == 200  # the apology, as TwiML
    [failed] = [line for line in read() if line.get("exc_info")]
    assert failed["level"] == "ERROR" and "Traceback" in failed["exc_info"] and "could not answer" in failed["exc_info"]
    assert (failed["channel"], failed["tenant"]) == ("sms", "blue-plate")
    assert BLUE_PLATE_NUMBER not in json.dumps(read()) and DANA not in json.dumps(read())
    assert "...0101" in failed["exc_info"]


def test_a_slack_event_is_followed_onto_the_listener_thread(json_lines):
    app, read = json_lines
    body = event_body("slack_app_mention", text="<@U0BOT> 86 the tuna melt", event_id="EvJSONLOG01")
    response = slack_post(app.test_client(), body, json_body=True)
    settle(app)
    mine = [line for line in read() if line.get("request_id") == response.headers["X-Request-ID"]]
    assert any(line.get("message_id") == "EvJSONLOG01" and line.get("tenant") == "blue-plate" for line in mine), mine


def test_text_logs_stay_the_default(make_app):
    make_app()
    assert log_context.installed_handler() is None
    assert logging.getLogger("diner_agent").level == logging.INFO
