"""An hours change with its reason after it: the reason is set aside unless it could change something."""

from __future__ import annotations

import pytest

from tests.unit.hours.reading import LUNCH, closed, hours, read


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we'll be closed wed the 21st for the bowling league", [closed(["2026-10-21"])]),
        ("this saturday we're closed for the family picnic", [closed(["2026-10-17"])]),
        ("open late tomorrow til 9 for the pot roast dinner", [hours(["2026-10-14"], None, "21:00")]),
        ("the 16th we close at 6 pm company party", [hours(["2026-10-16"], None, "18:00")]),
        ("thursday 10/15 we open at 9 (parade on main street)", [hours(["2026-10-15"], "09:00", None)]),
    ],
)
def test_a_reason_after_an_hours_change_is_set_aside(text, expected):
    commands, asked = read(text, LUNCH)
    assert commands == expected
    assert not asked


@pytest.mark.parametrize(
    "text",
    [
        "possibly closed the 21st, will let you know",
        "thinking we close at 2 on mondays, what do you think",
        "the counter stays open till 3 for coffee",
        "open 7-3 on funday",  # a misspelled day attached to the change is no reason to set aside
        "closing till noon to restock",  # a closure until noon, never today's close moved to noon
    ],
)
def test_no_hours_change_from_a_tail_that_changes_the_meaning(text):
    commands, _ = read(text, LUNCH)
    assert not [c for c in commands if c["action"] == "change_hours"]


def test_a_meal_after_closed_is_no_reason():
    """ "closed tomorrow for lunch" is a break at lunch, not the whole day closed."""
    commands, _ = read("closed tomorrow for lunch", LUNCH)
    assert commands != [closed(["2026-10-14"])]


@pytest.mark.parametrize(
    "text", ["closed wednesdays starting next month", "starting next week we open at 7 am monday thru friday"]
)
def test_a_change_told_for_later_is_asked(text):
    """The hours change now; a change meant from next week is offered, never applied without a YES."""
    commands, asked = read(text, LUNCH)
    assert commands and asked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("new hours monday to thursday 530 to 11", hours(["mon", "tue", "wed", "thu"], "05:30", "23:00")),
        ("close @ 230 today", hours(["2026-10-13"], None, "14:30")),
        ("close at 1330 today", hours(["2026-10-13"], None, "13:30")),
    ],
)
def test_times_said_as_digits_only(text, expected):
    commands, _ = read(text, LUNCH)
    assert commands == [expected]
