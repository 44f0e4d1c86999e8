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


def test_closed_with_a_bare_weekday_told_as_news_is_asked():
    """ "closed saturday" is this Saturday as often as every Saturday: asked, naming the date."""
    commands, _ = read("closed saturday", LUNCH)
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
