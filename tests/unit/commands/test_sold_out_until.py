"""Sold out until when: the phrase families, the diner's rule for a bare "86 X", and the instants they mean
on the diner's own hours (a fake "now"; a DST change in between)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from diner_agent.commands.understand import understand
from diner_agent.menu.records import MenuSnapshot
from tests.menus import blue_plate

NY = ZoneInfo("America/New_York")
THU_10AM = datetime(2026, 11, 26, 10, 0, tzinfo=NY)  # blue-plate: Mon-Thu 7-3, Fri 7-9, Sat 8-9, Sun closed


def until_of(text: str, snapshot: MenuSnapshot | None = None, now: datetime = THU_10AM):
    result = understand(text, snapshot or blue_plate(), now)
    assert result.commands, result.reply
    [command] = result.commands
    assert command.action == "toggle_available" and command.value is False
    return command.contract()["until"]


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("86 the pot roast till tomorrow", "2026-11-27T07:00:00-05:00"),
        ("86 pot roast for today", "2026-11-27T07:00:00-05:00"),
        ("86 pot roast for the rest of the day", "2026-11-27T07:00:00-05:00"),
        ("we're out of pot roast for tonight", "2026-11-27T07:00:00-05:00"),
        ("pot roast is sold out until tomorrow", "2026-11-27T07:00:00-05:00"),
        ("86 pot roast until monday", "2026-11-30T07:00:00-05:00"),  # Sunday is closed: Monday's opening
        ("86 pot roast till saturday", "2026-11-28T08:00:00-05:00"),
        ("86 pot roast for the week", "2026-11-30T07:00:00-05:00"),
        ("86 pot roast till 5", "2026-11-26T17:00:00-05:00"),
        ("86 pot roast for now", "2026-11-27T07:00:00-05:00"),
        ("86 pot roast", "2026-11-27T07:00:00-05:00"),  # the default rule, next_open
        ("86 pot roast for good", None),
        ("86 pot roast until further notice", None),
    ],
)
def test_phrase_families_say_when_the_item_comes_back(text, until):
    assert until_of(text) == until


def test_the_told_rule_keeps_a_bare_86_off_until_someone_says_it_is_back():
    menu = blue_plate()
    told = replace(menu, tenant=replace(menu.tenant, sold_out_until="told"))
    assert until_of("86 pot roast", told) is None
    assert until_of("86 pot roast for today", told) == "2026-11-27T07:00:00-05:00"  # stated times still count


def test_next_open_is_the_next_opening_after_now_before_and_after_hours():
    early = datetime(2026, 11, 26, 5, 0, tzinfo=NY)  # before Thursday's 7am opening
    assert until_of("86 pot roast", now=early) == "2026-11-26T07:00:00-05:00"
    assert until_of("86 pot roast for today", now=early) == "2026-11-27T07:00:00-05:00"
    late_friday = datetime(2026, 11, 27, 22, 0, tzinfo=NY)  # after Friday's 9pm close
    assert until_of("86 pot roast", now=late_friday) == "2026-11-28T08:00:00-05:00"
    saturday_night = datetime(2026, 11, 28, 20, 30, tzinfo=NY)  # Sunday closed: Monday
    assert until_of("86 pot roast for tonight", now=saturday_night) == "2026-11-30T07:00:00-05:00"


def test_across_the_dst_change_the_opening_keeps_its_wall_clock_time():
    # US clocks fall back on Sunday 2026-11-01; Saturday 8-9, Sunday closed, Monday 7am is at UTC-5.
    saturday = datetime(2026, 10, 31, 12, 0, tzinfo=NY)
    assert saturday.utcoffset() == timedelta(hours=-4)
    until = datetime.fromisoformat(until_of("86 pot roast for today", now=saturday))
    assert until == datetime(2026, 11, 2, 7, 0, tzinfo=NY) and until.utcoffset() == timedelta(hours=-5)


def test_bringing_back_ignores_the_time_words_and_a_question_changes_nothing():
    result = understand("pot roast is back for today", blue_plate(), THU_10AM)
    assert [c.contract() for c in result.commands] == [
        {"action": "toggle_available", "target": "Pot Roast", "value": True}
    ]
    assert understand("is the pot roast 86 for today?", blue_plate(), THU_10AM).commands == ()


def test_an_item_reads_available_again_once_its_time_has_passed():
    menu = blue_plate()
    back = datetime(2026, 11, 27, 7, 0, tzinfo=NY)
    roast = replace(menu.item_named("Pot Roast"), available=False, sold_out_until=back)
    sold = replace(menu, items=tuple(roast if i.name == "Pot Roast" else i for i in menu.items))
    assert sold.as_of(back - timedelta(seconds=1)).item_named("Pot Roast").available is False
    assert sold.as_of(back - timedelta(seconds=1)) is sold  # nothing to copy until something changes
    assert sold.as_of(back).item_named("Pot Roast").available is True
    assert roast.back_at(back - timedelta(seconds=1)) == back and roast.back_at(back) is None
