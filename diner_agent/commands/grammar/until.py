"""Instants the owner means by "for today", "till tomorrow", "until monday", "for the week", "till 9":
read against the diner's own hours, in its time zone (so a DST change in between is just another day).

Sold out "for today" comes back at the diner's first opening after today; "until monday" at Monday's
first opening; a bare "86 X" (the `next_open` rule) at the next opening after now. A diner with no
hours in the coming week has no opening to wait for: a day-based phrase then ends at that day's start.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from diner_agent.commands.grammar.common import Context
from diner_agent.commands.when import TIME_RE, WEEKDAYS, WhenError, read_time
from diner_agent.menu.hours import next_opening

_WEEKDAY_WORDS = {
    "mon": "monday|mon",
    "tue": "tuesday|tues|tue",
    "wed": "wednesday|weds|wed",
    "thu": "thursday|thurs|thur|thu",
    "fri": "friday|fri",
    "sat": "saturday|sat",
    "sun": "sunday|sun",
}
_UNTIL = r"(?:until|till|til|untill|thru|through|to)"
_TOLD = re.compile(
    r"\s*\b(?:for good|forever|for ever|permanently|indefinitely|(?:until|till|til) (?:further notice|i say so|"
    r"we say so|(?:i|we) say(?: it's| its)? back|(?:i|we) tell you))$"
)
_TODAY = re.compile(
    r"\s*\b(?:(?:for )?(?:the )?rest of (?:the |today|tonight)(?:day|night)?|for (?:today|tonight|the day|the night)|"
    r"today|tonight|out for the day|" + _UNTIL + r" (?:tomorrow|tmrw|tmr|tomorow|the morning|morning))$"
)
_NEXT = re.compile(r"\s*\b(?:for now|(?:until|till|til) (?:we open|we reopen|next open|opening)(?: again)?)$")
_WEEK = re.compile(r"\s*\b(?:for the (?:rest of the )?(?:week|weekend)|this (?:week|weekend)|all week)$")
_WEEKDAY = re.compile(r"\s*\b" + _UNTIL + r" (?:next )?(?P<wd>" + "|".join(_WEEKDAY_WORDS.values()) + r")s?$")
_CLOCK = re.compile(r"\s*\b(?:until|till|til|untill) (?P<t>" + TIME_RE.pattern + r")$")


def _day_start(day: date, ctx: Context) -> datetime:
    return datetime.combine(day, time(0), ctx.tz)


def first_opening_from(day: date, ctx: Context) -> datetime:
    """The diner's first opening on `day` or later (within a week); that day's start if it has none."""
    found = next_opening(ctx.snapshot, _day_start(day, ctx) - timedelta(microseconds=1))
    return found if found is not None else _day_start(day, ctx)


def next_open(ctx: Context) -> datetime | None:
    """The next opening after now (the `next_open` rule of a bare "86 X"); None with no hours ahead."""
    return next_opening(ctx.snapshot, ctx.now)


def clock_today(ctx: Context, text: str) -> datetime:
    """'9', '9pm', '4:30': the next such time after now, today or else tomorrow. A bare hour is whichever
    of its morning and evening times comes first ("till 11" at 10am is 11am; "till 5" at 10am is 5pm)."""
    t = read_time(text)
    local = ctx.now.astimezone(ctx.tz)
    if t.meridiem or t.explicit:
        hours = [t.as_24h()[0]]
    else:
        hours = [t.hour % 12, t.hour % 12 + 12]
    for day in (local.date(), local.date() + timedelta(days=1)):
        for hour in hours:
            when = datetime.combine(day, time(hour, t.minute), ctx.tz)
            if when > local:
                return when
    raise WhenError(f"{text} is not a time.")  # not reached: tomorrow always comes


class Until:
    """A sold-out end read from the end of a clause: `rest` is the clause without it."""

    __slots__ = ("rest", "at", "told", "next_open")

    def __init__(self, rest: str, at: datetime | None, told: bool = False, next_open: bool = False) -> None:
        self.rest, self.at, self.told, self.next_open = rest, at, told, next_open


def trailing_until(clause: str, ctx: Context) -> Until | None:
    """The time phrase ending `clause`, if any: None when there is none (then the diner's rule applies)."""
    m = _TOLD.search(clause)
    if m:
        return Until(clause[: m.start()], None, told=True)
    m = _TODAY.search(clause)
    if m:
        return Until(clause[: m.start()], first_opening_from(ctx.today + timedelta(days=1), ctx))
    m = _NEXT.search(clause)
    if m:
        return Until(clause[: m.start()], next_open(ctx), next_open=True)
    m = _WEEK.search(clause)
    if m:
        monday = ctx.today + timedelta(days=7 - ctx.today.weekday())
        return Until(clause[: m.start()], first_opening_from(monday, ctx))
    m = _WEEKDAY.search(clause)
    if m:
        key = next(k for k, words in _WEEKDAY_WORDS.items() if m.group("wd") in words.split("|"))
        ahead = (WEEKDAYS.index(key) - ctx.today.weekday()) % 7 or 7
        return Until(clause[: m.start()], first_opening_from(ctx.today + timedelta(days=ahead), ctx))
    m = _CLOCK.search(clause)
    if m:
        try:
            return Until(clause[: m.start()], clock_today(ctx, m.group("t")))
        except WhenError:
            return None
    return None
