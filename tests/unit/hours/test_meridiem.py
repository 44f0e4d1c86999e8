"""A bare hour read against the day's own hours: the morning, the evening or past midnight, or asked."""

from __future__ import annotations

import pytest

from tests.unit.hours.reading import LATE, LUNCH, hours, read

TODAY = "2026-10-13"  # a Tuesday: 6am-2pm in LUNCH, 5am-11pm in LATE


@pytest.mark.parametrize(
    ("text", "table", "expected"),
    [
        # One date's early close, far nearer the usual close than the evening.
        ("closing at 11:30 today", LUNCH, hours([TODAY], None, "11:30")),
        ("closing early today at 11", LUNCH, hours([TODAY], None, "11:00")),
        ("close at 1 today", LUNCH, hours([TODAY], None, "13:00")),
        ("close at 4 today", LUNCH, hours([TODAY], None, "16:00")),
        # Weekly hours move the close on in the evening.
        ("close at 11 on fridays", LUNCH, hours(["fri"], None, "23:00")),
        # Staying open late goes past today's close, into the night when the day ends late.
        ("we're staying open late tonight till 1", LATE, hours([TODAY], None, "01:00")),
        ("stay open till 2 tonight", LATE, hours([TODAY], None, "02:00")),
        ("open late today till 6", LUNCH, hours([TODAY], None, "18:00")),
        ("closing early tonight at 9", LATE, hours([TODAY], None, "21:00")),
        ("open at 1 today", LUNCH, hours([TODAY], "13:00", None)),
    ],
)
def test_a_bare_hour_is_read_against_the_day(text, table, expected):
    commands, _ = read(text, table)
    assert commands == [expected]


def test_a_close_past_midnight_in_a_late_diner_is_kept():
    """Friday runs 5am-2am: 3 am is an hour later, past midnight (a 22-hour day)."""
    commands, _ = read("friday and saturday open till 3 am", LATE)
    assert commands == [hours(["fri", "sat"], None, "03:00")]


@pytest.mark.parametrize("text", ["close at 1 friday", "close at 2 today", "open at 4:30 on weekdays"])
def test_both_halves_inside_a_late_day_or_near_its_opening_are_asked(text):
    commands, _ = read(text, LATE)
    assert commands == []
