"""A message id answered once: a retry gets the same reply and applies nothing, whatever came in between."""

from __future__ import annotations

from diner_agent.commands.language_model import LlmAnswer
from diner_agent.commands.service import CommandService
from tests.sample import BLUE_PLATE, SAM, STRANGER, sms


def price(menus, name: str) -> int:
    return menus.item(BLUE_PLATE, name).price_cents


def test_a_retried_change_applies_nothing_and_gets_the_first_reply(service, menus):
    first = service.handle(sms("coffee 2.75", message_id="SM1"))
    service.handle(sms("coffee 3.00", message_id="SM2"))
    again = service.handle(sms("coffee 2.75", message_id="SM1"))
    assert again.duplicate and again.text == first.text
    assert price(menus, "Coffee") == 300
    assert len(menus.state.audit) == 2


def test_every_reply_is_recorded_under_its_id_even_one_that_changes_nothing(service, menus):
    for n, text in enumerate(("menu", "hours", "help", "what is this", "coffee 9")):  # the last is refused
        reply = service.handle(sms(text, sender=SAM, message_id=f"SM-r{n}"))
        assert menus.processed_reply("sms", f"SM-r{n}") == reply.text
        assert service.handle(sms(text, sender=SAM, message_id=f"SM-r{n}")).duplicate
    assert menus.state.audit == []


def test_a_stranger_is_refused_and_the_refusal_is_recorded(service, menus):
    reply = service.handle(sms("86 the pot roast", sender=STRANGER, message_id="SM-x"))
    assert reply.kind == "refused"
    assert menus.processed_reply("sms", "SM-x") == reply.text
    assert menus.item(BLUE_PLATE, "Pot Roast").available is True


def test_without_a_message_id_a_reply_that_changes_nothing_writes_nothing(service, menus):
    before = menus.state
    assert service.handle(sms("menu")).text.startswith("Nothing is sold out")
    assert menus.state is before  # no unit of work was even opened


def test_a_failed_change_is_recorded_as_nothing_changed_and_rolled_back(service, menus):
    reply = service.handle(sms("86 the tuna melt and lobster", message_id="SM-f"))
    assert "not on the menu" in reply.text
    assert menus.item(BLUE_PLATE, "Tuna Melt").available is True
    assert menus.processed_reply("sms", "SM-f") == reply.text


class CountingLlm:
    """The Llm port answering every text as "86 the Reuben", counting how often it is asked."""

    def __init__(self) -> None:
        self.calls = 0

    def complete(self, tenant_id, messages, *, purpose, max_tokens, temperature, response_format=None, deadline=None):
        self.calls += 1
        return LlmAnswer('{"commands": [{"action": "toggle_available", "target": "reuben", "value": false}]}')


def test_a_retry_of_a_free_form_text_does_not_ask_the_model_again(menus, clock):
    llm = CountingLlm()
    service = CommandService(menus, clock=clock, llm=llm)
    text = "could you make it so folks can't order the reuben anymore"
    first = service.handle(sms(text, message_id="SM-llm"))
    again = service.handle(sms(text, message_id="SM-llm"))
    assert first.kind == "confirm" and again.duplicate and again.text == first.text
    assert llm.calls == 1
