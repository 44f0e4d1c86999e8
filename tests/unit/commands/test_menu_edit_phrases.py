"""The new phrase families read into the contract's actions: specials, new items, renames, removals, and
the menu questions ("what's 86'd?", a day's hours). A fixed Thursday 10:00 in the diner's time zone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from diner_agent.commands.understand import understand
from tests.menus import blue_plate, demo_diner

NY = ZoneInfo("America/New_York")
THU_10AM = datetime(2026, 11, 26, 10, 0, tzinfo=NY)


def read(text, snapshot=None, now=THU_10AM):
    return understand(text, snapshot or blue_plate(), now)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        (
            "today's special: meatloaf sandwich 9.99",
            {"action": "add_special", "target": "Meatloaf Sandwich", "value": {"price": "9.99", "until": None}},
        ),
        (
            "special tonight pot roast dinner 15.99 till 9",
            {
                "action": "add_special",
                "target": "Pot Roast Dinner",
                "value": {"price": "15.99", "until": "2026-11-26T21:00:00-05:00"},
            },
        ),
        (
            "Special: chicken and dumplings $12",
            {"action": "add_special", "target": "Chicken and Dumplings", "value": {"price": "12.00", "until": None}},
        ),
    ],
)
def test_specials_apply_at_once(text, command):
    result = read(text)
    assert [c.contract() for c in result.commands] == [command] and not result.needs_confirmation


@pytest.mark.parametrize(
    ("text", "command"),
    [
        (
            "add patty melt 9.99 to lunch",
            {"action": "add_item", "target": "Patty Melt", "value": {"price": "9.99", "category": "Lunch"}},
        ),
        (
            "add blueberry pancakes 9.25 to the breakfast menu",
            {"action": "add_item", "target": "Blueberry Pancakes", "value": {"price": "9.25", "category": "Breakfast"}},
        ),
        (
            "add clam chowder 6.50",
            {"action": "add_item", "target": "Clam Chowder", "value": {"price": "6.50", "category": None}},
        ),
        ("rename reuben to classic reuben", {"action": "rename_item", "target": "Reuben", "value": "Classic Reuben"}),
        ("take pot roast off the menu for good", {"action": "remove_item", "target": "Pot Roast", "value": None}),
        ("remove the tuna melt from the menu", {"action": "remove_item", "target": "Tuna Melt", "value": None}),
    ],
)
def test_menu_edits_are_always_confirmed_first(text, command):
    result = read(text)
    assert [c.contract() for c in result.commands] == [command]
    assert result.needs_confirmation and "menu_edit" in result.reasons


def test_demo_diners_rename_and_removal_from_the_issue():
    assert [c.contract() for c in read("rename club sandwich to turkey club", demo_diner()).commands] == [
        {"action": "rename_item", "target": "Club Sandwich", "value": "Turkey Club"}
    ]


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("add patty melt 9.99 to brunch", 'Which section for Patty Melt? "brunch" is not one of: Drinks, Breakfast'),
        ("add tuna melt 9.99 to lunch", "Tuna Melt is already on the menu"),
        ("today's special: pot roast 14", "Pot Roast is already on the menu"),
        ("rename reuben to coffee", "Coffee is already on the menu"),
        ("add patty melt 900 to lunch", "above this menu's maximum"),
    ],
)
def test_what_cannot_be_added_is_answered_and_nothing_applied(text, answer):
    result = read(text)
    assert result.commands == () and answer in (result.reply or "")


def test_old_meanings_stay():
    # Not a removal: taking an item off the menu without "for good" is still sold out, and "add $1 to" a price.
    off = read("take the country breakfast off the menu").commands
    assert [(c.action, c.value) for c in off] == [("toggle_available", False)]
    assert read("add a dollar to the coffee").commands[0].contract() == {
        "action": "update_price",
        "target": "Coffee",
        "value": "3.50",
    }


def _sold(snapshot, name, until=None):
    items = tuple(replace(i, available=False, sold_out_until=until) if i.name == name else i for i in snapshot.items)
    return replace(snapshot, items=items)


def test_whats_86d_lists_only_what_is_sold_out_and_until_when():
    menu = _sold(_sold(blue_plate(), "Reuben"), "Pot Roast", datetime(2026, 11, 27, 7, 0, tzinfo=NY))
    for question in ("what's 86'd right now?", "what's sold out?", "anything 86'd"):
        result = read(question, menu)
        assert result.commands == ()
        assert (
            result.reply
            == "86'd now: Reuben (until told), Pot Roast (back tomorrow 7am). Text '<item> is back' to bring one back."
        )
    assert read("what's 86'd?").reply == "Nothing is sold out right now."
    assert len(read("what's 86'd?", menu).reply) <= 160  # one SMS segment, not the whole menu


def test_day_hours_questions_answer_for_that_day_with_special_hours():
    menu = replace(blue_plate(), special={date(2026, 12, 25): (), date(2026, 11, 28): (("08:00", "14:00"),)})
    hint = "To change it, text a command like 'close at 2"
    answers = {
        "what time do we close saturday": (menu, "Sat Nov 28: 8am-2pm (special hours)."),
        "are we open christmas": (menu, "Fri Dec 25: closed (special hours)."),
        "are we open christmas?": (blue_plate(), "Fri Dec 25: 7am-9pm."),
        "when do we open tomorrow?": (blue_plate(), "Tomorrow: 7am-9pm."),
        "what are the hours on sunday?": (blue_plate(), "Sun Nov 29: closed."),
    }
    for question, (snapshot, answer) in answers.items():
        result = read(question, snapshot)
        assert result.commands == () and result.reply.startswith(answer + " " + hint), result.reply


def test_a_question_on_the_day_itself_and_across_midnight():
    friday_late = datetime(2026, 11, 27, 23, 30, tzinfo=NY)
    assert read("are we open today?", now=friday_late).reply.startswith("Today: 7am-9pm.")
    after_midnight = read("are we open today?", now=friday_late + timedelta(hours=1)).reply
    assert after_midnight.startswith("Today: 8am-9pm.")  # Saturday now
