"""Hours clauses: "open 7-3 on saturday", "closing at 2 today", "weekdays 6:30am-3pm", "closed mondays".

Rather than one pattern per word order, the clause's days, time range or single times and keywords
are picked out wherever they are; the clause is an hours change only if every other word is filler.
"""

from __future__ import annotations

import re
from datetime import date

from diner_agent.commands.apply import ApplyError, new_hours
from diner_agent.commands.grammar.common import Context, Outcome, Problem, Reading
from diner_agent.commands.grammar.hours_forms import (
    LATER,
    NO_BREAKS,
    ONE_OFF,
    STARTING_NOW,
    THREE_DIGITS,
    WEEKEND_SCOPE,
    a_break,
    said_as_hmm,
    to_coming_dates,
    told_of_one_week,
    weekly_or_once,
)
from diner_agent.commands.grammar.hours_story import with_reason
from diner_agent.commands.grammar.meridiem import settle
from diner_agent.commands.model import ChangeHours, HoursValue
from diner_agent.commands.replies import day_label
from diner_agent.commands.when import (
    DAY_ATOM_RE,
    RANGE_RE,
    TIME_RE,
    WEEKDAY_RE,
    WEEKDAYS,
    ClockTime,
    WhenError,
    closing,
    find_days,
    hhmm,
    opening,
    read_range,
    read_time,
)
from diner_agent.menu.hours import hours_on

_OPEN_KW = r"open|opening|opens|open up|start|starting|starts|begin|begins|doors open|first seating|reopen|reopening"
_CLOSE_KW = (
    r"close|closing|closes|shut|shutting|shuts|end|ending|ends|done|finish|finishing|last call|lock up|"
    r"locking up|close up|closing up|wrap up|stop serving"
)
_CLOSED_KW = r"closed|off|not open|no service|day off|won'?t be open|aren'?t open|not opening|dark"
_KW_RE = re.compile(
    rf"\b(?:(?P<closed>{_CLOSED_KW})|(?P<open>{_OPEN_KW})|(?P<close>{_CLOSE_KW})|(?P<hours>hours|hrs|schedule))\b"
)
_FILLER = frozenset(
    """
    we we're were we'll well i are is be will 'll our the hours hour hrs schedule now from on at @ starting but
    all whole entire down
    going forward every each this for to til till until and also new early late up only just gonna going
    diner restaurant kitchen shop place doors of a an it its it's that normal regular usual same
    change changing update set make move push shift let's lets do get please pls instead then by around
    about like usually now-on hrs: -> - : , day days week weeks time times through thru ok okay so
    yes noon later sooner earlier back back. still will'll shall o'clock oclock sharp stay staying stays
    """.split()
)
_WORD = re.compile(r"[a-z0-9'@:>-]+")
_DIGIT = re.compile(r"\d|noon|midnight")
# Every time range has one of these between its times; checked before the costly RANGE_RE.
_RANGE_HINT = re.compile(r"[-~>]|\b(?:to|till|til|until|thru|through)\b")
_EARLY_LATE = re.compile(r"\b(?:early|earlier|late|later|at|by|till|until)\b")
_CLAUSE_BREAK = re.compile(r",|;|\band\b|\bbut\b")
_INSTEAD = re.compile(r"\s*\b(?:instead of|rather than|not at|not)\s+(?:" + TIME_RE.pattern + r")")
_MILITARY = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d")
_REOPENS = re.compile(r"\b(?:re-?open\w*|open(?:ing)? (?:again|back)|back open)\b")
_CLOSING_TILL = re.compile(r"\b(?:closing|shutting|shut|close)\s+(?:down\s+|up\s+)?(?:till|til|until)\b")
_BACK_AT = re.compile(r"\bclos\w*\b.*\b(?:back|reopen\w*)\s+(?:at|by|around|in)\b")
_UNTIL_RE = re.compile(r"\b(?:until|till|til)\b")
_CLOSED_AT_RE = re.compile(r"\bclosed\s+(?:at|by|@)\s*\d")
_UNTIL_BEFORE = re.compile(r"(?:till|til|until|to|thru|through)\s*$")
_FROM_BEFORE = re.compile(r"(?:from|at|@|by)\s*$")


def _weekend(clause: str) -> tuple[int, int]:
    found = re.search(r"\bthis (?:coming )?weekend\b", clause)
    return found.span() if found else (0, 0)


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def hours(clause: str, ctx: Context) -> Outcome:
    """An hours change, read whole or with its reason after it ("closed sat the 25th for the fair")."""
    found = _hours(clause, ctx)
    if isinstance(found, Reading) or not _KW_RE.search(clause):
        return found
    return with_reason(clause, ctx, _hours) or found


def _hours(clause: str, ctx: Context) -> Outcome:
    if " but " in clause or " except " in clause:
        clause = _every_day_but(clause, ctx)
    if THREE_DIGITS.search(clause):
        clause = THREE_DIGITS.sub(said_as_hmm, clause)
    later = LATER.search(clause)  # "starting next week we open at 6": read, but asked (it is not for now)
    if later is not None:
        clause = _blank(clause, later.start(), later.end())
    now = STARTING_NOW.search(clause)  # "starting this week we open at 6": from now on
    if now is not None:
        clause = _blank(clause, now.start(), now.end())
    once = ONE_OFF.search(clause) or WEEKEND_SCOPE.search(clause)  # "sun 7-1 this week only": that Sunday
    scoped = once is not None and "weekend" in once.group(0)
    if once is not None:
        clause = _blank(clause, *(once.span() if not scoped else _weekend(clause)))
    if "instead" in clause or "rather" in clause or " not " in clause:
        clause = _INSTEAD.sub("", clause)  # "close at 2 tomorrow instead of 9": the old time is only a reminder
    keywords = list(_KW_RE.finditer(clause))
    if not keywords and not (_RANGE_HINT.search(clause) and RANGE_RE.search(clause) and DAY_ATOM_RE.search(clause)):
        return None  # no hours word, and no time range with a day ("thursday 6-14")
    if "," in clause and not _days_lead_into_times(clause, ctx):
        return None
    closure = _CLOSING_TILL.search(clause) or _BACK_AT.search(clause)
    if _UNTIL_RE.search(clause) and any(k.lastgroup == "closed" for k in keywords) or closure:
        return None  # "closed until monday", "closing till noon", "closing, back at 2": a closure
    try:
        days, spans = find_days(clause, ctx.today)
    except WhenError as exc:
        return Problem(f"{exc} Nothing changed.", 3)
    rest = clause
    for start, end in spans:
        rest = _blank(rest, start, end)

    value: HoursValue | str | None = None
    times: dict[str, ClockTime] = {}
    try:
        rng = RANGE_RE.search(rest)
        singles = []
        if rng:
            a, b = read_time(rng.group("a")), read_time(rng.group("b"))
            start, end = read_range(a, b)
            rest = _blank(rest, rng.start(), rng.end())
            value = HoursValue(open=hhmm(start), close=hhmm(end))
        for m in TIME_RE.finditer(rest):
            token = m.group(0).strip()
            if token.isdigit() and int(token) > 24 and not _MILITARY.fullmatch(token):
                return None  # "86 crab cakes, close at 2": 86 is no time; let the clauses split
            singles.append((m, read_time(token)))
        for m, _ in singles:
            rest = _blank(rest, m.start(), m.end())
    except WhenError as exc:
        return Problem(f"{exc} Nothing changed.", 3)
    except ValueError:
        return None

    kinds = {k.lastgroup for k in _KW_RE.finditer(rest)}
    rest = _KW_RE.sub(" ", rest)
    leftover = [w for w in _WORD.findall(rest) if w not in _FILLER]
    if leftover:
        return None
    if value is not None and singles:
        return None
    if value is None and len(singles) > 1 and _CLAUSE_BREAK.search(clause) and not _one_day_lead(clause, spans):
        return None  # "open at 8 mondays, close at 3 tuesdays": two clauses, each with its own days
    if value is None and singles:
        if "closed" in kinds:
            # Only "closed at 3" reads as a closing time; "closed sundays, open at 7" is two clauses.
            if {"open", "close"} & kinds or not _CLOSED_AT_RE.search(clause):
                return None
            kinds = kinds | {"close"}
        found = _from_singles(clause, singles, kinds)
        if found is None:
            return None
        value, times = found
    if value is None:
        closes = "closed" in kinds or ("close" in kinds and not _EARLY_LATE.search(clause))
        if closes and days and not _REOPENS.search(clause):  # "closing now, reopen tomorrow" closes no day
            value = "closed"  # "closed mondays"; "close mondays" (no time) means the same
            once = weekly_or_once(clause, days, spans, ctx)
            if once is not None:
                return once
        elif ("open" in kinds or "close" in kinds) and (days or "early" in clause or "late" in clause):
            target = day_label(days[0], ctx.today) if days else "today"
            verb = "closing" if "close" in kinds else "opening"
            return Problem(
                f"What time? e.g. '{target} {verb} at 2' or '{target} 7-3'. Nothing changed.", 2, "incomplete"
            )
        else:
            return None
    elif isinstance(value, HoursValue) and value.open and value.close and a_break(clause, kinds):
        return Problem(NO_BREAKS, 3)  # "closed 2-4", "closing 2 to 4 for a meeting": a break in the day
    if not days:
        days = [ctx.today.isoformat()]
    command = ChangeHours(target=days, value=value)
    mixed = any(len(k) == 10 for k in days) and any(len(k) == 3 for k in days)  # "closed tmrw and thursday"
    if once or mixed or (isinstance(value, HoursValue) and told_of_one_week(clause, days, spans, ctx.today)):
        command = to_coming_dates(command, clause, ctx.today)
    settled = settle(command, times, clause, ctx)
    if isinstance(settled, Problem):
        return settled
    checked = _check(settled, ctx)
    if isinstance(checked, Problem):
        return checked
    return Reading((checked,), ask=later is not None or scoped)


_EXCEPT = re.compile(
    rf"\b(?:every ?day|daily|all week|7 days a week)\s+(?:but|except(?: for)?)\s+(?P<days>{WEEKDAY_RE}"
    rf"(?:\s*(?:,|and|&|or)\s*{WEEKDAY_RE})*)\b"
)


def _every_day_but(clause: str, ctx: Context) -> str:
    """ "every day but sunday" -> "mon tue wed thu fri sat": the days left, as a list."""
    m = _EXCEPT.search(clause)
    if m is None:
        return clause
    keys, _ = find_days(m.group("days"), ctx.today)
    left = [d for d in WEEKDAYS if d not in keys]
    return clause[: m.start()] + " ".join(left) + clause[m.end() :]


def _one_day_lead(clause: str, spans: list[tuple[int, int]]) -> bool:
    """ "tomorrow we open at 7:30 and close at 3", "open at 6:30 tomorrow and close at 9:30": one day named
    before the break holds for both times; "close at 3, tomorrow we open at 8" is two days' news."""
    if len(spans) != 1:
        return False
    brk = _CLAUSE_BREAK.search(clause)
    return brk is None or spans[0][0] < brk.start()


def _days_lead_into_times(clause: str, ctx: Context) -> bool:
    """A comma inside an hours clause may separate a list of days that runs into the times
    ("mon, wed, fri 7-3") or days from their times ("open late tmrw, 9 to 9"); but "mondays, close at 3
    tuesdays" names days on both sides of a clause of its own, and must be read as two clauses."""
    parts = [p.strip() for p in clause.split(",")]
    try:
        found = [find_days(part, ctx.today) for part in parts]
    except WhenError:
        return True  # let the full reading report the bad day
    with_days = [i for i, (days, _) in enumerate(found) if days]
    for i in with_days[:-1]:
        days, spans = found[i]
        day_only = not _strip_spans(parts[i], spans) and not _DIGIT.search(parts[i])
        next_spans = found[i + 1][1] if i + 1 < len(parts) else []
        if not day_only or not next_spans or next_spans[0][0] > 3:
            return False
    return True


def _strip_spans(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in spans:
        text = _blank(text, start, end)
    return " ".join(w for w in _WORD.findall(text) if w not in _FILLER and w not in ("and", "&"))


def _from_singles(clause: str, singles: list, kinds: set[str]):  # type: ignore[no-untyped-def, type-arg]
    """The opening and closing times the single times in a clause give, and the time read for each role."""
    values: dict[str, str] = {}
    times: dict[str, ClockTime] = {}
    for m, t in singles:
        before = clause[: m.start()]
        role = None
        if _UNTIL_BEFORE.search(before):
            role = "close"
        else:
            last = None
            for k in _KW_RE.finditer(before):
                last = k.lastgroup
            if last in ("open", "close"):
                role = last
            elif last == "closed":
                role = "close"
            elif _FROM_BEFORE.search(before) and len(kinds & {"open", "close"}) == 1:
                role = next(iter(kinds & {"open", "close"}))
            elif len(kinds & {"open", "close"}) == 1:
                role = next(iter(kinds & {"open", "close"}))
        if role is None or role in values:
            return None
        values[role] = hhmm(opening(t) if role == "open" else closing(t))
        times[role] = t
    return HoursValue(open=values.get("open"), close=values.get("close")), times


def _check(cmd: ChangeHours, ctx: Context) -> ChangeHours | Problem:
    """Refuse a change that makes no sense against the current hours (a closed day given one time); the
    days it changes ("open at 6 on weekdays" leaves a closed Tuesday closed, and out of the list)."""
    kept: list[str] = []
    for key in cmd.target:
        base = ctx.snapshot.weekly.get(key, ()) if len(key) == 3 else hours_on(ctx.snapshot, date.fromisoformat(key))
        try:
            kept += [key] if new_hours(base, cmd, key, ctx.today) is not None else []
        except ApplyError as exc:
            return Problem(f"{exc} Nothing changed.", 3)
    if not kept:
        return Problem("Those days are all closed now; send both times (e.g. 'sat 8-2'). Nothing changed.", 3)
    return cmd if len(kept) == len(cmd.target) else cmd.model_copy(update={"target": kept})
