"""Which half of the day a bare hour means ("close at 11:30", "open at 4:30"), read against the day's own
hours rather than one fixed rule.

A bare closing hour defaults to the afternoon or evening and a bare opening hour 1-4 to the afternoon
(when.py); that is right for most diners and wrong at the edges, where the other half is the only one
that makes sense for that day:
- a close: "closing at 11:30 today" in a 6am-2pm diner is 11:30 am (one date's early close; 11:30 pm
  would stretch the day far more than 11:30 am shortens it). With "late", "stay open", "keep it open"
  the close moves past today's close ("stay open till 1" in a diner that closes at 11 pm is 1 am); with
  "early" it comes before it; "tonight" means the evening or the night after it. Where both halves fall
  inside the day and one of them is past midnight (a day to 2 am: "close at 1"), the owner is asked.
- an opening: a bare 1-4 within `NEAR` of the day's usual opening may well be the early morning ("open
  at 4:30" in a diner that opens at 5): asked, never read as the afternoon.
A day with no hours, or target days that disagree, keep the default reading.
"""

from __future__ import annotations

import re
from datetime import date

from diner_agent.commands.grammar.common import Context, Problem
from diner_agent.commands.model import ChangeHours, HoursValue
from diner_agent.commands.replies import day_label
from diner_agent.commands.when import ClockTime, hhmm
from diner_agent.menu.hours import hours_on

NEAR = 150  # an early-morning opening this close to the usual one is the morning
DAY = 24 * 60

_LATE = re.compile(r"\b(?:late|later|stay(?:ing|s)? open|keep(?:ing)? (?:it |us |the doors )?open|extend\w*|extra)\b")
_EARLY = re.compile(r"\b(?:early|earlier)\b")
_NIGHT = re.compile(r"\b(?:tonight|tonite|night|this evening)\b")
_MORNING = re.compile(r"\bthis morning\b")


def _minutes(value: str) -> int:
    return int(value[:2]) * 60 + int(value[3:])


def _day_span(key: str, ctx: Context, new_open: str | None) -> tuple[int, int, int] | None:
    """The day's opening (the new one, if the change gives it), closing (past midnight, it runs on) and
    usual opening, in minutes from its midnight."""
    base = ctx.snapshot.weekly.get(key, ()) if len(key) == 3 else hours_on(ctx.snapshot, date.fromisoformat(key))
    if not base:
        return None
    opens = _minutes(new_open) if new_open else _minutes(base[0][0])
    closes = _minutes(base[-1][1])
    if closes <= _minutes(base[0][0]):
        closes += DAY
    return opens, closes, _minutes(base[0][0])


def _close_choice(t: ClockTime, opens: int, closes: int, clause: str, dated: bool) -> int | str | None:
    """Minutes from the day's midnight for a bare closing hour, "ask", or None (keep the default)."""
    am = (t.hour % 12) * 60 + t.minute
    wrapped = am <= opens
    am += DAY if wrapped else 0
    pm = (t.hour % 12 + 12) * 60 + t.minute
    if _MORNING.search(clause):
        return am if not wrapped else None
    if _LATE.search(clause):
        after = [x for x in (am, pm) if x >= closes]  # (the usual close itself: no later one is meant)
        return min(after) if after else None
    if _NIGHT.search(clause):
        evening = [x for x in (am, pm) if x >= 17 * 60]
        return min(evening, key=lambda x: abs(x - closes)) if evening else None
    inside = [x for x in (am, pm) if opens < x <= closes]
    if _EARLY.search(clause):
        before = [x for x in (am, pm) if opens < x < closes]
        return max(before) if before else None
    if len(inside) == 2:
        return "ask" if wrapped else pm
    if inside == [am] and not wrapped and dated:
        # An early close on one date, far nearer the usual close than the evening: "closing at 11:30
        # today" in a 6-2 diner. Weekly hours keep the evening ("close at 11 fridays" moves the close on).
        return am if pm - closes > 2 * (closes - am) else None
    if inside == [pm] and wrapped and closes >= 22 * 60 and am - closes <= 3 * 60:
        return "ask"  # a day to 11 pm: "close at 2" is 2 pm or, as near the usual close, 2 am
    return None


def _open_choice(t: ClockTime, opens: int) -> str | None:
    am = (t.hour % 12) * 60 + t.minute
    if 1 <= t.hour <= 4 and abs(am - opens) <= NEAR:
        return "ask"  # "open at 4:30" in a diner that opens at 5: the small hours more likely than 4:30 pm
    return None


def settle(cmd: ChangeHours, times: dict[str, ClockTime], clause: str, ctx: Context) -> ChangeHours | Problem:
    """`cmd` with its bare hours read against the days it changes (see the module docstring)."""
    value = cmd.value
    if not isinstance(value, HoursValue):
        return cmd
    late_twelve = times.get("close")
    if late_twelve and late_twelve.hour == 12 and not (late_twelve.meridiem or late_twelve.explicit):
        if _NIGHT.search(clause) and not _MORNING.search(clause):  # "close at 12 tonight": midnight, not noon
            value = HoursValue(open=value.open, close=hhmm((0, late_twelve.minute)))
            cmd = ChangeHours(target=cmd.target, value=value)
    bare = {role: t for role, t in times.items() if not (t.meridiem or t.explicit) and 1 <= t.hour <= 11}
    if not bare:
        return cmd
    chosen: dict[str, set[int | str | None]] = {role: set() for role in bare}
    for key in cmd.target:
        span = _day_span(key, ctx, value.open)
        if span is None:
            for role in bare:
                chosen[role].add(None)
            continue
        if "close" in bare:
            chosen["close"].add(_close_choice(bare["close"], span[0], span[1], clause, len(key) == 10))
        if "open" in bare:
            chosen["open"].add(_open_choice(bare["open"], span[2]))
    new = {"open": value.open, "close": value.close}
    for role, choices in chosen.items():
        if "ask" in choices:
            t = bare[role]
            label = day_label(cmd.target[0], ctx.today)
            verb = "Close" if role == "close" else "Open"
            word = "close" if role == "close" else "open"
            at = f"{t.hour}:{t.minute:02d}" if t.minute else str(t.hour)
            return Problem(
                f"{verb} at {at} pm or {at} am ({label})? Say '{word} at {at}pm' or '{at}am'. Nothing changed.",
                3,
                "ambiguous",
            )
        if len(choices) == 1 and (choice := next(iter(choices))) is not None:
            assert isinstance(choice, int)
            new[role] = hhmm(((choice // 60) % 24, choice % 60))
    if new == {"open": value.open, "close": value.close}:
        return cmd
    return ChangeHours(target=cmd.target, value=HoursValue(open=new["open"], close=new["close"]))
