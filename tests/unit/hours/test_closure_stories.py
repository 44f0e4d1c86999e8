"""Closures told as stories: the cause, the closing, and when the diner is back (or that nobody knows)."""

from __future__ import annotations

import pytest

from tests.unit.hours.reading import LUNCH, read

TODAY, TOMORROW = "2026-10-13", "2026-10-14"  # Tuesday; Wednesday opens at 6


def _closure(commands: list[dict]) -> dict | None:
    return commands[0]["value"] if len(commands) == 1 and commands[0]["action"] == "close_emergency" else None


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("freezer quit on us we're closing now", None),
        ("dishwasher flooded the floor we gotta close up back at 3", f"{TODAY}T15:00:00-04:00"),
        ("closing now, no power. back tomorrow at 7", f"{TOMORROW}T07:00:00-04:00"),
        ("shutting down, the hood fan died. back tmrw 6", f"{TOMORROW}T06:00:00-04:00"),
        ("we have to close, grill caught fire. no idea when we reopen", None),
        ("lost power so we're closing till it comes back", None),
        ("the cook quit we're closing now reopen tomorrow regular time", f"{TOMORROW}T06:00:00-04:00"),
        ("close us down the sewer backed up", None),
        ("ok boss says close up now back at half past two", f"{TODAY}T14:30:00-04:00"),
    ],
)
def test_a_closure_story_closes_until_the_return_it_names(text, until):
    commands, asked = read(text, LUNCH)
    found = _closure(commands)
    assert found is not None, commands
    assert found["until"] == until
    assert not asked


@pytest.mark.parametrize(
    "text",
    [
        "last time the fridge died we closed for the day",
        "thinking about closing early today",
        "should we close now?",
        "if the snow gets worse we're closing",
        "we're not closing today",
        "i wish we could close right now",
        "the closing shift is short today",
        "we closed the deal on the new freezer",
        "our waitress closed out her tab",
        "closing now, 86 the meatloaf",  # a change of its own (an item not on this menu): never dropped
    ],
)
def test_no_closure_where_the_story_holds_none(text):
    commands, _ = read(text, LUNCH)
    assert _closure(commands) is None


def test_a_closure_story_with_another_day_is_that_days_hours():
    commands, _ = read("tomorrow we're closed all day for inventory", LUNCH)
    assert commands == [{"action": "change_hours", "target": [TOMORROW], "value": "closed"}]


def test_a_closure_and_tomorrows_opening_are_one_closure_until_then():
    commands, _ = read("we're shut for today, both cooks called out. open tomorrow 7", LUNCH)
    assert len(commands) == 1 and commands[0]["value"]["until"] == f"{TOMORROW}T07:00:00-04:00"


@pytest.mark.parametrize(
    "text", ["we shouldn't have to close for the storm tonight", "tonight we're shutting down at 9"]
)
def test_no_closure_from_a_negated_closing_or_a_closing_time(text):
    commands, _ = read(text, LUNCH)
    assert _closure(commands) is None


@pytest.mark.parametrize(
    "text",
    ["the inspector signed off, open us up", "ok water's back on, lets open the doors", "we're good again, open it up"],
)
def test_a_reopening_told_as_a_story(text):
    commands, _ = read(text, LUNCH)
    assert commands == [{"action": "reopen", "target": None, "value": None}]


@pytest.mark.parametrize("text", ["lets open the doors tomorrow", "if the water's back on lets open the doors"])
def test_no_reopening_for_later_or_on_a_condition(text):
    commands, _ = read(text, LUNCH)
    assert {"action": "reopen", "target": None, "value": None} not in commands


@pytest.mark.parametrize(
    "text", ["end the emergency closure we're good", "lift the closure", "closure's over, come on in"]
)
def test_ending_the_closure_itself_reopens(text):
    commands, _ = read(text)
    assert [c["action"] for c in commands] == ["reopen"]


def test_ending_the_closure_later_is_not_a_reopening_now():
    commands, _ = read("we'll lift the closure tomorrow at 7")
    assert [c["action"] for c in commands] != ["reopen"]


@pytest.mark.parametrize(
    "text",
    [
        "somebody left the walk in door open again",
        "last winter we had to close for a whole week when the pass shut down",
        "the time we closed at noon for the blizzard was rough",
    ],
)
def test_a_thing_left_open_or_a_memory_is_no_closing_or_reopening(text):
    commands, _ = read(text)
    assert commands == []


@pytest.mark.parametrize(
    "text", ["no closing today after all", "no snow closing today, we're staying open", "no early close today"]
)
def test_a_closing_said_not_to_happen_changes_nothing(text):
    commands, _ = read(text)
    assert commands == []
