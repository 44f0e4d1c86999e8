"""A text the grammar reads only in part (some clauses read, some not) goes to the model too, through the
AI gateway to the loopback Cloudflare fake: its reading is validated against the schema and the real menu
and always confirmed first. A text read whole, even with an unclear item, stays with the owner."""

from __future__ import annotations

from diner_agent.assembly import Assembly
from tests.fakes.cloudflare import GATEWAY, Fail, Reply
from tests.sample import sms

PARTIAL = "86 the reuben, pie 6"  # the first clause reads; "pie 6" names no one item


def commands(*cmds: dict) -> Reply:
    return Reply(json={"commands": list(cmds)})


def snapshot(app):
    return Assembly.of(app).store.snapshot("blue-plate")


def test_a_partial_reading_is_read_by_the_model_and_confirmed_first(make_app, fake_cloudflare):
    app = make_app()
    fake_cloudflare.gateway.always(
        commands(
            {"action": "toggle_available", "target": "reuben", "value": False},
            {"action": "update_price", "target": "key lime pie", "value": "6.00"},
        )
    )
    service = Assembly.of(app).service
    ask = service.handle(sms(PARTIAL))
    assert ask.kind == "confirm" and ask.text.startswith("Did you mean:")
    assert "Reuben" in ask.text and "Key Lime Pie: $4.95 -> $6.00" in ask.text
    [request] = fake_cloudflare.requests_to(GATEWAY)
    assert request.body["messages"][1] == {"role": "user", "content": PARTIAL}  # the text verbatim
    assert snapshot(app).item_named("Reuben").available is True  # nothing before the YES
    assert service.handle(sms("yes")).kind == "applied"
    after = snapshot(app)
    assert after.item_named("Reuben").available is False and after.item_named("Key Lime Pie").price_cents == 600


def test_the_models_reading_of_a_partial_text_is_checked_against_the_menu(make_app, fake_cloudflare):
    app = make_app()
    fake_cloudflare.gateway.always(
        commands(
            {"action": "toggle_available", "target": "Reuben", "value": False},
            {"action": "update_price", "target": "lobster pie", "value": "6.00"},
        )
    )
    before = snapshot(app)
    reply = Assembly.of(app).service.handle(sms(PARTIAL))
    assert reply.kind != "confirm" and reply.pending_id is None and "not on the menu" in reply.text
    assert snapshot(app).items == before.items


def test_without_a_working_model_a_partial_text_gets_the_grammars_question(make_app, fake_cloudflare):
    app = make_app()
    for script in (fake_cloudflare.gateway, fake_cloudflare.workers_ai, fake_cloudflare.openai):
        script.always(Fail(503))
    before = snapshot(app)
    reply = Assembly.of(app).service.handle(sms(PARTIAL))
    assert reply.kind == "unknown" and "Key Lime Pie" in reply.text and "Nothing changed" in reply.text
    assert len(fake_cloudflare.requests_to(GATEWAY)) >= 1
    assert snapshot(app).items == before.items


def test_a_text_read_whole_with_an_unclear_item_does_not_reach_the_model(make_app, fake_cloudflare):
    app = make_app()
    reply = Assembly.of(app).service.handle(sms("pie 6"))
    assert "Key Lime Pie or Pecan Pie" in reply.text
    assert fake_cloudflare.requests == []
