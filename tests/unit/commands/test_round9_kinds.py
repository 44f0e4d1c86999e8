"""Kinds of phrasing found in the r9 held-out corpora (docs/reader.md "Round 9"): each test states the kind
with sentences of our own, not the corpora's."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from diner_agent.commands.understand import understand
from diner_agent.menu.records import MenuItem
from tests.menus import blue_plate

NY = ZoneInfo("America/New_York")
THURSDAY_10AM = datetime(2026, 11, 26, 10, 0, tzinfo=NY)  # blue plate: Thursday 07:00-15:00


def _menu_with(*names: str):
    snapshot = blue_plate()
    start = len(snapshot.items)
    extra = tuple(
        MenuItem(
            id=100 + n, name=name, category="Lunch", price_cents=1100, available=True, aliases=(), position=start + n
        )
        for n, name in enumerate(names)
    )
    return replace(snapshot, items=snapshot.items + extra)


def _read(text: str, snapshot=None, now: datetime = THURSDAY_10AM):
    result = understand(text, snapshot or blue_plate(), now)
    return [(c.action, c.target, c.value) for c in result.commands], result.needs_confirmation


@pytest.mark.parametrize("text", ["we're back open", "open again, all good", "ok open back up", "we can open again"])
def test_a_dish_named_open_does_not_swallow_the_diner_reopening(text):
    menu = _menu_with("Open-Faced Turkey", "Open Steak Sandwich")
    assert _read(text, menu) == ([("reopen", None, None)], False)


def test_the_dish_named_open_is_still_read_when_its_other_words_are_said():
    menu = _menu_with("Open-Faced Turkey")
    assert _read("open faced turkey is back", menu) == ([("toggle_available", "Open-Faced Turkey", True)], False)


@pytest.mark.parametrize("text", ["we'll be back open at 1", "reopening at 12:30", "open back up at 1pm"])
def test_back_open_later_today_while_open_is_a_closure_until_then(text):
    commands, asked = _read(text)
    assert len(commands) == 1 and commands[0][0] == "close_emergency" and not asked
    until = commands[0][2].until.astimezone(NY)
    assert until.date() == THURSDAY_10AM.date() and until.hour in (12, 13)


def test_back_open_before_the_day_has_opened_is_a_later_opening():
    early = datetime(2026, 11, 26, 6, 0, tzinfo=NY)  # before the 7am opening
    commands, _ = _read("reopening at 9", now=early)
    assert [c[0] for c in commands] == ["change_hours"]


def test_back_open_after_today_closes_is_not_a_closure_until_then():
    commands, _ = _read("back open at 8")  # 8 pm is past today's 3 pm close, 8 am is gone
    assert all(c[0] != "close_emergency" for c in commands)


@pytest.mark.parametrize(
    ("text", "close"),
    [("close at 12 tonight", "00:00"), ("stay open till 12:30 tonight", "00:30"), ("close at 12", "12:00")],
)
def test_twelve_at_night_is_midnight(text, close):
    commands, _ = _read(text)
    assert commands[0][0] == "change_hours" and commands[0][2].close == close


def _hours(commands):
    return {tuple(c[1]): (c[2] if c[2] == "closed" else (c[2].open, c[2].close)) for c in commands}


@pytest.mark.parametrize(
    "text",
    ["weekend hours: sat 8am-2pm, sun 9am-1pm", "sat and sun 8-2, sun 9-1", "sun 9-1, saturday and sunday 8-2"],
)
def test_the_change_naming_fewer_days_wins_the_days_both_name(text):
    commands, _ = _read(text)
    assert _hours(commands) == {("sat",): ("08:00", "14:00"), ("sun",): ("09:00", "13:00")}


def test_a_partial_change_does_not_take_days_from_a_whole_one():
    commands, _ = _read("every day 7-3, saturday close at 1")
    assert len(commands) == 2 and len(commands[0][1]) == 7 and commands[1][2].open is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("close the diner until 1 the inspector wants a look", "the inspector wants a look"),
        ("shut it down till noon the grill is smoking", "the grill is smoking"),
    ],
)
def test_words_after_a_closure_end_time_are_its_reason(text, reason):
    commands, asked = _read(text)
    assert [c[0] for c in commands] == ["close_emergency"] and not asked
    assert commands[0][2].reason == reason and commands[0][2].until is not None


def test_a_dish_after_a_closure_end_time_is_no_reason():
    commands, _ = _read("close until 1 the reuben is burnt")
    assert all(c[2].reason is None or "reuben" not in c[2].reason for c in commands if c[0] == "close_emergency")


@pytest.mark.parametrize(
    "text",
    [
        "86 the tuna melt. hang on, Sam found another case. never mind",
        "reuben 13.50, oh wait the boss is here, scratch that",
    ],
)
def test_a_retraction_ending_the_text_withdraws_the_command_past_the_story(text):
    assert _read(text)[0] == []


def test_a_retraction_ending_the_text_keeps_the_commands_before_the_withdrawn_one():
    commands, _ = _read("coffee 3.10, 86 the tuna melt. hang on, Sam found another case. nvm")
    assert commands == [("update_price", "Coffee", "3.10")]


@pytest.mark.parametrize("text", ["closed christmas week", "closed thanksgiving weekend"])
def test_a_holiday_week_is_not_the_holiday(text):
    commands, _ = _read(text)
    assert all(c[0] != "change_hours" or len(c[1]) != 1 for c in commands)
