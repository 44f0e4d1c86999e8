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
