"""Days and times as owners write them, read relative to the diner's local date.

Days: weekday names and abbreviations (weekly hours), "weekdays"/"weekends"/"every day", ranges
("mon-fri"), and dates ("today", "tomorrow", "this saturday", "12/24", "dec 24", "christmas").
Times: "7", "7am", "6:30", "14:00", "0630", "noon". A bare hour is read by its role: as an opening
time 5-11 is morning and 1-4 afternoon; as a closing time 1-11 is afternoon or evening.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from diner_agent.commands.dates import HOLIDAYS, WhenError, holiday, upcoming
from diner_agent.commands.named_weekdays import nth_of_month, without_named_weekdays

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_WORDS = {
    "mon": "mondays|monday|mon|mondy|mnday", "tue": "tuesdays|tuesday|tues|tue|tuesdy|tu",
    "wed": "wednesdays|wednesday|wednsday|wensday|wendsday|weds|wed",
    "thu": "thursdays|thursday|thrusday|thursdy|thurs|thur|thu|thr", "fri": "fridays|friday|fri|frid",
    "sat": "saturdays|saturday|saterday|sat", "sun": "sundays|sunday|sun",
}  # fmt: skip
WEEKDAY_RE = "(?:" + "|".join(_WEEKDAY_WORDS.values()) + ")"
_WEEKDAY_LOOKUP = [(re.compile(rf"^(?:{words})$"), key) for key, words in _WEEKDAY_WORDS.items()]
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
MONTH_RE = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ORD = r"(?:st|nd|rd|th)?"

DAY_ATOM = (
    r"(?:(?P<rel>this|next|coming|this coming)\s+)?(?P<wd>" + WEEKDAY_RE + r")(?:\s+(?P<only>only))?\b"
    r"|(?P<wkend>this (?:coming )?(?:weekend|wknd|wkend))\b"
    r"|(?P<group>week ?days?|weekends?|wknds?|wkends?|every ?day|each day|daily|all week|7 days(?: a week)?|m-f|"
    r"seven days(?: a week)?)\b"
    r"|(?P<today>today|tonight|tonite|this evening|this morning|this afternoon|tday|2day)\b"
    r"|(?P<tomorrow>tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|tmrow|tomm|2morrow|2moro|tmro)\b"
    r"|(?P<holiday>" + HOLIDAYS + r")\b(?!\s+(?:crowds?|rush|traffic|folks|people|shoppers|travell?ers|tourists|"
    r"week|weekend|break|season|specials?)\b)"
    r"|(?P<md>(?P<mm>1[0-2]|0?[1-9])/(?P<dd>3[01]|[12]\d|0?[1-9])(?:/(?P<yy>\d{2}|\d{4}))?)(?![\d/])"
    r"|(?P<mname>" + MONTH_RE + r")\s+(?P<mday>3[01]|[12]\d|0?[1-9])" + _ORD + r"\b"
    r"|(?:the\s+)?(?P<mday2>3[01]|[12]\d|0?[1-9])" + _ORD + r"\s+(?:of\s+)?(?P<mname2>" + MONTH_RE + r")\b"
    r"|the\s+(?P<nth>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)\b"
)
# Every day form above starts with one of these; a quick test before the big alternation.
_DAYISH = re.compile(
    r"\d/|\b(?:m-f|mon|tu|we|th|fri|sat|sun|tod|ton|tom|tmr|tmo|2mo|2da|tda|this|next|coming|only|wk|ev|each|dai|all|7|"
    r"seven|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|chri|xmas|nye|new|thanks|turkey|indep|4th|fourth|the|day|"
    r"hallo|black|good|vet|memor|labor|valen|st|mother|father|easter|pres|wash|mlk|martin|columb|indig|cinco|"
    r"\d{1,2}(?:st|nd|rd|th)?\s)"
)
DAY_ATOM_RE = re.compile(r"\b(?:on\s+|every\s+|for\s+)?(?:" + DAY_ATOM + ")")
_RANGE_SEP = re.compile(r"^\s*(?:-|to|thru|through|till|til|until)\s*$")
_LIST_SEP = re.compile(r"^\s*(?:,|and|or|/|\+|,\s*and)?\s*$")


@dataclass(frozen=True, slots=True)
class DayAtom:
    start: int
    end: int
    keys: tuple[str, ...]  # weekday keys or ISO dates
    weekday: str | None  # set when this atom is a plain weekday (can start or end a range)
    nth: int = 0  # "the 16th": a day of the month, which a weekday beside it may move to a later month


def _weekday_key(word: str) -> str:
    for pattern, key in _WEEKDAY_LOOKUP:
        if pattern.match(word):
            return key
    raise KeyError(word)


def _next_weekday(today: date, key: str, *, strictly_after: bool) -> date:
    delta = (WEEKDAYS.index(key) - today.weekday()) % 7
    if delta == 0 and strictly_after:
        delta = 7
    return today + timedelta(days=delta)


def _atom(match: re.Match[str], today: date) -> DayAtom:
    g = match.groupdict()
    span = (match.start(), match.end())
    if g["wd"]:
        key = _weekday_key(g["wd"])
        if g["rel"] or g["only"]:
            day = _next_weekday(today, key, strictly_after=g["rel"] == "next")
            return DayAtom(*span, (day.isoformat(),), None)
        return DayAtom(*span, (key,), key)
    if g["wkend"]:  # "this weekend": the coming Saturday and Sunday (today, on a Sunday)
        saturday = _next_weekday(today, "sat", strictly_after=False)
        days = (today,) if today.weekday() == 6 else (saturday, saturday + timedelta(days=1))
        return DayAtom(*span, tuple(d.isoformat() for d in days), None)
    if g["group"]:
        word = g["group"]
        if (word.startswith("week") and "end" not in word) or word == "m-f":
            keys = WEEKDAYS[:5]
        elif "end" in word or word.startswith("wk"):
            keys = WEEKDAYS[5:]
        else:
            keys = WEEKDAYS
        return DayAtom(*span, keys, None)
    if g["today"]:
        return DayAtom(*span, (today.isoformat(),), None)
    if g["tomorrow"]:
        return DayAtom(*span, ((today + timedelta(days=1)).isoformat(),), None)
    if g["holiday"]:
        return DayAtom(*span, (holiday(g["holiday"], today).isoformat(),), None)
    if g["md"]:
        year = None
        if g["yy"]:
            year = int(g["yy"]) + (2000 if len(g["yy"]) == 2 else 0)
        return DayAtom(*span, (upcoming(today, int(g["mm"]), int(g["dd"]), year).isoformat(),), None)
    if g["nth"]:
        return DayAtom(*span, (nth_of_month(today, int(g["nth"])).isoformat(),), None, int(g["nth"]))
    month = _MONTHS[(g["mname"] or g["mname2"]).rstrip(".")]
    day_of_month = int(g["mday"] or g["mday2"])
    return DayAtom(*span, (upcoming(today, month, day_of_month).isoformat(),), None)


def find_days(text: str, today: date) -> tuple[list[str], list[tuple[int, int]]]:
    """All days named in `text` (in order, deduplicated) and the spans they cover.

    Weekday ranges ("mon-fri", "tuesday thru saturday") expand, wrapping past Sunday when needed.
    """
    if not _DAYISH.search(text):
        return [], []  # no word any day could start with: skip the big pattern
    atoms = without_named_weekdays([_atom(m, today) for m in DAY_ATOM_RE.finditer(text)], text, today)
    keys: list[str] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        if nxt is not None and atom.weekday and nxt.weekday and _RANGE_SEP.match(text[atom.end : nxt.start]):
            a, b = WEEKDAYS.index(atom.weekday), WEEKDAYS.index(nxt.weekday)
            run = [WEEKDAYS[(a + k) % 7] for k in range((b - a) % 7 + 1)]
            keys.extend(run)
            spans.append((atom.start, nxt.end))
            i += 2
            continue
        run = _date_run(atom, nxt, text)
        if run:  # "closed the 26th thru the 28th": every date between, both ends included
            keys.extend(run)
            spans.append((atom.start, nxt.end))  # type: ignore[union-attr]
            i += 2
            continue
        keys.extend(atom.keys)
        spans.append((atom.start, atom.end))
        i += 1
    seen: list[str] = []
    for key in keys:
        if key not in seen:
            seen.append(key)
    return seen, spans


_DATE_RANGE_SEP = re.compile(r"^\s*(?:-|to|thru|through)\s*$")


def _date_run(atom: DayAtom, nxt: DayAtom | None, text: str) -> list[str]:
    """The dates from one date to a later one within a month, when only "-", "to" or "thru" stands between
    ("till" is left out: whether the last day is closed too is not said)."""
    if nxt is None or len(atom.keys) != 1 or len(nxt.keys) != 1 or len(atom.keys[0]) != 10 or len(nxt.keys[0]) != 10:
        return []
    if not _DATE_RANGE_SEP.match(text[atom.end : nxt.start]):
        return []
    first, last = date.fromisoformat(atom.keys[0]), date.fromisoformat(nxt.keys[0])
    if not 0 < (last - first).days <= 31:
        return []
    return [(first + timedelta(days=k)).isoformat() for k in range((last - first).days + 1)]


# --- times ------------------------------------------------------------------------------------------

TIME = (
    r"(?:noon|midday|midnight"
    r"|(?P<{p}h>\d{{1,2}})(?:[:.](?P<{p}m>\d{{2}}))?\s?(?P<{p}ap>a\.?m\.?|p\.?m\.?|a|p)(?![a-z])"
    r"|(?P<{p}hh>\d{{1,2}})[:.](?P<{p}mm>\d{{2}})(?!\d)"
    r"|(?P<{p}mil>[01]\d|2[0-3])(?P<{p}milm>[0-5]\d)(?!\d)(?!\s?(?:am|pm|a\b|p\b))"
    r"|(?P<{p}b>\d{{1,2}})(?![\d:.]|\s?(?:a\.?m|p\.?m|a\b|p\b)))"
)
TIME_RE = re.compile(r"(?<![\d$.,])" + TIME.format(p=""))
RANGE_RE = re.compile(
    r"(?<![\d$.,])(?:from\s+)?(?P<a>"
    + TIME.format(p="a_")
    + r")\s*(?:-+|to|till|til|until|thru|through|~|>|->)\s*(?P<b>"
    + TIME.format(p="b_")
    + r")"
)


_CLOCK_TOKEN = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s?(a\.?m\.?|p\.?m\.?|a|p)?")
_MILITARY = re.compile(r"([01]\d|2[0-3])([0-5]\d)")


@dataclass(frozen=True, slots=True)
class ClockTime:
    hour: int
    minute: int
    meridiem: str | None  # "am" | "pm" | None
    explicit: bool  # 24-hour, military or a word: taken as written

    def as_24h(self) -> tuple[int, int]:
        hour = self.hour
        if self.meridiem == "am":
            hour = 0 if hour == 12 else hour
        elif self.meridiem == "pm":
            hour = hour if hour == 12 else hour + 12
        return hour % 24, self.minute


def read_time(text: str) -> ClockTime:
    """Read one time token (already matched by TIME_RE); raises WhenError for 25:00, 7:75, 13pm."""
    word = text.strip().lower()
    if word in ("noon", "midday"):
        return ClockTime(12, 0, None, True)
    if word == "midnight":
        return ClockTime(0, 0, None, True)
    m = _CLOCK_TOKEN.fullmatch(word)
    military = _MILITARY.fullmatch(word)
    if military:
        return ClockTime(int(military.group(1)), int(military.group(2)), None, True)
    if not m:
        raise WhenError(f"{text!r} is not a time.")
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    meridiem = None
    if m.group(3):
        meridiem = "am" if m.group(3).startswith("a") else "pm"
    if minute > 59:
        raise WhenError(f"{text} is not a time (minutes go to 59).")
    if meridiem and not 1 <= hour <= 12:
        raise WhenError(f"{text} is not a time.")
    if hour > 24 or (hour == 24 and minute):
        raise WhenError(f"{text} is not a time (hours go to 23).")
    if hour == 24:
        return ClockTime(0, 0, None, True)
    explicit = meridiem is None and (hour == 0 or hour > 12 or m.group(1).startswith("0"))
    return ClockTime(hour, minute, meridiem, explicit)


def opening(t: ClockTime) -> tuple[int, int]:
    if t.meridiem or t.explicit:
        return t.as_24h()
    hour = t.hour
    if 1 <= hour <= 4:
        hour += 12
    return hour % 24, t.minute


def closing(t: ClockTime) -> tuple[int, int]:
    if t.meridiem or t.explicit:
        return t.as_24h()
    hour = t.hour
    if 1 <= hour <= 11:
        hour += 12
    return hour % 24, t.minute


def read_range(a: ClockTime, b: ClockTime) -> tuple[tuple[int, int], tuple[int, int]]:
    """An opening and a closing time from a range like 7-3, 5-9pm, 6:30am-3pm or 06:00-14:00."""
    if a.meridiem is None and not a.explicit and b.meridiem:
        b24 = b.as_24h()
        inherited = ClockTime(a.hour, a.minute, b.meridiem, False).as_24h()
        if inherited < b24:
            a = ClockTime(a.hour, a.minute, b.meridiem, False)
    start = opening(a)
    end = closing(b)
    if not (b.meridiem or b.explicit) and end <= start and b.hour == 12:
        end = (0, b.minute)  # "5pm-12": midnight
    elif not (a.meridiem or a.explicit or b.meridiem or b.explicit) and end <= start:
        # "3-1": two bare hours that only make a day by running 22 hours past midnight; an owner who
        # means the night says so ("9pm-3am").
        raise WhenError(f"{a.hour}-{b.hour} would close before it opens; say am or pm (e.g. '{a.hour}am-{b.hour}pm').")
    return start, end


def hhmm(value: tuple[int, int]) -> str:
    return f"{value[0]:02d}:{value[1]:02d}"
