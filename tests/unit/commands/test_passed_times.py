"""Times of day already gone when the text arrives are asked about, never silently moved to tomorrow or
applied as "now"; durations run in real time, also across the 2027 US DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from diner_agent.commands.understand import understand
from tests.menus import demo_diner
from tests.sample import DEMO, DEMO_DANA, sms

NY = ZoneInfo("America/New_York")
FRIDAY = datetime(2026, 11, 27, tzinfo=NY).date()  # demo diner: Fri 06:30-21:00, Sat 07:00-21:00


def at(hour: int, minute: int = 0, second: int = 0, day=FRIDAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=NY).astimezone(UTC)


def read(text: str, now: datetime):
    return understand(text, demo_diner(), now)


def until(meaning) -> datetime:
    [command] = meaning.commands
    return command.value.until


def test_until_5pm_said_just_after_5pm_asks_about_tomorrow():
    meaning = read("close until 5pm", at(17, 0, 30))
    assert meaning.needs_confirmation and "tomorrow" in meaning.reasons
    assert until(meaning) == datetime(2026, 11, 28, 17, 0, tzinfo=NY)


def test_till_5_said_just_after_5pm_asks_rather_than_meaning_5am_tomorrow():
    meaning = read("closed till 5", at(17, 0, 30))
    assert meaning.needs_confirmation and "tomorrow" in meaning.reasons
    assert until(meaning) == datetime(2026, 11, 28, 5, 0, tzinfo=NY)


def test_until_5pm_said_before_5pm_applies_for_today():
    meaning = read("close until 5pm", at(16, 10))
    assert not meaning.needs_confirmation
    assert until(meaning) == datetime(2026, 11, 27, 17, 0, tzinfo=NY)


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("close for 2 hours", at(23, 0), datetime(2026, 11, 28, 1, 0, tzinfo=NY)),  # a duration, not a time
        ("closed for 12 hours", at(23, 0), datetime(2026, 11, 28, 11, 0, tzinfo=NY)),
        ("closed till 5", at(16, 0), datetime(2026, 11, 27, 17, 0, tzinfo=NY)),  # later today
        ("closed until tomorrow 5pm", at(17, 0, 30), datetime(2026, 11, 28, 17, 0, tzinfo=NY)),  # said so
        ("closed until 1am", at(23, 0), datetime(2026, 11, 28, 1, 0, tzinfo=NY)),  # 1am today is long gone
    ],
    ids=["duration", "long duration", "later today", "day named", "time long past"],
)
def test_a_closure_that_plainly_ends_tomorrow_is_not_asked_about(text, now, expected):
    meaning = read(text, now)
    assert not meaning.needs_confirmation, meaning.reasons
    assert until(meaning) == expected


def test_closing_at_2_said_in_the_evening_offers_tomorrow():
    meaning = read("closing at 2", at(20, 30))
    assert meaning.needs_confirmation and "tomorrow" in meaning.reasons
    [command] = meaning.commands
    assert command.contract()["target"] == ["2026-11-28"]  # Saturday, not a close "now" on Friday
    assert command.contract()["value"] == {"open": None, "close": "14:00"}


def test_closing_at_2_today_said_in_the_evening_is_asked_about_as_written():
    meaning = read("closing at 2 today", at(20, 30))
    assert meaning.needs_confirmation and "past" in meaning.reasons
    [command] = meaning.commands
    assert command.contract()["target"] == ["2026-11-27"]


def test_closing_at_2_said_in_the_morning_applies_for_today():
    meaning = read("closing at 2", at(10, 0))
    assert not meaning.needs_confirmation
    assert meaning.commands[0].contract()["target"] == ["2026-11-27"]


def test_the_service_asks_and_yes_sets_tomorrows_hours(service, menus, clock):
    clock.set(at(20, 30))
    ask = service.handle(sms("closing at 2", sender=DEMO_DANA, tenant=DEMO))
    assert ask.kind == "confirm" and ask.text.startswith("Did you mean tomorrow?") and "YES" in ask.text
    assert menus.snapshot(DEMO).special == {}
    done = service.handle(sms("yes", sender=DEMO_DANA, tenant=DEMO))
    assert done.kind == "applied" and done.text.startswith("Done.")
    saturday = FRIDAY + timedelta(days=1)
    assert menus.snapshot(DEMO).special == {saturday: (("07:00", "14:00"),)}


def test_the_service_asks_before_closing_until_tomorrow_5pm(service, menus, clock):
    clock.set(at(17, 0, 30))
    ask = service.handle(sms("close until 5pm", sender=DEMO_DANA, tenant=DEMO))
    assert ask.kind == "confirm"
    assert (
        ask.text == "Did you mean tomorrow? Close Demo Diner until tomorrow 5pm? Reply YES to confirm or NO to cancel."
    )
    assert menus.snapshot(DEMO).closure_at(clock.now()) is None
    service.handle(sms("yes", sender=DEMO_DANA, tenant=DEMO))
    closure = menus.snapshot(DEMO).closure_at(clock.now())
    assert closure is not None and closure.until == datetime(2026, 11, 28, 17, 0, tzinfo=NY)


# 2027's US DST changes: clocks jump 02:00 -> 03:00 on March 14 and fall back 02:00 -> 01:00 on November 7.
@pytest.mark.parametrize(
    ("now", "expected_local"),
    [
        (datetime(2027, 3, 14, 6, 30, tzinfo=UTC), "2027-03-14T04:30:00-04:00"),  # 1:30 EST + 2h = 4:30 EDT
        (datetime(2027, 11, 7, 5, 30, tzinfo=UTC), "2027-11-07T02:30:00-05:00"),  # 1:30 EDT + 2h = 2:30 EST
        (datetime(2027, 11, 7, 6, 30, tzinfo=UTC), "2027-11-07T03:30:00-05:00"),  # 1:30 EST (again) + 2h
    ],
    ids=["spring forward", "fall back, first 1:30", "fall back, second 1:30"],
)
def test_close_for_2_hours_lasts_two_real_hours_across_dst(service, menus, clock, now, expected_local):
    clock.set(now)
    reply = service.handle(sms("close for 2 hours", sender=DEMO_DANA, tenant=DEMO))
    assert reply.kind == "applied"
    closure = menus.snapshot(DEMO).closure_at(now)
    assert closure is not None
    assert closure.until - now == timedelta(hours=2)
    assert closure.until.astimezone(NY).isoformat() == expected_local
    assert menus.snapshot(DEMO).closure_at(now + timedelta(hours=1, minutes=59)) is not None
    assert menus.snapshot(DEMO).closure_at(now + timedelta(hours=2)) is None
