"""Weekly hours against one-off days: which a weekday name means."""

from __future__ import annotations

import pytest

from tests.unit.hours.reading import LUNCH, closed, hours, read


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sat closed", [closed(["sat"])]),
        ("closed saturdays", [closed(["sat"])]),
        ("we're closed on saturday", [closed(["sat"])]),
        ("closed monday from now on", [closed(["mon"])]),
        ("closed this saturday", [closed(["2026-10-17"])]),
        ("saturday we close at 4 still but open at 8 now", [hours(["sat"], "08:00", "16:00")]),
    ],
)
def test_weekly_or_one_date(text, expected):
    commands, _ = read(text, LUNCH)
    assert commands == expected


@pytest.mark.parametrize("text", ["closed saturday", "saturday we're closed", "saturday we're closed, storm coming"])
def test_closed_with_a_bare_weekday_told_as_news_is_asked(text):
    """ "closed saturday" is this Saturday as often as every Saturday: asked, naming the date."""
    commands, _ = read(text, LUNCH)
    assert commands == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("saturday hours are now seven to two", [hours(["sat"], "07:00", "14:00")]),
        ("open eight to two on sundays", [hours(["sun"], "08:00", "14:00")]),
        ("mon thru thu six a m to nine p m", [hours(["mon", "tue", "wed", "thu"], "06:00", "21:00")]),
    ],
)
def test_spoken_ranges(text, expected):
    commands, _ = read(text, LUNCH)
    assert commands == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("open saturday 8-1 this week only", [hours(["2026-10-17"], "08:00", "13:00")]),
        ("closed this weekend", [closed(["2026-10-17", "2026-10-18"])]),
        ("close at 3 on thursday for the health inspection", [hours(["2026-10-15"], None, "15:00")]),
        ("starting this week we're closed mondays", [closed(["mon"])]),
    ],
)
def test_one_week_only_or_an_events_day_is_that_date(text, expected):
    commands, _ = read(text, LUNCH)
    assert commands == expected


# Tuesday 2026-10-13: the coming Saturday is the 17th, the coming Thursday the 15th.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sat close 6pm", [hours(["2026-10-17"], None, "18:00")]),
        ("thursday open 7 close 2", [hours(["2026-10-15"], "07:00", "14:00")]),
        ("we'll open at 7:30 sunday", [hours(["2026-10-18"], "07:30", None)]),
        # Lasting, plural, several days, "on", a range, a timetable line, or today's own weekday: weekly.
        ("sat close 6pm from now on", [hours(["sat"], None, "18:00")]),
        ("saturdays close at 6pm", [hours(["sat"], None, "18:00")]),
        ("fri & sat open till 9", [hours(["fri", "sat"], None, "21:00")]),
        ("open 8-2 on sunday", [hours(["sun"], "08:00", "14:00")]),
        ("mon-thu close at 3", [hours(["mon", "tue", "wed", "thu"], None, "15:00")]),
        ("saturday hours 8-2", [hours(["sat"], "08:00", "14:00")]),
        ("tues open at 7", [hours(["tue"], "07:00", None)]),
    ],
)
def test_a_time_change_for_one_weekday_named_once_is_the_coming_day(text, expected):
    commands, _ = read(text, LUNCH)
    assert commands == expected


def test_a_lasting_word_keeps_a_change_told_with_a_reason_weekly():
    commands, _ = read("mon-fri we open at 5am now for the construction guys", LUNCH)
    assert commands == [hours(["mon", "tue", "wed", "thu", "fri"], "05:00", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("open at 6:30 tomorrow and close at 9", [hours(["2026-10-14"], "06:30", "21:00")]),
        ("open at 7 saturday, close at 2", [hours(["2026-10-17"], "07:00", "14:00")]),
        # The day after the break is that clause's own: today closes at 1, tomorrow opens at 8.
        ("close at 1, tomorrow we open at 8", [hours(["2026-10-13"], None, "13:00"), hours(["2026-10-14"], "08:00")]),
    ],
)
def test_one_day_named_before_the_break_holds_for_both_times(text, expected):
    commands, _ = read(text, LUNCH)
    assert commands == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("closed tmrw and saturday, kitchen reno", [closed(["2026-10-14", "2026-10-17"])]),
        ("open 7-2 tomorrow and saturday", [hours(["2026-10-14", "2026-10-17"], "07:00", "14:00")]),
        ("closed tomorrow and every saturday", [closed(["2026-10-14", "sat"])]),
    ],
)
def test_a_weekday_listed_beside_a_date_is_the_coming_one(text, expected):
    commands, _ = read(text, LUNCH)
    assert commands == expected
