"""Changes held for a YES: asked once, answered once, by the right person, within ten minutes."""

from __future__ import annotations

from diner_agent.commands.model import Inbound
from diner_agent.commands.service import CommandService
from tests.sample import BLUE_PLATE, DANA, SAM, sms
from tests.unit.commands.test_idempotency import CountingLlm


def item(menus, name: str):
    return menus.item(BLUE_PLATE, name)


def click(answer: str, pending_id: str, sender: str = "U0DANA") -> Inbound:
    return Inbound(BLUE_PLATE, "slack", sender, answer, pending_id=pending_id)


def test_a_fuzzy_match_waits_for_yes_and_yes_applies_it_once(service, menus):
    ask = service.handle(sms("reuban 13.25"))
    assert ask.kind == "confirm" and ask.pending_id and ask.text.startswith("Did you mean:")
    assert item(menus, "Reuben").price_cents == 1250
    assert service.handle(sms("yes")).kind == "applied"
    assert item(menus, "Reuben").price_cents == 1325
    assert service.handle(sms("yes")).text.startswith("Nothing is waiting")


def test_a_large_price_change_is_asked_about_and_no_cancels_it(service, menus):
    ask = service.handle(sms("coffee 9.00"))
    assert ask.text.startswith("Please confirm:")
    assert "Cancelled" in service.handle(sms("no")).text
    assert item(menus, "Coffee").price_cents == 250
    assert menus.state.pending[ask.pending_id].status == "cancelled"


def test_a_request_expires_after_ten_minutes(service, menus, clock):
    service.handle(sms("coffee 9.00"))
    clock.advance(minutes=11)
    assert "expired" in service.handle(sms("yes")).text
    assert item(menus, "Coffee").price_cents == 250


def test_a_newer_request_replaces_the_older_one(service, menus):
    first = service.handle(sms("coffee 9.00"))
    service.handle(sms("reuban 13.25"))
    assert menus.state.pending[first.pending_id].status == "superseded"
    service.handle(sms("yes"))
    assert (item(menus, "Coffee").price_cents, item(menus, "Reuben").price_cents) == (250, 1325)


def test_someone_elses_yes_does_not_answer_my_request(service, menus):
    service.handle(sms("86 the reuban", sender=SAM))
    assert service.handle(sms("yes", sender=DANA)).text.startswith("Nothing is waiting")
    assert item(menus, "Reuben").available is True
    service.handle(sms("yes", sender=SAM))
    assert item(menus, "Reuben").available is False


def test_a_button_names_its_request_an_owner_may_answer_staffs_and_a_second_click_changes_nothing(service, menus):
    ask = service.handle(sms("86 the reuban", sender=SAM))
    assert service.handle(click("confirm", ask.pending_id, sender="U0DANA")).kind == "applied"
    assert item(menus, "Reuben").available is False
    second = service.handle(click("cancel", ask.pending_id, sender="U0DANA"))
    assert second.text.startswith("Already confirmed")
    assert item(menus, "Reuben").available is False


def test_staff_may_not_answer_someone_elses_request_by_button(service, menus):
    ask = service.handle(sms("reuban 13.25"))  # Dana's
    refused = service.handle(click("confirm", ask.pending_id, sender="U0SAM"))
    assert refused.kind == "refused"
    assert item(menus, "Reuben").price_cents == 1250


def test_a_request_that_can_no_longer_apply_fails_once_and_changes_nothing(service, menus):
    ask = service.handle(sms("reuban 13.25"))
    menus.remove_item(BLUE_PLATE, "Reuben")
    failed = service.handle(sms("yes"))
    assert failed.kind == "invalid" and "no longer on the menu" in failed.text and "Nothing changed" in failed.text
    assert menus.state.pending[ask.pending_id].status == "failed"
    assert service.handle(click("confirm", ask.pending_id)).text.startswith("That request failed")


def test_a_model_reading_is_always_confirmed_first(menus, clock):
    service = CommandService(menus, clock=clock, llm=CountingLlm())
    ask = service.handle(sms("could you make it so folks can't order the reuben anymore"))
    assert ask.kind == "confirm" and ask.text.startswith("Did you mean:")
    assert item(menus, "Reuben").available is True
    pending = menus.state.pending[ask.pending_id]
    assert pending.status == "pending"
    # The diner's rule (next_open) holds for a model's reading too: back at Friday's opening.
    back = "2026-11-27T07:00:00-05:00"
    assert pending.commands == [{"action": "toggle_available", "target": "Reuben", "value": False, "until": back}]
