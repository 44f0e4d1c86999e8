"""Model work off the request path, durable and fair (channels/durable.py, menu/work_queue.py).

With the model answering in seconds: dozens of free-form texts from one diner are each answered
"working on it" at once, another diner's grammar texts are answered within the SMS budget meanwhile,
another diner's free-form text is not queued behind the flood, and every late answer is texted exactly
once. Twilio's transient errors are retried with backoff; permanent ones are stored and listed on the
admin page. A retried MessageSid is one text; close() (gunicorn's worker_exit) drains what runs."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from diner_agent.assembly import Assembly
from diner_agent.channels.sms.wire import HOLD_ON
from diner_agent.menu import models as m
from tests.fakes.cloudflare import Reply, Sleep
from tests.integration.channels.webhooks import signed_sms, sms_form, twiml_messages
from tests.polling import eventually
from tests.sample import DANA, DEMO_DANA, DEMO_NUMBER

FREE_FORM = "could you make it so folks can't order the reuben anymore"
ANSWER = Reply(json={"commands": [{"action": "toggle_available", "target": "Reuben", "value": False}]})
TWILIO_ACCOUNT = "AC" + "1" * 32
MODEL_SECONDS = 2.0


@pytest.fixture
def durable_app(make_app, fake_cloudflare, twilio_rest):
    def build(**extra):
        settings = {key.lower(): value for key, value in fake_cloudflare.env().items()}
        settings.update(
            twilio_account_sid=TWILIO_ACCOUNT,
            twilio_api_url=twilio_rest.base_url,
            ai_rate_limit="1000/minute",
            ai_cache_ttl=0,
            work_poll_seconds=0.1,
            admin_token="admin-secret",
        )
        settings.update(extra)
        return make_app(**settings)

    return build


def _timed_sms(app, body, sender=DANA, to=None, sid=None):
    form = sms_form(body, sender=sender, **({"to": to} if to else {}), **({"sid": sid} if sid else {}))
    started = time.perf_counter()
    response = signed_sms(app.test_client(), form)
    took = time.perf_counter() - started
    assert response.status_code == 200
    return twiml_messages(response.get_data(as_text=True)), took, form["MessageSid"]


def test_a_slow_model_flood_stalls_no_one_and_every_answer_is_sent_once(durable_app, fake_cloudflare, twilio_rest):
    fake_cloudflare.gateway.always(Sleep(MODEL_SECONDS, then=ANSWER))
    app = durable_app(ai_workers=4)
    flood = 24
    with ThreadPoolExecutor(12) as pool:
        ai = [pool.submit(_timed_sms, app, FREE_FORM) for _ in range(flood)]
        time.sleep(0.3)  # the flood is in: now the other diner's texts
        texts = ("86 the french toast", "coffee 2.75")
        grammar = [pool.submit(_timed_sms, app, text, DEMO_DANA, DEMO_NUMBER) for text in texts]
        other_ai = pool.submit(_timed_sms, app, FREE_FORM, DEMO_DANA, DEMO_NUMBER)
        ai_results = [f.result() for f in ai]
        grammar_results = [f.result() for f in grammar]
        other = other_ai.result()
    for replies, took, _sid in ai_results + [other]:
        # Answered before the model could have finished (each call takes MODEL_SECONDS): nobody waited on it.
        assert replies == [HOLD_ON] and took < MODEL_SECONDS, (replies, took)
    for replies, took, _sid in grammar_results:
        assert "Nothing changed" not in replies[0] and took < MODEL_SECONDS, (replies, took)

    assert eventually(lambda: len(twilio_rest.sent) >= flood + 1, timeout=60), len(twilio_rest.sent)
    assert Assembly.of(app).durable.wait_idle(10)
    sent = twilio_rest.sent
    assert len(sent) == flood + 1, "every late answer texted exactly once"
    assert [s.form["To"] for s in sent].count(DANA) == flood
    # Fair: the other diner's one text was taken by the next free thread, not after the flood.
    position = [s.form["To"] for s in sent].index(DEMO_DANA)
    assert position < 8, f"the other diner's answer came {position + 1}th of {flood + 1}"
    store = Assembly.of(app).store
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(m.ProcessedMessage)) == flood + 3
        sent_rows = select(func.count()).select_from(m.OutboundMessage).where(m.OutboundMessage.status == "sent")
        assert s.scalar(sent_rows) == flood + 1


def test_a_retried_message_sid_is_one_text_with_one_answer(durable_app, fake_cloudflare, twilio_rest):
    fake_cloudflare.gateway.always(Sleep(1.0, then=ANSWER))
    app = durable_app()
    replies, _took, sid = _timed_sms(app, FREE_FORM)
    again, _took, _ = _timed_sms(app, FREE_FORM, sid=sid)  # Twilio retrying while it is worked on
    assert replies == again == [HOLD_ON]
    assert eventually(lambda: twilio_rest.sent) and Assembly.of(app).durable.wait_idle(10)
    assert len(twilio_rest.sent) == 1 and len(fake_cloudflare.requests) == 1
    late, _took, _ = _timed_sms(app, FREE_FORM, sid=sid)  # ... and after: the stored answer
    assert late == [twilio_rest.sent[0].form["Body"]]


def test_transient_twilio_errors_are_retried_with_backoff(durable_app, fake_cloudflare, twilio_rest, clock):
    fake_cloudflare.gateway.always(Sleep(0.5, then=ANSWER))
    twilio_rest.refuse_next(500, 20500)
    twilio_rest.refuse_next(429, 20429)
    app = durable_app()
    assert _timed_sms(app, FREE_FORM)[0] == [HOLD_ON]
    durable = Assembly.of(app).durable
    assert eventually(lambda: _attempts(app) == 1)
    time.sleep(0.3)  # a few polls: nothing is retried before its time
    assert not twilio_rest.sent and _attempts(app) == 1
    clock.advance(2.5)  # the first backoff (2 s) is over
    assert eventually(lambda: _attempts(app) == 2)
    clock.advance(4.5)  # the second (4 s)
    assert eventually(lambda: len(twilio_rest.sent) == 1) and durable.wait_idle(10)
    with Assembly.of(app).store.read() as s:
        assert s.execute(select(m.OutboundMessage.attempts, m.OutboundMessage.status)).one() == (3, "sent")


def _attempts(app) -> int:
    """How many sends of the answer failed so far (0 while its first one is still running)."""
    with Assembly.of(app).store.read() as s:
        row = s.execute(select(m.OutboundMessage.attempts, m.OutboundMessage.status)).first()
    return 0 if row is None or row.status != "pending" else row.attempts


def test_a_permanent_error_is_stored_and_shown_to_the_operator(durable_app, fake_cloudflare, twilio_rest):
    fake_cloudflare.gateway.always(ANSWER)
    twilio_rest.refuse_next(400, 21610)  # the owner texted STOP meanwhile
    app = durable_app(ai_inline_wait=0)
    _, _took, sid = _timed_sms(app, FREE_FORM)
    assert Assembly.of(app).durable.wait_idle(10)
    assert twilio_rest.sent == []
    with Assembly.of(app).store.read() as s:
        row = s.execute(select(m.OutboundMessage.status, m.OutboundMessage.error)).one()
    assert row.status == "failed" and "21610" in row.error
    page = app.test_client().get("/admin/deliveries.json", headers={"Authorization": "Bearer admin-secret"})
    assert page.status_code == 200
    [failure] = page.get_json()["undelivered"]
    assert failure["message_id"] == sid and "21610" in failure["error"] and failure["tenant"] == "blue-plate"
    html = app.test_client().get("/admin/deliveries", headers={"Authorization": "Bearer admin-secret"})
    assert sid in html.get_data(as_text=True)
    assert app.test_client().get("/admin/deliveries.json").status_code == 401


def test_closing_drains_the_work_in_flight(durable_app, fake_cloudflare, twilio_rest):
    fake_cloudflare.gateway.always(Sleep(1.0, then=ANSWER))
    app = durable_app()
    assert _timed_sms(app, FREE_FORM)[0] == [HOLD_ON]
    assert eventually(lambda: fake_cloudflare.requests), "the model is working on it"  # running, not waiting
    Assembly.of(app).close()  # what gunicorn's worker_exit does
    assert len(twilio_rest.sent) == 1, "the answer in flight was finished and sent before the worker left"
