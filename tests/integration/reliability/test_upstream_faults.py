"""Whatever Cloudflare does, the people texting never see it: every fault the fake can produce, on every
provider at once (AI Gateway, Workers AI direct and the OpenAI-compatible fallback), through the real
channels (signed Twilio and Slack webhooks, the OpenAI-format web chat on a loopback server).

- A free-form text still gets a 200 with a useful answer (the grammar's, a 'working on it' followed by
  the answer by SMS, or a canned chat answer), never a 5xx, never the crash apology, and nothing applied.
- A grammar command is applied and confirmed without the upstream being asked at all.
"""

from __future__ import annotations

import json

import httpx
import pytest

from diner_agent.assembly import Assembly
from diner_agent.channels.sms.wire import HOLD_ON, LATE_FAILURE
from diner_agent.commands.chat.answers import CUT_OFF_NOTE
from diner_agent.commands.replies import SORRY
from tests.fakes.cloudflare import Fail, Malformed, RateLimit, Reset, Sleep, Stall, Truncate
from tests.integration.channels.webhooks import (
    command_body,
    event_body,
    serve,
    settle,
    signed_sms,
    slack_post,
    sms_form,
    twiml_messages,
)
from tests.integration.reliability.apps import SHORT_AI_TIMEOUTS, TWILIO_ACCOUNT, ai_settings
from tests.integration.reliability.tenant_state import tenant_state
from tests.polling import eventually
from tests.sample import BLUE_PLATE, DANA

FAULTS = {
    "http-500": Fail(500),
    "timeout": Sleep(30),  # far longer than any timeout or deadline in play
    "429-3036-daily-quota": RateLimit(code=3036),
    "429-3040-capacity": RateLimit(code=3040),
    "malformed-json": Malformed(),
    "truncated": Truncate(),
    "stalled": Stall(),
    "connection-reset": Reset(),
}
FREE_FORM = "could you make it so folks can't order the reuben anymore"  # the grammar cannot read it
QUESTION = "Write a one-line chalkboard sign for today's lunch."  # for the chat assistant
# Words from the fake's error bodies and from the gateway's internals, none of which belongs in a reply.
LEAKS = ("boom", "Capacity temporarily exceeded", "half a body", "3036", "3040", "429", "500", "Traceback",
         "ai-gateway", "workers-ai", "openai", "Unavailable", "RateLimited", "HTTP")  # fmt: skip


@pytest.fixture(params=list(FAULTS))
def fault(request, fake_cloudflare):
    for script in (fake_cloudflare.gateway, fake_cloudflare.workers_ai, fake_cloudflare.openai):
        script.always(FAULTS[request.param])
    return request.param


def assert_useful(text: str | None) -> None:
    """A real answer: not empty, not an apology for a crash, and nothing of the upstream's trouble in it."""
    assert text and text.strip(), "no answer at all"
    assert text not in (SORRY, LATE_FAILURE), f"an internal error was swallowed: {text!r}"
    leaked = [word for word in LEAKS if word in text]
    assert not leaked, f"{leaked} leaked into the reply {text!r}"


def upstream_calls(fake) -> int:
    return len(fake.requests)


def asked_again(fault: str, fake, before: int) -> bool:
    """Whether a second free-form message met the fault too. A used-up daily quota (3036) is remembered
    until midnight UTC, so there nobody asks again: that is the point of remembering it."""
    return upstream_calls(fake) > before or fault == "429-3036-daily-quota"


# --- SMS --------------------------------------------------------------------------------------------


def assert_grammar_still_applies(client, store, fake, before) -> None:
    """After the fault, a plain command still applies by the grammar alone, without asking upstream."""
    asked = upstream_calls(fake)
    response = signed_sms(client, sms_form("86 the reuben"))
    assert twiml_messages(response.get_data(as_text=True)) == ["Reuben is now sold out. Reply UNDO to revert."]
    assert store.snapshot(BLUE_PLATE).item_named("Reuben").available is False
    assert tenant_state(store, BLUE_PLATE).audit == before.audit + 1
    assert upstream_calls(fake) == asked


def test_sms_within_the_webhook_deadline(fault, fake_cloudflare, build_app):
    """Without TWILIO_ACCOUNT_SID the answer must fit in the webhook: SMS_REPLY_WITHIN bounds the model."""
    app = build_app(**ai_settings(fake_cloudflare), sms_reply_within=1.0)
    client, store = app.test_client(), Assembly.of(app).store
    before = tenant_state(store, BLUE_PLATE)

    response = signed_sms(client, sms_form(FREE_FORM))
    assert response.status_code == 200
    [text] = twiml_messages(response.get_data(as_text=True))
    assert_useful(text)
    assert upstream_calls(fake_cloudflare) > 0, "the fault was never met"
    assert tenant_state(store, BLUE_PLATE) == before

    assert_grammar_still_applies(client, store, fake_cloudflare, before)


def test_sms_with_late_answers(fault, fake_cloudflare, build_app, twilio_rest):
    """With outbound SMS configured, a slow answer is 'working on it' now and the real answer by SMS."""
    settings = ai_settings(
        fake_cloudflare, twilio_account_sid=TWILIO_ACCOUNT, twilio_api_url=twilio_rest.base_url, **SHORT_AI_TIMEOUTS
    )
    app = build_app(**settings, sms_reply_within=0.2)
    client, store = app.test_client(), Assembly.of(app).store
    before = tenant_state(store, BLUE_PLATE)
    form = sms_form(FREE_FORM)

    response = signed_sms(client, form)
    assert response.status_code == 200
    [text] = twiml_messages(response.get_data(as_text=True))
    if text == HOLD_ON:
        assert eventually(lambda: twilio_rest.sent), "the late answer was never texted"
        [sent] = twilio_rest.sent
        assert sent.form["To"] == DANA
        text = sent.form["Body"]
    assert_useful(text)
    assert store.processed_reply("sms", form["MessageSid"]) == text
    assert upstream_calls(fake_cloudflare) > 0, "the fault was never met"
    assert tenant_state(store, BLUE_PLATE) == before

    assert_grammar_still_applies(client, store, fake_cloudflare, before)
    assert len(twilio_rest.sent) <= 1  # nothing else was texted


# --- Slack ------------------------------------------------------------------------------------------


def _ack_text(response) -> str:
    return response.get_json()["text"] if response.is_json else response.get_data(as_text=True)


def test_slack_slash_command_and_mention(fault, fake_cloudflare, build_app, slack_api):
    app = build_app(**ai_settings(fake_cloudflare, **SHORT_AI_TIMEOUTS))
    client, store = app.test_client(), Assembly.of(app).store
    before = tenant_state(store, BLUE_PLATE)

    response = slack_post(client, command_body(FREE_FORM, response_url=slack_api.response_url("slash")))
    assert 200 <= response.status_code < 300
    settle(app)
    text = _ack_text(response)
    if text == "Working on it...":
        [later] = slack_api.responses("slash")
        text = later["text"]
    assert_useful(text)
    asked = upstream_calls(fake_cloudflare)
    assert asked > 0, "the fault was never met"

    response = slack_post(client, event_body("slack_app_mention", text=f"<@U0BOT> {FREE_FORM}"), json_body=True)
    assert 200 <= response.status_code < 300
    settle(app)
    [post] = slack_api.posts()
    assert_useful(post["text"])
    assert asked_again(fault, fake_cloudflare, asked), "the fault was never met"
    assert tenant_state(store, BLUE_PLATE) == before

    asked = upstream_calls(fake_cloudflare)
    response = slack_post(client, command_body("86 the pot roast"))
    assert _ack_text(response) == "Pot Roast is now sold out. Reply UNDO to revert."
    assert store.snapshot(BLUE_PLATE).item_named("Pot Roast").available is False
    assert upstream_calls(fake_cloudflare) == asked


# --- web chat ---------------------------------------------------------------------------------------


def _stream(base: str, token: str, text: str) -> tuple[str, list[str]]:
    """Send a streamed chat request; return the text and the raw `data:` payloads, in order."""
    payloads = []
    body = {"model": "diner-agent", "messages": [{"role": "user", "content": text}], "stream": True}
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.stream("POST", f"{base}/api/chat", json=body, headers=headers, timeout=30) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line:
                assert line.startswith("data: "), line
                payloads.append(line[len("data: ") :])
    assert payloads and payloads[-1] == "[DONE]", payloads[-3:]
    chunks = [json.loads(p) for p in payloads[:-1]]  # every other event is one JSON chunk
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[-1]["choices"][0]["finish_reason"] in ("stop", "length")
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    return text, payloads


def test_web_chat_streamed_and_not(fault, fake_cloudflare, build_app):
    """The chat page's endpoint always answers something useful (on /v1 a 429 is a 429 instead:
    tests/integration/channels/webchat/test_openai_conventions.py)."""
    app = build_app(**ai_settings(fake_cloudflare, **SHORT_AI_TIMEOUTS))
    store = Assembly.of(app).store
    token = store.issue_token(BLUE_PLATE)
    before = tenant_state(store, BLUE_PLATE)
    headers = {"Authorization": f"Bearer {token}"}

    with serve(app) as base:
        answer = httpx.post(
            f"{base}/api/chat",
            json={"model": "diner-agent", "messages": [{"role": "user", "content": QUESTION}]},
            headers=headers,
            timeout=30,
        )
        assert answer.status_code == 200
        completion = answer.json()
        assert completion["object"] == "chat.completion"
        assert_useful(completion["choices"][0]["message"]["content"])
        asked = upstream_calls(fake_cloudflare)
        assert asked > 0, "the fault was never met"

        text, _ = _stream(base, token, QUESTION)
        # A stream that broke after text reached the reader cannot start over: it ends with a note.
        assert_useful(text.removesuffix(CUT_OFF_NOTE) or text)
        assert asked_again(fault, fake_cloudflare, asked), "the fault was never met"
        assert tenant_state(store, BLUE_PLATE) == before

        asked = upstream_calls(fake_cloudflare)
        text, _ = _stream(base, token, "86 the tuna melt")
        assert text == "Tuna Melt is now sold out. Reply UNDO to revert."
        assert store.snapshot(BLUE_PLATE).item_named("Tuna Melt").available is False
        assert upstream_calls(fake_cloudflare) == asked
