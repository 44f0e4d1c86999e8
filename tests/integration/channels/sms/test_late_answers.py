"""Twilio waits 15 s: an answer that takes longer (a queued or slow LLM) is texted after a quick
"working on it" reply, and nothing is applied twice."""

from __future__ import annotations

import pytest

from diner_agent.assembly import Assembly
from diner_agent.channels.sms.wire import HOLD_ON
from tests.fakes.cloudflare import Reply, Sleep
from tests.fakes.twilio_rest import FakeTwilioRest
from tests.integration.channels.webhooks import signed_sms, sms_form, twiml_messages
from tests.polling import eventually
from tests.sample import BLUE_PLATE_NUMBER, DANA

FREE_FORM = "could you make it so folks can't order the reuben anymore"
ANSWER = Reply(json={"commands": [{"action": "toggle_available", "target": "Reuben", "value": False}]})


@pytest.fixture
def twilio_rest():
    with FakeTwilioRest() as fake:
        yield fake


def _settings(fake_cloudflare, twilio_rest, **extra):
    settings = {key.lower(): value for key, value in fake_cloudflare.env().items()}
    settings.update(twilio_account_sid="AC" + "1" * 32, twilio_api_url=twilio_rest.base_url, sms_reply_within=0.5)
    settings.update(ai_inline_wait=0.5)
    settings.update(extra)
    return settings


def test_a_slow_answer_is_texted_after_a_quick_hold_on(make_app, fake_cloudflare, twilio_rest):
    fake_cloudflare.gateway.always(Sleep(1.5, then=ANSWER))
    app = make_app(**_settings(fake_cloudflare, twilio_rest))
    client = app.test_client()
    form = sms_form(FREE_FORM)

    response = signed_sms(client, form)
    assert twiml_messages(response.get_data(as_text=True)) == [HOLD_ON]

    assert eventually(lambda: twilio_rest.sent), "the answer was never texted"
    [sent] = twilio_rest.sent
    assert sent.form["To"] == DANA and sent.form["From"] == BLUE_PLATE_NUMBER
    assert "Reuben" in sent.form["Body"] and "YES" in sent.form["Body"]
    assert Assembly.of(app).store.processed_reply("sms", form["MessageSid"]) == sent.form["Body"]

    retry = signed_sms(client, form)  # Twilio retrying after all: the stored answer, applied nothing
    assert twiml_messages(retry.get_data(as_text=True)) == [sent.form["Body"]]
    assert len(fake_cloudflare.requests) == 1


def test_a_quick_answer_comes_back_in_the_twiml(make_app, fake_cloudflare, twilio_rest):
    fake_cloudflare.gateway.always(ANSWER)
    app = make_app(**_settings(fake_cloudflare, twilio_rest, sms_reply_within=5, ai_inline_wait=2))
    response = signed_sms(app.test_client(), sms_form(FREE_FORM))
    [text] = twiml_messages(response.get_data(as_text=True))
    assert "Reuben" in text and "YES" in text
    assert twilio_rest.sent == []


def test_without_outbound_sms_the_model_gets_a_deadline_instead(make_app, fake_cloudflare, twilio_rest):
    fake_cloudflare.gateway.always(Sleep(5, then=ANSWER))
    fake_cloudflare.workers_ai.always(Sleep(5, then=ANSWER))
    fake_cloudflare.openai.always(Sleep(5, then=ANSWER))
    app = make_app(**_settings(fake_cloudflare, twilio_rest, twilio_account_sid=None, sms_reply_within=1))
    response = signed_sms(app.test_client(), sms_form(FREE_FORM))
    [text] = twiml_messages(response.get_data(as_text=True))
    # Every provider would answer after 5 s (inside the gateway's own timeouts); only the webhook's
    # deadline cut the call short, so the owner got the grammar's own answer instead.
    assert "Text HELP" in text
    assert twilio_rest.sent == []
