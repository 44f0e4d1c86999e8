"""SmsSender against a loopback fake of Twilio's Messages endpoint: it really reaches the fake (the
client's API base URL is replaced), reports success and failure without raising, and marks an
opted-out recipient (21610) as permanent."""

from __future__ import annotations

import socket

import pytest

from diner_agent.channels.sms.outbound import OPTED_OUT, SmsSender
from diner_agent.config import load_settings
from tests.fakes.twilio_rest import FakeTwilioRest

ACCOUNT = "AC" + "1" * 32
TOKEN = "outbound-test-token"


@pytest.fixture
def fake_twilio():
    with FakeTwilioRest() as fake:
        yield fake


def test_a_send_reaches_the_fake_with_the_account_and_a_gsm7_body(fake_twilio):
    sender = SmsSender(ACCOUNT, TOKEN, api_url=fake_twilio.base_url)
    result = sender.send("+15555550101", "+15555550100", "Coffee \u2014 now \u201c$3.00\u201d \U0001f600")
    assert result.ok and result.sid and result.sid.startswith("SM")
    [sent] = fake_twilio.sent
    assert sent.account_sid == ACCOUNT and sent.auth_user == ACCOUNT
    assert sent.form == {"To": "+15555550101", "From": "+15555550100", "Body": 'Coffee - now "$3.00"'}


def test_a_long_body_is_cut_to_1600_characters(fake_twilio):
    SmsSender(ACCOUNT, TOKEN, api_url=fake_twilio.base_url).send("+15555550101", "+15555550100", "word " * 1000)
    assert len(fake_twilio.sent[0].form["Body"]) <= 1600


def test_an_opted_out_recipient_is_a_permanent_failure_not_an_exception(fake_twilio):
    fake_twilio.refuse_next(400, OPTED_OUT)
    result = SmsSender(ACCOUNT, TOKEN, api_url=fake_twilio.base_url).send("+15555550101", "+15555550100", "hi")
    assert not result.ok and result.permanent and result.error_code == OPTED_OUT
    assert fake_twilio.sent == []


def test_a_rate_limit_is_a_failure_worth_retrying(fake_twilio):
    fake_twilio.refuse_next(429, 20429)
    result = SmsSender(ACCOUNT, TOKEN, api_url=fake_twilio.base_url).send("+15555550101", "+15555550100", "hi")
    assert not result.ok and not result.permanent and result.error_code == 20429


def test_an_unreachable_api_is_a_failure_not_an_exception():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    result = SmsSender(ACCOUNT, TOKEN, api_url=closed, timeout=2).send("+15555550101", "+15555550100", "hi")
    assert not result.ok and not result.permanent and result.error_code is None


def test_from_settings_needs_both_account_sid_and_token(fake_twilio, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert SmsSender.from_settings(load_settings(twilio_account_sid=None, twilio_auth_token=TOKEN)) is None
    assert SmsSender.from_settings(load_settings(twilio_account_sid=ACCOUNT, twilio_auth_token=None)) is None
    settings = load_settings(twilio_account_sid=ACCOUNT, twilio_auth_token=TOKEN, twilio_api_url=fake_twilio.base_url)
    assert SmsSender.from_settings(settings).send("+15555550101", "+15555550100", "hi").ok
    assert len(fake_twilio.sent) == 1
