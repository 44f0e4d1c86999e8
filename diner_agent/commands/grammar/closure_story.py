"""A closure told as a story, over one sentence or several: the cause, the closing, and when (or whether)
the diner is back: "fridge died we're closing for the day", "kenny cut his hand we're closing now back
at half past two", "shutting down, cooler died. back tmrw at 6", "we gotta close up, no idea when we
reopen", "closing till it's fixed".

The clause grammar reads a closing whose other words are all known; a story has words of its own
around it. Here the text is read for its cues only: a closing said as happening now (not "close at 3",
which changes hours, nor "closed tomorrow", a day's hours), and a return ("back tomorrow at 6", "reopen
tomorrow regular time", "back by 1", "till 4"); a day other than today named outside the return makes it
that day's hours ("tomorrow we're closed all day"); every other word is the story, so it must not hold a
change of its own (a menu word beside a sold-out, back or price cue), a hedge ("thinking about closing",
"might"), a question or a past closing ("last time we closed..."). The story is the reason.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, time, timedelta

from diner_agent.commands.grammar.assembly import GrammarResult
from diner_agent.commands.grammar.common import Context, names_menu_word
from diner_agent.commands.grammar.marks import conditional, negated, wish
from diner_agent.commands.grammar.until import clock_today, first_opening_from
from diner_agent.commands.model import ChangeHours, CloseEmergency, Command, EmergencyValue, HoursValue
from diner_agent.commands.when import TIME, WhenError, find_days, opening, read_time

# A closing verb, and what may follow it: "the closing shift", "closed out her tab" are no closing.
_CLOSING = re.compile(
    r"\b(?:(?:gotta|got to|have to|need to|going to|gonna|we'?re|we are|we'?ll|will|must|to|'re)\s+(?:stay\s+)?)?"
    r"(?:(?:clos(?:e|ing)|shut(?:ting)?|lock(?:ing)?)(?:\s+(?:it|us|the place|the diner|the doors|everything|"
    r"the kitchen|the restaurant|the shop))?\s+(?:up|down)\b"  # "close us down", "shutting it down": said whole
    r"|(?:clos(?:e|ing|ed)|shut(?:ting)?)(?:\s+(?:the place|the diner|the doors|the kitchen|the restaurant|the shop))?"
    r"(?=\s*(?:$|[,.;:!(-]|now\b|right\b|immediately\b|asap\b|for\b|till\b|til\b|until\b|'til\b|today\b|"
    r"tonight\b|back\b|again\b|reopen|we\b|i\b|so\b|and\b|because\b|cause\b|cuz\b|bc\b|since\b|due\b|"
    r"no\b|sorry\b|stay\b|everyone\b|guys\b|folks\b|the rest\b|rest\b|the whole\b|all day\b)))"
)
# Said as happening now: a closing verb after "gotta"/"we're", or with now, for the day, until ...
_NOW = re.compile(
    r"\b(?:now|right now|immediately|asap|right away|for now|for the (?:rest of the )?day|"
    r"rest of (?:the )?(?:day|today)|for today|today|the whole day|all day|gotta|got to|have to|need to|must|"
    r"till|til|until|for (?:about |around |like )?(?:an?|one|two|three|\d+|a couple(?: of)?|a few) "
    r"(?:hours?|hrs?|minutes?|mins?)|"
    r"shut(?:ting)? down|close (?:up|down|us down|the place)|closing (?:up|down))\b"
)
# An hours change, not a closure: a closing time, or closing early or late.
_HOURS_FORM = re.compile(
    r"\bclos\w*\s+(?:today\s+|tonight\s+)?(?:at|@|by|around)\s*\d|\b(?:early|earlier|late|later)\b|"
    r"\b(?:open|opening)\s+at\s*\d"
)
# "we shouldn't have to close", "we don't have to close" (a negation "have" exempts elsewhere: sold out).
_NOT_CLOSING = re.compile(
    r"\b(?:shouldn'?t|won'?t|don'?t|doesn'?t|didn'?t|not|never|no need to)\b(?:\s+\w+){0,3}\s+clos"
)
_HEDGE = re.compile(
    r"\b(?:thinking|considering|planning|probably|possibly|almost|should we|can we|could we|do we|are we|"
    r"yesterday|last (?:night|week|time|year|month)|that time|in case|what if)\b|\?"
)
_RETURN = re.compile(
    r"\b(?:(?:we'?ll|we will|will|should|hopefully|prob(?:ably)?|hope to)\s+)?(?:be\s+)?"
    r"(?:back(?:\s+open)?|re-?open(?:ing)?|open(?:ing)?\s+(?:back\s+up|again|up)|open(?=\s+(?:tomorrow|tmrw)))"
    r"(?:\s+(?P<day>tomorrow|tmrw|tmr))?(?:\s+(?:at|by|around|@|like))*"
    r"(?:\s*(?P<time>" + TIME.format(p="r_") + r")(?!\s*(?:hours?|hrs?|minutes?|mins?))(?:\s*(?:am|pm))?)?"
    r"(?:\s+(?:morning|(?:our |the )?(?:regular|normal|usual) (?:time|hours)))?"
)
_TILL = re.compile(
    r"\b(?:till|til|until|'til)\s+(?:like\s+|about\s+|around\s+)?(?P<time>" + TIME.format(p="t_") + r")\b"
)
_OPEN_ENDED = re.compile(
    r"\b(?:no idea when|idk when|not sure when|don'?t know when|dunno when|will update|until further notice|"
    r"(?:till|til|until) (?:it'?s|they|we|he|she|the|further))\b"
)
# A change of an item's own beside the closing ("we're out of pie", "the soup is back").
_ITEM_CHANGE = re.compile(
    r"\b(?:sold out|out of|ran out|run out|no more|all out|gone|none left|back on|is back|are back|'s back|"
    r"available|restocked|price|bucks|dollars|cents)\b"
)
_PRICE = re.compile(r"\$\d|\b\d+\.\d{2}\b|\b86")
_MAX_WORDS = 45


def closure_story(text: str, ctx: Context) -> CloseEmergency | None:
    """The closure a story tells, or None when the text is not one (see the module docstring)."""
    if len(text.split()) > _MAX_WORDS or _HEDGE.search(text) or _HOURS_FORM.search(text):
        return None
    if negated(text) or conditional(text) or wish(text) or _NOT_CLOSING.search(text):
        return None
    closing = _CLOSING.search(text)
    if closing is None or not (_NOW.search(closing.group(0)) or _NOW.search(text, closing.end())):
        return None
    back = _RETURN.search(text, closing.end()) or _RETURN.search(text)
    rest = text if back is None else text[: back.start()] + " " + text[back.end() :]
    till = _TILL.search(rest)
    if till is not None:
        rest = rest[: till.start()] + " " + rest[till.end() :]
    try:
        days, _ = find_days(rest, ctx.today)
    except WhenError:
        return None
    if any(day != ctx.today.isoformat() for day in days):
        return None  # "tomorrow we're closed all day": that day's hours
    if holds_item_change(rest, ctx):
        return None  # "closing now, 86 the pie": another change beside the closing
    try:
        until = _until(back, till, text, ctx)
    except WhenError:
        return None
    reason = _reason(text[: closing.start()])
    return CloseEmergency(value=EmergencyValue(until=until, reason=reason))


def told_as_a_story(result: GrammarResult, text: str, ctx: Context) -> GrammarResult:
    """The grammar's result, or the closure the whole text tells when the result did not read it whole."""
    if (not result.commands or result.incomplete) and (story := closure_story(text, ctx)) is not None:
        return GrammarResult(commands=(story,))
    if len(result.commands) == 2:
        return replace(result, commands=with_return(result.commands, ctx))
    return result


def with_return(commands: tuple[Command, ...], ctx: Context) -> tuple[Command, ...]:
    """A closure today and, beside it, tomorrow's opening time ("we're shut for today ... open tmrw 6") is
    one closure until then: the opening is when it ends, not a change of tomorrow's hours."""
    closures = [c for c in commands if isinstance(c, CloseEmergency)]
    tomorrow = (ctx.today + timedelta(days=1)).isoformat()
    opens = [
        c
        for c in commands
        if isinstance(c, ChangeHours)
        and c.target == [tomorrow]
        and isinstance(c.value, HoursValue)
        and c.value.open
        and c.value.close is None
    ]
    if len(closures) != 1 or len(opens) != 1 or len(commands) != 2:
        return commands
    closure, opening_ = closures[0], opens[0]
    ends = closure.value.until
    if ends is not None and ends.astimezone(ctx.tz).date() > ctx.today + timedelta(days=1):
        return commands
    hour, minute = map(int, opening_.value.open.split(":"))
    until = datetime.combine(ctx.today + timedelta(days=1), time(hour, minute), ctx.tz)
    return (CloseEmergency(value=EmergencyValue(until=until, reason=closure.value.reason)),)


def holds_item_change(text: str, ctx: Context) -> bool:
    """Whether `text` may change an item: an 86 or a price, or a menu word beside a sold-out or back cue."""
    return bool(_PRICE.search(text) or (_ITEM_CHANGE.search(text) and names_menu_word(ctx.resolver, text)))


def _until(back: re.Match[str] | None, till: re.Match[str] | None, text: str, ctx: Context) -> datetime | None:
    if _OPEN_ENDED.search(text) and (back is None or not (back.group("day") or back.group("time"))):
        return None
    if till is not None:
        return clock_today(ctx, till.group("time"))
    if back is None or not (back.group("day") or back.group("time")):
        return None
    token = back.group("time")
    if back.group("day"):
        tomorrow = ctx.today + timedelta(days=1)
        if not token:
            return first_opening_from(tomorrow, ctx)  # "back tomorrow", "reopen tomorrow regular time"
        hour, minute = opening(read_time(token))
        return datetime.combine(tomorrow, time(hour, minute), ctx.tz)
    return clock_today(ctx, token)


_LEAD = re.compile(r"^(?:(?:ok|okay|so|um|uh|yeah|hi|hey|bad news|sorry|guys|all|everyone)\b[\s,.!-]*)+")


def _reason(head: str) -> str | None:
    words = _LEAD.sub("", head.strip(" ,.!-:;()")).strip(" ,.!-:;()")
    words = re.sub(r"\s*\b(?:and|so|we'?re|we are|we|i|i'm|but)$", "", words).strip(" ,.!-:;()")
    return words[:120] or None
