"""One-off dates as owners name them: a weekday beside a day of the month, holidays, "the Nth of month"."""

from __future__ import annotations

import pytest

from tests.unit.hours.reading import closed, hours, read


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wednesday the 21st closed", [closed(["2026-10-21"])]),
        ("we're closed wed the 21st, staff outing", [closed(["2026-10-21"])]),
        ("sat the seventeenth closed", [closed(["2026-10-17"])]),
        ("friday 10/16 closing at 1", [hours(["2026-10-16"], None, "13:00")]),
        ("thu 10/15 we open at 9", [hours(["2026-10-15"], "09:00", None)]),
        ("the twenty second of october we open at eight", [hours(["2026-10-22"], "08:00", None)]),
        ("the 3rd of november close at 1", [hours(["2026-11-03"], None, "13:00")]),
        ("closed halloween", [closed(["2026-10-31"])]),
        ("veterans day we're open 7-2", [hours(["2026-11-11"], "07:00", "14:00")]),
        ("closed thanksgiving", [closed(["2026-11-26"])]),
        ("black friday open at 6", [hours(["2026-11-27"], "06:00", None)]),
        ("the day after thanksgiving we open at 8", [hours(["2026-11-27"], "08:00", None)]),
    ],
)
def test_one_off_dates(text, expected):
    commands, _ = read(text)
    assert commands == expected


def test_a_weekday_beside_a_day_of_the_month_moves_to_the_month_where_they_agree():
    """Said on Tuesday the 13th, "sunday the 15th" is not this Thursday the 15th: the next 15th that is a
    Sunday (November)."""
    commands, _ = read("sunday the 15th we're closed")
    assert commands == [closed(["2026-11-15"])]


def test_a_weekday_after_a_date_is_still_a_day_of_its_own():
    """Not folded into Friday's date; listed beside a date, it is the coming Saturday, not every one."""
    commands, _ = read("fri 10/16 and sat closed")
    assert commands == [closed(["2026-10-16", "2026-10-17"])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("closed the 20th thru the 22nd, family trip", [closed(["2026-10-20", "2026-10-21", "2026-10-22"])]),
        ("closed oct 20 - oct 22", [closed(["2026-10-20", "2026-10-21", "2026-10-22"])]),
        ("closed 10/20 to 10/21", [closed(["2026-10-20", "2026-10-21"])]),
        ("closed the 20th and the 22nd", [closed(["2026-10-20", "2026-10-22"])]),
    ],
)
def test_a_run_of_dates_names_every_day_in_it(text, expected):
    commands, _ = read(text)
    assert commands == expected
