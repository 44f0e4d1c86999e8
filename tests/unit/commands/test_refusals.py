"""Who may do what (DESIGN 4.1), and what is refused before anything is read or written."""

from __future__ import annotations

from typing import get_args

import pytest

from diner_agent.commands.handlers import HANDLERS
from diner_agent.commands.language_model import LlmReading
from diner_agent.commands.model import AddItem, Command, NewItemValue, ToggleAvailable
from diner_agent.commands.service import MAX_TEXT, CommandService
from tests.sample import BLUE_PLATE, DEMO, SAM, STRANGER, sms


def test_staff_may_86_items_and_bring_them_back(service, menus):
    assert service.handle(sms("86 the pot roast", sender=SAM)).kind == "applied"
    assert service.handle(sms("pot roast is back", sender=SAM)).kind == "applied"
    assert menus.item(BLUE_PLATE, "Pot Roast").available is True


@pytest.mark.parametrize(
    ("text", "what"),
    [("coffee 9", "change prices"), ("closing at 2 today", "change hours"), ("emergency close, no water", "close")],
)
def test_staff_may_not_change_prices_hours_or_close(service, menus, text, what):
    before = menus.snapshot(BLUE_PLATE)
    reply = service.handle(sms(text, sender=SAM))
    assert reply.kind == "refused" and f"only an owner can {what}" in reply.text and "Nothing changed" in reply.text
    assert menus.snapshot(BLUE_PLATE) == before


def test_staff_get_the_staff_help(service):
    assert "owners" in service.handle(sms("help", sender=SAM)).text


def test_a_stranger_and_another_diners_owner_are_refused(service, menus):
    assert service.handle(sms("86 meatloaf", sender=STRANGER, tenant=DEMO)).kind == "refused"
    assert service.handle(sms("86 meatloaf", tenant=DEMO)).kind == "refused"  # blue-plate's Dana, not demo's
    assert menus.item(DEMO, "Meatloaf").available is True


def test_an_unknown_diner_is_refused(service):
    assert service.handle(sms("menu", tenant="nowhere")).kind == "refused"


def test_a_text_that_is_too_long_is_refused_unread(service, menus):
    reply = service.handle(sms("86 the pot roast " + "x" * MAX_TEXT, message_id="SM-long"))
    assert reply.kind == "invalid" and "too long" in reply.text
    assert menus.item(BLUE_PLATE, "Pot Roast").available is True


def test_every_command_kind_has_a_handler():
    (union, *_) = get_args(Command)
    assert {kind.model_fields["action"].default for kind in get_args(union)} == set(HANDLERS)


class ReadsAsAddingAnItem:
    """A model reader (the LlmReader the service asks) that reads every text as `commands`."""

    def __init__(self, *commands) -> None:
        self.commands = commands

    def read(self, text, snapshot, now, *, deadline=None) -> LlmReading:
        return LlmReading(commands=self.commands)


TUNA = AddItem(target="Tuna Salad", value=NewItemValue(price="9.99", category="Lunch"))


@pytest.mark.parametrize("commands", [(TUNA,), (ToggleAvailable(target="Reuben", value=False), TUNA)])
def test_an_item_added_by_a_model_waits_for_yes_and_staff_may_not_add(menus, clock, commands):
    service = CommandService(menus, clock=clock)
    service.reader = ReadsAsAddingAnItem(*commands)
    before = menus.snapshot(BLUE_PLATE)
    reply = service.handle(sms("we should start offering something new at lunch for the regulars", message_id="SM-add"))
    assert reply.kind == "confirm" and "Added Tuna Salad to Lunch, $9.99." in reply.text
    assert menus.snapshot(BLUE_PLATE) == before  # nothing until YES
    assert menus.processed_reply("sms", "SM-add") == reply.text
    staff = service.handle(sms("add patty melt 9.99 to lunch", sender=SAM))  # the model reads owners' texts only
    assert staff.kind == "refused" and "only an owner can add menu items" in staff.text
    clock.advance(seconds=5)
    assert service.handle(sms("yes")).kind == "applied"
    assert menus.item(BLUE_PLATE, "Tuna Salad").price_cents == 999
