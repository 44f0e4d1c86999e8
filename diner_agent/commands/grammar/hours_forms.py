"""Forms of days and times particular to hours clauses: three digits said as h:mm ("530 to 11"), a change
told for later ("starting next week ..."), and a bare weekday told as news ("closed sunday": which one?).
"""

from __future__ import annotations

import re
from datetime import timedelta

from diner_agent.commands.grammar.common import Context, Problem
from diner_agent.commands.when import WEEKDAYS

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
    r"\b(?:starting|beginning|effective|from|as of|after)\s+(?:next|the next|this coming|the first of|the 1st of)\s+"
    r"(?:week|month|year|season|\w+day|[a-z]{3,9})\b"
)

_HOURS_WORD = re.compile(r"\b(?:clos\w*|open\w*|shut\w*|off)\b")
_PLURAL_DAY = re.compile(r"days\b|\b(?:every|each|all|weekly|on)\b")
_FOR_GOOD = re.compile(
    r"\b(?:now|from now on|going forward|anymore|starting|effective|until further|for the (?:winter|summer|season))\b"
)


def weekly_or_once(clause: str, days: list[str], spans: list[tuple[int, int]], ctx: Context) -> Problem | None:
    """ "closed sunday", told as news, is this Sunday as often as every Sunday: asked. A timetable line
    ("sun closed"), a plural ("closed sundays"), "on sunday" or a lasting change ("closed monday from now
    on") is weekly."""
    if len(days) != 1 or len(days[0]) != 3 or len(spans) != 1:
        return None
    start, end = spans[0]
    said = clause[start:end]
    if _PLURAL_DAY.search(said) or _FOR_GOOD.search(clause) or not _HOURS_WORD.search(clause[:start]):
        return None
    coming = ctx.today + timedelta(days=(WEEKDAYS.index(days[0]) - ctx.today.weekday()) % 7)
    name = coming.strftime("%A")
    return Problem(
        f"Every {name}, or only this {name} ({coming.strftime('%b')} {coming.day})? Say 'closed {name.lower()}s' "
        f"or 'closed this {name.lower()}'. Nothing changed.",
        3,
        "ambiguous",
    )
