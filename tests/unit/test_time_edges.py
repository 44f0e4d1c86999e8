"""Time edges, on the injected clock only: DST gaps and folds in every diner timezone the tests use, a diner
whose "today" is not UTC's today, and month and year boundaries of the dashboard's date ranges."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from diner_agent.commands.understand import understand
from diner_agent.menu.hours import is_open, next_opening
from diner_agent.web.admin import report_range
from diner_agent.web.menu_document import public_menu
from tests.menus import blue_plate

# The zones of every diner in the tests' tenant files, and one without DST.
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Asia/Tokyo")
# The 2027 US transitions: clocks jump 02:00 -> 03:00 on Mar 14 and fall back 02:00 -> 01:00 on Nov 7.
SPRING_FORWARD, FALL_BACK = date(2027, 3, 14), date(2027, 11, 7)


def diner_in(zone: str, hours: dict[str, tuple[tuple[str, str], ...]] | None = None):
    snapshot = blue_plate()
    every_day = {day: (("06:00", "15:00"),) for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    return replace(snapshot, tenant=replace(snapshot.tenant, timezone=zone), weekly=hours or every_day)


def local(zone: str, day: date, hh: int, mm: int = 0, fold: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=ZoneInfo(zone), fold=fold)


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("day", [SPRING_FORWARD, FALL_BACK])
def test_opening_hours_hold_on_both_dst_mornings(zone, day):
    diner = diner_in(zone)
    assert not is_open(diner, local(zone, day, 5, 59).astimezone(UTC))
    assert is_open(diner, local(zone, day, 6, 0).astimezone(UTC))
    assert is_open(diner, local(zone, day, 14, 59).astimezone(UTC))
    assert not is_open(diner, local(zone, day, 15, 0).astimezone(UTC))
    opening = next_opening(diner, local(zone, day, 1, 0).astimezone(UTC))
    assert (opening.date(), opening.hour, opening.minute) == (day, 6, 0)


@pytest.mark.parametrize("zone", ZONES)
def test_an_overnight_diner_across_the_spring_gap_and_the_autumn_fold(zone):
    """Open 22:00 - 03:00: the night of the jump has an hour less, the night of the fold an hour more,
    and every instant of both nights is open (02:30 does not exist on Mar 14 in US zones)."""
    diner = diner_in(zone, {day: (("22:00", "03:00"),) for day in ("sat", "sun")})
    for night in (SPRING_FORWARD - timedelta(days=1), FALL_BACK - timedelta(days=1)):
        start = local(zone, night, 22, 0).astimezone(UTC)
        end = local(zone, night + timedelta(days=1), 3, 0).astimezone(UTC)
        moment = start
        while moment < end:
            assert is_open(diner, moment), moment.astimezone(ZoneInfo(zone))
            moment += timedelta(minutes=10)
        assert not is_open(diner, end + timedelta(minutes=1))
        hours_open = (end - start) / timedelta(hours=1)
        if zone == "Asia/Tokyo":
            assert hours_open == 5
        else:
            assert hours_open == (4 if night + timedelta(days=1) == SPRING_FORWARD else 6)


@pytest.mark.parametrize("zone", ZONES)
def test_the_second_one_thirty_of_the_fold_is_still_the_same_day(zone):
    diner = diner_in(zone, {"sun": (("01:00", "02:00"),)})
    first = local(zone, FALL_BACK, 1, 30, fold=0).astimezone(UTC)
    second = local(zone, FALL_BACK, 1, 30, fold=1).astimezone(UTC)
    assert is_open(diner, first) and is_open(diner, second)
    assert public_menu(diner, second)["open_now"] is True


def test_tokyo_at_half_past_midnight_is_already_tomorrow_in_utc_terms():
    """00:30 on Wed 2 Dec in Tokyo is 15:30 on Tue 1 Dec in UTC: "today" is the diner's date."""
    zone = "Asia/Tokyo"
    diner = diner_in(zone, {"wed": (("00:00", "14:00"),), "tue": (("06:00", "15:00"),)})
    now = local(zone, date(2026, 12, 2), 0, 30).astimezone(UTC)
    assert now.date() == date(2026, 12, 1)
    assert is_open(diner, now)  # Wednesday's hours, not Tuesday's
    meaning = understand("closing at 2 today", diner, now)
    assert [c.contract() for c in meaning.commands] == [
        {"action": "change_hours", "target": ["2026-12-02"], "value": {"open": None, "close": "14:00"}}
    ]
    document = public_menu(replace(diner, special={date(2026, 12, 1): ()}), now)
    assert document["special_hours"] == {}  # Tuesday the 1st is yesterday in Tokyo: no longer shown


@pytest.mark.parametrize(
    ("today", "args", "expected"),
    [
        (date(2027, 1, 1), {}, (date(2027, 1, 1), date(2027, 1, 1))),
        (date(2027, 1, 1), {"from": "2026-12-31", "to": "2027-01-01"}, (date(2026, 12, 31), date(2027, 1, 1))),
        (date(2028, 3, 1), {"from": "2028-02-28", "to": "2028-03-01"}, (date(2028, 2, 28), date(2028, 3, 1))),
        (date(2026, 12, 1), {"date": "2026-11-30"}, (date(2026, 11, 30), date(2026, 11, 30))),
    ],
)
def test_dashboard_ranges_across_month_year_and_leap_day_boundaries(today, args, expected):
    assert report_range(args, today) == expected
