"""UNDO: the sender's own last batch, within 24 hours, never over someone's later change."""

from __future__ import annotations

from diner_agent.menu.hours import is_open
from tests.sample import BLUE_PLATE, SAM, sms


def test_undo_reverts_the_last_batch_then_the_one_before(service, menus):
    service.handle(sms("86 the tuna melt and reuben"))
    service.handle(sms("coffee 2.75"))
    assert service.handle(sms("undo")).text == "Undone. Coffee: $2.75 -> $2.50."
    assert menus.item(BLUE_PLATE, "Coffee").price_cents == 250
    service.handle(sms("undo"))
    assert menus.item(BLUE_PLATE, "Tuna Melt").available and menus.item(BLUE_PLATE, "Reuben").available
    assert "no change" in service.handle(sms("undo")).text


def test_undo_is_per_person(service, menus):
    service.handle(sms("coffee 2.75"))
    assert "no change" in service.handle(sms("undo", sender=SAM)).text
    assert menus.item(BLUE_PLATE, "Coffee").price_cents == 275


def test_undo_refuses_over_a_later_change_and_changes_nothing(service, menus):
    service.handle(sms("86 the reuben"))
    service.handle(sms("reuben is back", sender=SAM))
    reply = service.handle(sms("undo"))
    assert reply.kind == "invalid" and "changed again" in reply.text
    assert menus.item(BLUE_PLATE, "Reuben").available is True


def test_undo_reaches_back_24_hours_only(service, menus, clock):
    service.handle(sms("coffee 2.75"))
    clock.advance(hours=25)
    assert "no change" in service.handle(sms("undo")).text
    assert menus.item(BLUE_PLATE, "Coffee").price_cents == 275


def test_undo_of_a_one_day_change_brings_the_weekly_hours_back(service, menus):
    service.handle(sms("closing at 2 today"))
    assert "7am-2pm -> 7am-3pm" in service.handle(sms("undo")).text
    assert menus.snapshot(BLUE_PLATE).special == {}


def test_undo_of_a_reopen_closes_the_diner_again(service, menus, clock):
    service.handle(sms("emergency close, burst pipe"))
    service.handle(sms("we're open again"))
    assert is_open(menus.snapshot(BLUE_PLATE), clock.now())
    service.handle(sms("undo"))
    assert not is_open(menus.snapshot(BLUE_PLATE), clock.now())
