"""Forms of days and times particular to hours clauses: three digits said as h:mm ("530 to 11"), a change
told for later ("starting next week ..."), and a bare weekday told as news ("closed sunday": which one?).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from diner_agent.commands.grammar.common import Context, Problem
from diner_agent.commands.model import ChangeHours
from diner_agent.commands.when import MONTH_RE, WEEKDAYS

THREE_DIGITS = re.compile(r"(?<![\d$.,:])([1-9])([0-5]\d)(?![\d.,:%$])")
_TIME_BEFORE = re.compile(r"(?:\bat|@|\bfrom|\bto|\btill|\btil|\buntil|-)\s*$")
_TIME_AFTER = re.compile(r"^\s*(?:-|to\b|till\b|til\b|until\b|thru\b|am\b|pm\b|a\b|p\b)")


def said_as_hmm(m: re.Match[str]) -> str:
    """ "530 to 11", "close @ 230": three digits beside a time word are h:mm; elsewhere left alone."""
    text = m.string
    if _TIME_BEFORE.search(text[: m.start()]) or _TIME_AFTER.match(text[m.end() :]):
        return f"{m.group(1)}:{m.group(2)}"
    return m.group(0)


LATER = re.compile(
    r"\b(?:starting|beginning|effective|from|as of|after)\s+(?:(?:next|the next|this coming|the first of|the 1st of)\s+"
    r"(?:week|month|year|season|\w+day|[a-z]{3,9})\b|(?:"
    + MONTH_RE
    + r")\s+\d{1,2}(?:st|nd|rd|th)?\b|\d{1,2}/\d{1,2}\b)"
)
# A weekly change said to start now: the words only say when, and it is now.
STARTING_NOW = re.compile(
    r"\b(?:starting|beginning|effective|as of)\s+(?:this (?:weekend|week|month)|today|now)\b"
    r"|\bfrom this (?:week|month)\b"
)
# "this weekend: sat 7-2, sun 8-2": the weekend names the dates of the weekdays beside it (asked, since the
# clauses after it may not say so again).
WEEKEND_SCOPE = re.compile(
    r"\bthis (?:coming )?weekend\b(?=.*\b(?:sat|sun)[a-z]*\b)|\b(?:sat|sun)[a-z]*\b.*\bthis weekend\b"
)
# Said of one week only: a weekday in it is that date ("sun 7-1 this week only").
ONE_OFF = re.compile(r"\b(?:this week only|only this week|just this week|this week|this time only|just this once)\b")
_SINGULAR_DAY = re.compile(r"\b(?:every|each|all)\b|days\b")


def to_coming_dates(cmd: ChangeHours, clause: str, today: date) -> ChangeHours:
    """`cmd` with its weekdays as the coming dates, when the clause names them in the singular: a change
    told with an event's reason ("close at 3 on wednesday for inventory") or for this week only is
    that day's, not every week's. A plural or "every" keeps them weekly."""
    if _SINGULAR_DAY.search(clause) or _FOR_GOOD.search(clause) or not any(len(key) == 3 for key in cmd.target):
        return cmd  # "mon-fri we open at 5am now for the construction guys": lasting, whatever the reason
    coming = [
        (today + timedelta(days=(WEEKDAYS.index(key) - today.weekday()) % 7)).isoformat() if len(key) == 3 else key
        for key in cmd.target
    ]
    return ChangeHours(target=list(dict.fromkeys(coming)), value=cmd.value)


_HOURS_WORD = re.compile(r"\b(?:clos\w*|open\w*|shut\w*|off)\b")
_PLURAL_DAY = re.compile(r"days\b|\b(?:every|each|all|weekly|on)\b")
_FOR_GOOD = re.compile(
    r"\b(?:now|from now on|from here on|on out|going forward|anymore|starting|effective|until further|permanent\w*"
    r"|every week|for the (?:winter|summer|season|rest of))\b"
)
# Words that make a clause a timetable or a standing schedule, not news of one day.
_SCHEDULE = re.compile(r"\b(?:hours|hrs|schedule|regular|usual|normally|weekly|winter|summer)\b|->|\u2192")
_TIME_VERB = re.compile(r"\b(?:clos\w*|open\w*|shut\w*)\b")  # not "stays": "sat 7-3 stays the same"
_PLURAL_SAID = re.compile(r"days\b|\b(?:mon|fri|sat|sun)s\b")
_DAY_RANGE = re.compile(r"-|\u2013|\b(?:thru|through|to|till|til)\b")


def told_of_one_week(clause: str, days: list[str], spans: list[tuple[int, int]], today: date) -> bool:
    """ "sat close 6pm", "thursday we open at 7", "we'll stay open til 3 on sunday": a time change told of one
    weekday named once, with nothing saying it lasts, is news of the coming one (measured: twelve writers of
    held-out corpora read it so, and a one-day change that should have been weekly costs less than a week's
    hours changed for one day). Several days ("fri & sat open till 9"), a plural ("saturdays"), "every", a range
    of days ("mon-thu"), "on sunday", a timetable line ("sat 7-3", "sunday hours 8-1") or a lasting word
    ("from now on", "for the winter") keeps it weekly."""
    if len(days) != 1 or len(days[0]) != 3 or len(spans) != 1 or WEEKDAYS.index(days[0]) == today.weekday():
        return False  # today's own weekday, named instead of "today", is said of the week's schedule
    start, end = spans[0]
    if _PLURAL_SAID.search(clause[start:end]) or _DAY_RANGE.search(clause[start:end]):
        return False
    if re.search(r"\bon\s*$", clause[:start]) or re.match(r"on\b", clause[start:end]):
        return False  # "open 8-2 on sunday": said of Sundays (the contract's own sample)
    if _SINGULAR_DAY.search(clause) or re.search(r"\bweekends\b", clause):
        return False
    return not _FOR_GOOD.search(clause) and not _SCHEDULE.search(clause) and _TIME_VERB.search(clause) is not None


# "sun closed", "sunday: closed", "sun - closed": a timetable line; "sunday we're closed" is news.
_TIMETABLE_GAP = re.compile(r"\s*[:\-\u2013=]*\s*(?:is\s+|are\s+)?(?:clos\w*|shut\w*|off)\b")


def weekly_or_once(clause: str, days: list[str], spans: list[tuple[int, int]], ctx: Context) -> Problem | None:
    """ "closed sunday", told as news, is this Sunday as often as every Sunday: asked. A timetable line
    ("sun closed", "sunday: closed"; but "sunday we're closed" is news), a plural ("closed sundays"),
    "on sunday" or a lasting change ("closed monday from now on") is weekly."""
    if len(days) != 1 or len(days[0]) != 3 or len(spans) != 1:
        return None
    start, end = spans[0]
    said = clause[start:end]
    timetable = not _HOURS_WORD.search(clause[:start]) and _TIMETABLE_GAP.match(clause[end:])
    if _PLURAL_DAY.search(said) or _FOR_GOOD.search(clause) or timetable:
        return None
    coming = ctx.today + timedelta(days=(WEEKDAYS.index(days[0]) - ctx.today.weekday()) % 7)
    name = coming.strftime("%A")
    return Problem(
        f"Every {name}, or only this {name} ({coming.strftime('%b')} {coming.day})? Say 'closed {name.lower()}s' "
        f"or 'closed this {name.lower()}'. Nothing changed.",
        3,
        "ambiguous",
    )


# "closing 2 to 4 for a staff meeting": a range after "close" is a break in the day, not the day's hours.
_BREAK = re.compile(r"\bclos(?:e|ing)\s+(?:from\s+|between\s+)?\d{1,2}(?::\d\d)?\s*(?:[ap]m\s*)?(?:-|to|till|and)\s*\d")
NO_BREAKS = (
    "I can't set a break in the day; send the day's opening and closing times (e.g. 'sun 8-2'). Nothing changed."
)


def a_break(clause: str, kinds: set[str]) -> bool:
    """Two times told as when the diner is closed ("closed 2-4", "closing 2 to 4"): a break, which hours
    (one opening and one closing a day here) cannot hold."""
    return "closed" in kinds or _BREAK.search(clause) is not None
