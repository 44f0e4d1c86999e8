"""Emergency closures ("emergency close, burst pipe", "close the diner until 4pm", "shut it down, no water")
and reopening ("we're open again")."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from diner_agent.commands.grammar.common import Context, Outcome, Problem, Reading, names_menu_word
from diner_agent.commands.grammar.marks import lone_aside
from diner_agent.commands.model import CloseEmergency, EmergencyValue, Reopen
from diner_agent.commands.when import DAY_ATOM, TIME, WEEKDAYS, WhenError, find_days, opening, read_time
from diner_agent.menu.hours import hours_on, next_opening

_CLOSE_VERB = (
    r"emergency closure|emergency close|emergency closing|emergency|close down|closing down|shut down|"
    r"shutting down|shut it down|shutting it down|shut everything down|shut us down|shut the doors|"
    r"shutting the doors|close the doors|closing the doors|lock up|locking up|lock the doors|close up|closing up|"
    r"closing|closed|close|shut|shutting|pause|pausing"
)
_NOW = r"now|right now|immediately|asap|right away|effective immediately|for now|at once"
_OBJECT = (
    r"the diner|the restaurant|the shop|the store|the place|the kitchen|the grill|everything|it|us|down|up|shop|doors"
)
_FILLER = frozenset(
    """
    we we're were we'll well i i'm im are is be will have to need to gotta got must 'll our the and so
    sorry guys folks all everyone team ok okay unfortunately sadly heads up fyi please pls just
    need have going gonna to for say afraid really sadly unfortunately will be i'm im sorry very
    """.split()
)
_SEPARATOR = re.compile(
    r"\s*(?:[,;(]|(?<!\d):|:(?!\d)|\s-+\s*|-+\s|\.\s|[!?]+\s*|"
    r"\bbecause(?: of)?\b|\bdue to\b|\bbc\b|\bb/c\b|\bcuz\b|\bcause\b|\bsince\b|\bwith\b)\s*"
)
_UNTIL = re.compile(
    r"\b(?:until|till|til|'til|thru|through|unt|(?:back|reopen(?:ing)?|open(?:ing)? again|open back up)"
    r"(?=\s+(?:tomorrow|tmrw|tonight|on\s|mon|tue|wed|thu|fri|sat|sun|next)))\s+(?:on\s+)?"
    r"(?:(?P<notice>further notice|further|notice)|(?:at\s+)?(?P<time>"
    + TIME.format(p="u_")
    + r")(?:\s+(?P<tday>"
    + DAY_ATOM.replace("(?P<", "(?P<t_")
    + r"))?|(?P<day>"
    + DAY_ATOM.replace("(?P<", "(?P<d_")
    + r")(?:\s+(?:morning|am))?(?:\s+(?:at\s+|@\s*)?(?P<dtime>"
    + TIME.format(p="d2_")
    + r"))?)"
    r"|\b(?:back|reopen(?:ing)?|open(?:ing)? again|open back up)\s+(?:at|by|around|in)\s+(?:(?P<btime>"
    + TIME.format(p="b_")
    + r")|(?P<bdur>an?|one|two|three|\d+|a couple(?: of)?|half an?)\s+(?P<bunit>hours?|hrs?|minutes?|mins?))"
    r"|\bfor\s+(?P<dur>an?|one|two|three|\d+|a couple(?: of)?|half an?)\s+(?P<unit>hours?|hrs?|minutes?|mins?)"
    r"|\b(?P<eod>for (?:the )?(?:rest of the )?(?:day|night|today|tonight)|rest of the day|today|tonight|the day)\b"
)
_VERB_RE = re.compile(rf"\b(?:{_CLOSE_VERB})\b")
_NOW_RE = re.compile(rf"\b(?:{_NOW})\b")
_NOW_OBJECT_RE = re.compile(rf"\b(?:{_NOW}|{_OBJECT})\b")
_SHUT_DOWN_RE = re.compile(r"\bshut(?:ting)? (?:it |everything |us )?down\b")
_WORDS_RE = re.compile(r"[a-z0-9']+")
_EARLY_LATE_RE = re.compile(r"\b(?:early|late)\b")
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "a couple": 2,
    "a couple of": 2,
    "half a": 0.5,
    "half an": 0.5,
}
_NOT_CLOSING = re.compile(r"\b(?:shouldn'?t|won'?t|don'?t|doesn'?t|didn'?t|not|never|no need to|no reason to)\b")
_TIME_AT = re.compile(r"\b(?:at|@|by)\s+\d")
_ANOTHER_CHANGE = re.compile(r"\b(?:sold out|out of|back on|is back|are back|\$?\d+\.\d\d)(?!\w)")
_86 = re.compile(r"\b86(?:'?d|ed)?\b")


# A closure's end told as the news ("emergency over", "all clear", "back open"): never read as closing.
_ENDED = re.compile(
    r"\b(?:emergency(?:'s| is)? over|(?<!all )over(?! the| there| here)|all clear|good to go|back open|open again|"
    r"open back up|re-?opened|we'?re open|up and running|back in business)\b"
    r"(?!\s+(?:at|by|in|around|tomorrow|on|after|until|till)\b)"
)


def emergency(clause: str, ctx: Context) -> Outcome:
    verb = _VERB_RE.search(clause)
    if verb is None or _ENDED.search(clause) or _NOT_CLOSING.search(clause[: verb.start()]):
        return None  # "we shouldn't have to close for the storm": no closing at all
    strong = "emergency" in clause or bool(_SHUT_DOWN_RE.search(clause))
    parts = _SEPARATOR.split(clause, maxsplit=1)
    head, reason = parts[0], (parts[1] if len(parts) > 1 else "")
    if verb.start() >= len(head):  # "burst pipe - closing now": the verb is after the separator
        head, reason = reason, head
        if _VERB_RE.search(head) is None:
            return None
    reason = _without_asides(reason)  # "closed today, hi": a greeting is no reason to close
    if reason and (_86.search(reason) or _ANOTHER_CHANGE.search(reason) and names_menu_word(ctx.resolver, reason)):
        return None  # "closing now, 86 the pie": a change of its own, not the reason
    ends = [*_UNTIL.finditer(head), *_UNTIL.finditer(reason)]
    # "shutting down for the night, back tmrw 6am": a reopening time beats "for the night".
    until_match = next((m for m in ends if not m.group("eod")), ends[0] if ends else None)
    in_head = until_match is not None and until_match.string is head
    if until_match and until_match.string is reason:
        reason = (reason[: until_match.start()] + " " + reason[until_match.end() :]).strip(" ,.-")
    elif in_head and len(ends) == 1 and until_match.group("time") and _reason_after(head, until_match.end()):
        # "close the diner until noon the inspector wants to look around": the words after the end time,
        # with no separator, are the reason (when they hold no number, day or change of their own).
        tail = head[until_match.end() :].strip()
        if names_menu_word(ctx.resolver, tail) or _days_in(tail, ctx):
            return None
        head, reason = head[: until_match.end()], ", ".join(filter(None, [tail, reason]))
    if _TIME_AT.search(head) and (not until_match or until_match.group("eod")):
        return None  # "close at 3 today", "tonight we're shutting down at nine": an hours change
    rest = head
    if until_match and in_head:
        rest = head[: until_match.start()] + " " + head[until_match.end() :]
    rest = _VERB_RE.sub(" ", _UNTIL.sub(lambda m: " " if m.group("eod") else m.group(0), rest))
    now_marker = _NOW_RE.search(rest) is not None
    rest = _NOW_OBJECT_RE.sub(" ", rest)
    leftover = [w for w in _WORDS_RE.findall(rest) if w not in _FILLER]
    if leftover:
        if not strong:
            return None
        reason = " ".join(filter(None, [" ".join(leftover), reason]))
    try:
        days, _ = find_days(clause, ctx.today)
    except WhenError:
        days = []
    eod = bool(until_match and until_match.group("eod"))
    if not (strong or now_marker or reason or (until_match and not eod)):
        if days or eod or _EARLY_LATE_RE.search(clause):
            return None  # "closed today" / "closed tomorrow": hours; "closing early": needs a time
        if verb.group(0) not in ("closed", "closing", "close", "shut", "close up", "closing up", "lock up"):
            return None
    if days and not until_match and not (strong or now_marker):
        return None
    try:
        until = _until(until_match, ctx) if until_match else None
    except WhenError as exc:
        return Problem(f"{exc} Nothing changed.", 3)
    reason = _clean_reason(reason)
    return Reading((CloseEmergency(value=EmergencyValue(until=until, reason=reason)),))


_TAIL_REASON = re.compile(r"\s+(?![a-z']*(?:day|night|morning)\b)[a-z][a-z' ]{5,}")


def _reason_after(head: str, end: int) -> bool:
    return _TAIL_REASON.fullmatch(head[end:]) is not None


def _days_in(text: str, ctx: Context) -> list[str]:
    try:
        return find_days(text, ctx.today)[0]
    except WhenError:
        return []


def _without_asides(reason: str) -> str:
    if not reason:
        return reason
    return ", ".join(p for p in re.split(r"\s*[,.!]\s*", reason) if p and not lone_aside(p))


def _clean_reason(reason: str) -> str | None:
    reason = re.sub(
        r"^(?:because(?: of)?|due to|bc|b/c|cuz|cause|since|of|with|we have|there's|theres|there is)\s+",
        "",
        reason.strip(" ,.-:;()!"),
    )
    reason = _without_asides(reason).strip(" ,.-:;()!")[:120]
    return reason or None


def _until(m: re.Match[str], ctx: Context) -> datetime | None:
    if m.group("notice"):
        return None
    if m.group("eod"):
        return datetime.combine(ctx.today + timedelta(days=1), time(0, 0), ctx.tz)
    duration, unit = m.group("dur") or m.group("bdur"), m.group("unit") or m.group("bunit")
    if duration:
        amount = float(_NUMBERS.get(duration, 0) or duration)
        minutes = amount * (60 if unit.startswith("h") else 1)
        # In real time: "for 2 hours" at 1:30 am on a DST morning still ends two hours later (4:30 or 2:30).
        return (ctx.now + timedelta(minutes=minutes)).astimezone(ctx.tz).replace(second=0, microsecond=0)
    token = m.group("time") or m.group("btime")
    if token:
        t = read_time(token)
        day = ctx.today
        if m.group("tday"):
            keys, _ = find_days(m.group("tday"), ctx.today)
            if keys and len(keys[0]) == 10:
                day = datetime.fromisoformat(keys[0]).date()
        candidates = [t.as_24h()] if (t.meridiem or t.explicit) else [t.as_24h(), ((t.hour + 12) % 24, t.minute)]
        for offset in range(0, 8):
            moments = sorted(
                datetime.combine(day + timedelta(days=offset), time(h, mi), ctx.tz) for h, mi in candidates
            )
            for moment in moments:
                if moment.timestamp() > ctx.now.timestamp():  # in real time, also in a repeated DST hour
                    return moment
        return None
    keys, _ = find_days(m.group("day"), ctx.today)
    if not keys:
        return None
    key = keys[0]
    if len(key) == 3:
        delta = (WEEKDAYS.index(key) - ctx.today.weekday()) % 7 or 7
        day = ctx.today + timedelta(days=delta)
    else:
        day = datetime.fromisoformat(key).date()
    if m.group("dtime"):
        hour, minute = opening(read_time(m.group("dtime")))
        return datetime.combine(day, time(hour, minute), ctx.tz)
    midnight = datetime.combine(day, time(0, 0), ctx.tz)
    first_open = next_opening(ctx.snapshot, midnight - timedelta(seconds=1), days=1)
    return first_open if first_open is not None else midnight


_REOPEN = re.compile(
    r"^(?:(?:ok|okay|all clear|good news|update|fyi|we(?:'re|re| are)|were|everyone|folks|guys|and|"
    r"[a-z]+(?:'s| is| are)? (?:back on|back|fixed|restored|working again|working|on|sorted|done|cleaned up|over|"
    r"repaired))\s*[,!.-]*\s*)*"
    r"(?:(?:back\s+)?open(?:ed)?\s+again|re-?open(?:ed|ing)?(?:\s+(?:now|the diner|up|the doors|for business))?|"
    r"back\s+open|open\s+back\s+up|opening\s+back\s+up|back\s+(?:up\s+)?(?:and|n)\s+running|up\s+and\s+running(?:\s+again)?|"
    r"back\s+in\s+business|open\s+for\s+business(?:\s+again)?|emergency(?:'s|\s+is)?\s+over|"
    r"(?:end|cancel|lift|clear|stop)\s+(?:the\s+)?(?:emergency(?:\s+clos(?:ure|ing))?|closure|emergency close)|"
    r"all\s+clear|back(?:\s+up)?|open\s+now|now\s+open|open|doors\s+(?:are\s+)?open(?:\s+again)?|"
    r"back\s+to\s+normal|business\s+as\s+usual|un-?close|end\s+closure)"
    r"(?:\s*[,!.-]*\s*(?:again|now|everyone|folks|guys|y'?all|all clear|for business|come on in|"
    r"we(?:'re|re| are)\s+open(?:\s+again)?))*$"
)


def reopen(clause: str, ctx: Context) -> Outcome:
    later = _reopen_later_today(clause, ctx)
    if later is not None:
        return Reading((CloseEmergency(value=EmergencyValue(until=later, reason=None)),))
    if _REOPEN.match(clause) and not names_menu_word(ctx.resolver, clause):  # "meatloaf's back": the item
        return Reading((Reopen(),))
    if _CLOSURE_ENDED.search(clause) and not _LATER.search(clause) and not names_menu_word(ctx.resolver, clause):
        return Reading((Reopen(),))  # "end the emergency closure, we're good", "lift the closure"
    told = _REOPEN_CUE.search(clause)
    if told and not _NOT_REOPEN.search(clause) and not names_menu_word(ctx.resolver, clause):
        return Reading((Reopen(),))  # "ok plumber's gone, we can open back up": the story, then the cue
    return None


_REOPEN_AT = re.compile(
    r"^(?:(?:ok|okay|so|and|we'?ll|we will|we'?re|we are|gonna|going to|be|will|should)\s+)*"
    r"(?:back open|open(?:ing)? back up|re-?open(?:ing)?|open(?:ing)? (?:up )?again)\s+(?:at|by|around)\s+"
    r"(?P<rtime>" + TIME.format(p="r_") + r")(?:\s+today)?$"
)


def _reopen_later_today(clause: str, ctx: Context) -> datetime | None:
    """ "we'll be back open at 1" while the diner is already open: closed from now until 1 (a closure), not
    a later opening today, which would change nothing until tomorrow's hours are asked for."""
    m = _REOPEN_AT.match(clause)
    if m is None:
        return None
    today = hours_on(ctx.snapshot, ctx.today)
    local = ctx.now.astimezone(ctx.tz)
    if not today or time.fromisoformat(today[0][0]) > local.time():
        return None  # not open yet today: a later opening is an hours change
    closes = datetime.combine(ctx.today, time.fromisoformat(today[-1][1]), ctx.tz)
    if today[-1][1] <= today[0][0]:
        closes += timedelta(days=1)  # a day that runs past midnight
    t = read_time(m.group("rtime"))
    candidates = [t.as_24h()] if (t.meridiem or t.explicit) else [t.as_24h(), ((t.hour + 12) % 24, t.minute)]
    for hour, minute in sorted(candidates):
        moment = datetime.combine(ctx.today, time(hour, minute), ctx.tz)
        if ctx.now.timestamp() < moment.timestamp() < closes.timestamp():
            return moment
    return None


# The closure itself ended: "end the emergency closure", "lift the closure", "closure's over".
_CLOSURE_ENDED = re.compile(
    r"^(?:(?:ok|okay|so|please|pls|go ahead and|you can|we can)\s+)*"
    r"(?:end|lift|cancel|clear|stop|remove|undo|take down)"
    r"\s+(?:the\s+)?(?:emergency\s+)?(?:closure|closing|close)\b|\bclosure(?:'s| is)? (?:over|done|lifted|ended)\b"
)
_LATER = re.compile(r"\d|\b(?:not|don'?t|if|when|once|after|tomorrow|tmrw|tonight|until|till|til|at|later|soon)\b")

# A reopening told as a story: the cue anywhere, with no closing word, number or day beside it.
_REOPEN_CUE = re.compile(
    r"\b(?:open(?:ing)? back up|back open|open(?:ed)? (?:up )?again|re-?open(?:ed|ing)?|we'?re open|we are open|"
    r"doors (?:are )?open|open for business|back in business|up and running|all clear|open it (?:back )?up|"
    r"open 'er up|open her up|open us (?:back )?up|open (?:the place |the diner )?back up|"
    r"let'?s open(?: the doors| up)?|open the doors(?: again)?|we'?re good again)\b"
)
_NOT_REOPEN = re.compile(
    r"\d|\b(?:clos\w*|shut\w*|not|don'?t|if|when|once|after|soon|later|maybe|might|tomorrow|tmrw|tonight|until|till|til|at|mon\w*|tue\w*|wed\w*|"
    r"thu\w*|fri\w*|sat\w*|sun\w*|late|early|hours?"
    r"|door (?:was |is )?(?:left )?open|window|fridge|freezer|cooler|walk-?in|register|tab|gate)\b"
)  # "somebody left the walk in door open again": a thing left open, not the diner


__all__ = ["emergency", "reopen", "Problem"]
