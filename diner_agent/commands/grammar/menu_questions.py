"""Questions answered from the menu in one short text: "what's 86'd?" lists only what is sold out (and
until when), and "what time do we close saturday?" / "are we open christmas?" answer for that day, its
special hours and a closure included. Asked before the grammar reads commands, because "what's 86'd"
would otherwise be the whole menu over several SMS segments and "are we open christmas" an hours change
missing its times."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from diner_agent.commands.questions import is_question
from diner_agent.commands.replies import day_label, fit, intervals_text, moment
from diner_agent.commands.when import WEEKDAYS, find_days
from diner_agent.menu.hours import hours_on
from diner_agent.menu.records import MenuSnapshot

_SOLD_OUT = re.compile(
    r"^(?:so\s+|ok\s+|hey\s+)?(?:what'?s|whats|what is|what are|what|anything|is anything|are any|any|which items?|"
    r"which|list|show me|show)\s+(?:items?\s+|things?\s+|stuff\s+)?(?:is\s+|are\s+|we\s+|been\s+)*"
    r"(?:86'?d|86ed|86|eighty ?six(?:ed|'d)?|sold out|out|unavailable|off(?: the menu)?|gone|out of stock)"
    r"(?:\s+(?:of|on the menu|right now|now|today|tonight|at the moment|atm|currently|so far|still))*[\s?!.]*$"
)
_HOURS_WORDS = re.compile(r"\b(?:open|opens|opening|close|closes|closing|closed|hours)\b")


def answer_question(text: str, snapshot: MenuSnapshot, now: datetime) -> str | None:
    """The answer to a sold-out or day-hours question, or None when the text is neither."""
    lowered = " ".join(text.lower().replace("\u2019", "'").split())
    if _SOLD_OUT.match(lowered):  # opens with a question word of its own ("anything 86'd")
        return sold_out_now(snapshot, now)
    if is_question(text) and _HOURS_WORDS.search(lowered):
        local = now.astimezone(ZoneInfo(snapshot.tenant.timezone))
        keys, _spans = find_days(lowered, local.date())
        if len(keys) == 1:
            return day_hours(snapshot, now, _date_of(keys[0], local.date()))
    return None


def sold_out_now(snapshot: MenuSnapshot, now: datetime) -> str:
    local = now.astimezone(ZoneInfo(snapshot.tenant.timezone))
    out = [item for item in snapshot.as_of(now).items if not item.available_at(now)]
    if not out:
        return "Nothing is sold out right now."
    parts = []
    for item in out:
        back = item.back_at(now)
        parts.append(f"{item.name} (back {moment(back, local)})" if back else f"{item.name} (until told)")
    return fit(f"86'd now: {', '.join(parts)}. Text '<item> is back' to bring one back.")


def _date_of(key: str, today: date) -> date:
    if key in WEEKDAYS:
        return today + timedelta(days=(WEEKDAYS.index(key) - today.weekday()) % 7)
    return date.fromisoformat(key)


def day_hours(snapshot: MenuSnapshot, now: datetime, day: date) -> str:
    local = now.astimezone(ZoneInfo(snapshot.tenant.timezone))
    label = day_label(day.isoformat(), local.date())
    intervals = hours_on(snapshot, day)
    special = " (special hours)" if day in snapshot.special else ""
    text = f"{label[:1].upper()}{label[1:]}: {intervals_text(intervals)}{special}."
    closure = snapshot.closure_at(now)
    if closure is not None:
        until = f" until {moment(closure.until, local)}" if closure.until else " until further notice"
        reason = f" ({closure.reason})" if closure.reason else ""
        text = f"{text} Note: closed now{reason}{until}."
    return fit(f"{text} To change it, text a command like 'close at 2 {label.lower()}'.")
