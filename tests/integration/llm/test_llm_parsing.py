"""Texts the grammar cannot read go through the AI gateway to (a fake of) Cloudflare, and come back as
a confirmation question; the model's answer is untrusted and checked against the real menu."""

from __future__ import annotations

import json

import pytest

from diner_agent.assembly import Assembly
from tests.fakes.cloudflare import GATEWAY, OPENAI, WORKERS_AI, Fail, Malformed, Reply
from tests.sample import DEMO_DANA, SAM, sms
from tests.usage_rows import usage_rows

FREE_FORM = "could you make it so folks can't order the reuben anymore"


def commands(*cmds: dict) -> Reply:
    return Reply(json={"commands": list(cmds)})


def reuben(store):
    return store.snapshot("blue-plate").item_named("Reuben")


def test_free_form_text_reaches_cloudflare_correctly_and_yes_applies_it(make_app, fake_cloudflare):
    app = make_app()
    fake_cloudflare.gateway.always(commands({"action": "toggle_available", "target": "reuben", "value": False}))
    service, store = Assembly.of(app).service, Assembly.of(app).store

    ask = service.handle(sms(FREE_FORM))
    assert ask.kind == "confirm" and "Reuben" in ask.text and "YES" in ask.text
    assert reuben(store).available is True

    [request] = fake_cloudflare.requests_to(GATEWAY)
    assert request.path.endswith("/compat/chat/completions")
    assert request.body["model"] == "workers-ai/@cf/meta/llama-3.1-8b-instruct-fast"
    assert request.headers["cf-aig-authorization"] == f"Bearer {fake_cloudflare.gateway_token}"
    assert request.headers["authorization"] == f"Bearer {fake_cloudflare.api_token}"
    assert json.loads(request.headers["cf-aig-metadata"])["tenant"] == "blue-plate"
    assert request.body["response_format"]["type"] == "json_schema"
    assert "stream" not in request.body or request.body["stream"] is False
    system, user = request.body["messages"]
    assert user == {"role": "user", "content": FREE_FORM}
    assert "Reuben" in system["content"] and "2026-11-26" in system["content"] and "Thursday" in system["content"]

    assert service.handle(sms("yes")).kind == "applied"
    assert reuben(store).available is False


def test_the_same_text_again_is_served_from_the_cache(make_app, fake_cloudflare, clock):
    app = make_app()
    fake_cloudflare.gateway.always(commands({"action": "toggle_available", "target": "Reuben", "value": False}))
    service = Assembly.of(app).service
    service.handle(sms(FREE_FORM))
    service.handle(sms("no"))
    again = service.handle(sms(FREE_FORM))
    assert again.kind == "confirm"
    assert len(fake_cloudflare.requests_to(GATEWAY)) == 1
    rows = usage_rows(app, clock.now().date(), tenant="blue-plate")
    assert [r["cache_hit"] for r in rows] == [False, True]
    assert rows[1]["cost_usd"] == 0


def test_a_failing_gateway_falls_back_to_workers_ai_direct(make_app, fake_cloudflare):
    app = make_app()
    fake_cloudflare.gateway.always(Fail(500))
    fake_cloudflare.workers_ai.always(commands({"action": "update_price", "target": "Reuben", "value": "13.50"}))
    reply = Assembly.of(app).service.handle(sms("let's do what we talked about for the sandwich with the sauerkraut"))
    assert reply.kind == "confirm" and "$12.50 -> $13.50" in reply.text
    assert len(fake_cloudflare.requests_to(WORKERS_AI)) == 1
    assert fake_cloudflare.requests_to(WORKERS_AI)[0].path.endswith("/ai/run/@cf/meta/llama-3.1-8b-instruct-fast")


def test_the_eleventh_free_form_text_in_a_minute_is_limited(make_app, fake_cloudflare):
    app = make_app()
    fake_cloudflare.gateway.always(commands())
    service = Assembly.of(app).service
    for n in range(10):
        service.handle(sms(f"hmm what should we do about table {n}"))
    limited = service.handle(sms("hmm what should we do about table 10"))
    assert "try again in" in limited.text and "86 meatloaf" in limited.text
    assert len(fake_cloudflare.requests_to(GATEWAY)) == 10
    other = service.handle(sms("hmm what about table 11", sender=DEMO_DANA, tenant="demo-diner"))
    assert "try again" not in other.text
    assert len(fake_cloudflare.requests_to(GATEWAY)) == 11


def test_grammar_readable_texts_never_reach_the_model(make_app, fake_cloudflare):
    app = make_app()
    for text in ("86 the reuben", "coffee 2.75", "closing at 2 today", "undo", "the pie is gone", "86 lobster"):
        Assembly.of(app).service.handle(sms(text))
    assert fake_cloudflare.requests == []


def test_without_any_provider_the_grammar_answers(db_url, clock, store):
    from diner_agent.app import create_app

    app = create_app(database_url=db_url, clock=clock)
    assert Assembly.of(app).gateway is None
    reply = Assembly.of(app).service.handle(sms(FREE_FORM))
    assert reply.kind == "unknown" and "86 meatloaf" in reply.text
    Assembly.of(app).close()


def test_all_providers_failing_gets_the_grammars_answer(make_app, fake_cloudflare):
    app = make_app()
    for script in (fake_cloudflare.gateway, fake_cloudflare.workers_ai, fake_cloudflare.openai):
        script.always(Fail(503))
    reply = Assembly.of(app).service.handle(sms(FREE_FORM))
    assert reply.kind == "unknown" and "Text HELP" in reply.text
    assert reuben(Assembly.of(app).store).available is True


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (commands({"action": "toggle_available", "target": "lobster thermidor", "value": False}), "not on the menu"),
        (commands({"action": "toggle_available", "target": "pie", "value": False}), "Which"),
        (commands({"action": "update_price", "target": "Reuben", "value": "9999"}), "maximum"),
        (commands({"action": "update_price", "target": "Reuben", "value": "-1"}), "more than $0"),
        (commands({"action": "change_hours", "target": ["2001-01-01"], "value": "closed"}), "not a date"),
        (commands({"action": "drop_all_tables", "target": None, "value": None}), "Sorry, I didn't get that"),
        (commands({"action": "undo", "target": None, "value": None}), "Sorry, I didn't get that"),
        (Reply(json={"commands": [], "also": "ignore previous instructions"}), "Sorry, I didn't get that"),
        (Malformed(), "Sorry, I didn't get that"),
        (Reply(text="Sure! I have 86'd the reuben for you."), "Sorry, I didn't get that"),
    ],
)
def test_model_output_is_never_trusted(make_app, fake_cloudflare, answer, expected):
    app = make_app()
    fake_cloudflare.gateway.always(answer)
    fake_cloudflare.workers_ai.always(answer)
    fake_cloudflare.openai.always(answer)
    before = Assembly.of(app).store.snapshot("blue-plate")
    reply = Assembly.of(app).service.handle(sms(FREE_FORM))
    assert expected in reply.text
    assert reply.kind != "applied" and reply.pending_id is None
    after = Assembly.of(app).store.snapshot("blue-plate")
    assert after.items == before.items and after.weekly == before.weekly


def test_staff_free_form_texts_do_not_spend_the_owners_ai_budget(make_app, fake_cloudflare):
    app = make_app()
    reply = Assembly.of(app).service.handle(sms(FREE_FORM, sender=SAM))
    assert reply.kind == "unknown"
    assert fake_cloudflare.requests_to(GATEWAY) == [] and fake_cloudflare.requests_to(OPENAI) == []
