"""Opening hours: validation, the hours in force on a date, and whether a diner is open at an instant.

Hours are local wall-clock "HH:MM" strings. A close at or before the open (e.g. 18:00-02:00) runs past
midnight into the next day; "00:00" as a close means midnight.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from diner_agent.menu.records import WEEKDAYS, Interval, MenuSnapshot

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class HoursError(ValueError):
    """A time or interval that cannot be stored, with a message fit for the owner."""


def check_hhmm(value: str) -> str:
    if not isinstance(value, str) or not _HHMM.match(value):
        raise HoursError(f"{value!r} is not a time of day (HH:MM, 00:00-23:59)")
    return value


def check_interval(open_: str, close: str) -> Interval:
    check_hhmm(open_)
    check_hhmm(close)
    if open_ == close:
        raise HoursError(f"opening and closing at the same time ({open_}) leaves no hours")
    return (open_, close)


def parse_spec(spec: str) -> tuple[Interval, ...]:
    """Read a tenant-file day spec: "07:00-15:00", "07:00-11:00, 17:00-21:00" or "closed"."""
    text = spec.strip().lower()
    if text in ("closed", ""):
        return ()
    intervals = []
    for part in text.split(","):
        pieces = part.strip().split("-")
        if len(pieces) != 2:
            raise HoursError(f"{spec!r} is not HH:MM-HH:MM (or 'closed')")
        intervals.append(check_interval(pieces[0].strip(), pieces[1].strip()))
    return tuple(sorted(intervals))


def weekday_key(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def hours_on(snapshot: MenuSnapshot, day: date) -> tuple[Interval, ...]:
    """The intervals in force on a local date: that date's special hours, else its weekday's."""
    if day in snapshot.special:
        return snapshot.special[day]
    return snapshot.weekly.get(weekday_key(day), ())


def local_now(snapshot: MenuSnapshot, now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(snapshot.tenant.timezone))


def _spans(day: date, intervals: tuple[Interval, ...], tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    spans = []
    for open_, close in intervals:
        start = datetime.combine(day, time.fromisoformat(open_), tz)
        end_day = day if close > open_ else day + timedelta(days=1)
        end = datetime.combine(end_day, time.fromisoformat(close), tz)
        spans.append((start, end))
    return spans


def scheduled_open(snapshot: MenuSnapshot, now: datetime) -> bool:
    """Open by the hours alone (ignoring emergency closures), including yesterday's past-midnight hours."""
    tz = ZoneInfo(snapshot.tenant.timezone)
    local = now.astimezone(tz)
    for day in (local.date() - timedelta(days=1), local.date()):
        for start, end in _spans(day, hours_on(snapshot, day), tz):
            if start <= local < end:
                return True
    return False


def is_open(snapshot: MenuSnapshot, now: datetime) -> bool:
    return snapshot.closure_at(now) is None and scheduled_open(snapshot, now)


def next_opening(snapshot: MenuSnapshot, after: datetime, *, days: int = 8) -> datetime | None:
    """The first scheduled opening strictly after `after` within `days` days, as an aware local datetime."""
    tz = ZoneInfo(snapshot.tenant.timezone)
    local = after.astimezone(tz)
    for offset in range(days):
        day = local.date() + timedelta(days=offset)
        for start, _end in sorted(_spans(day, hours_on(snapshot, day), tz)):
            if start > local:
                return start
    return None


def closing_after(snapshot: MenuSnapshot, now: datetime) -> datetime:
    """When the diner next closes: the end of the opening it is in, else of today's next one, else the
    end of the local day (a special added while closed lasts the day)."""
    tz = ZoneInfo(snapshot.tenant.timezone)
    local = now.astimezone(tz)
    for day in (local.date() - timedelta(days=1), local.date()):
        for start, end in sorted(_spans(day, hours_on(snapshot, day), tz)):
            if local < end and (start <= local or day == local.date()):
                return end
    return datetime.combine(local.date() + timedelta(days=1), time(0), tz)


# A close before the open runs past midnight ("open til 2am"), but not into a near-24-hour day.
# A late-night diner may run from 5 am to 3 am; a day of 23 hours is an opening misread as the afternoon.
MAX_OVERNIGHT_MINUTES = 22 * 60


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def changed_intervals(
    base: tuple[Interval, ...], open_: str | None, close: str | None, *, day_label: str
) -> tuple[Interval, ...]:
    """New intervals for a day after changing its opening and/or closing time (None = unchanged).

    A day with split hours keeps its middle: the opening time moves the first interval's start, the
    closing time the last interval's end. A closed day needs both times. A close before the open is
    read as past midnight when the day would last at most 22 hours; otherwise it is a mistake to point out.
    """
    if not base:
        if open_ is None or close is None:
            missing = "closing" if close is None else "opening"
            raise HoursError(f"{day_label} is closed now, so I need the {missing} time too (e.g. '{day_label} 7-3').")
        new = ((open_, close),)
    elif len(base) == 1:
        new = ((open_ or base[0][0], close or base[0][1]),)
    else:
        first, *middle, last = base
        new = ((open_ or first[0], first[1]), *middle, (last[0], close or last[1]))
    for a, b in new:
        check_interval(a, b)
        if b < a and _minutes(b) + 24 * 60 - _minutes(a) > MAX_OVERNIGHT_MINUTES:
            raise HoursError(f"{day_label}: closing at {b} would be before opening at {a}.")
    return tuple(new)
