"""Calendar dates owners name: a month and day's next occurrence, and holidays ("halloween", "black friday",
"the day after thanksgiving", "memorial day"), each the coming one in the diner's local calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta


class WhenError(ValueError):
    """A day or time that does not exist, with a message for the owner."""


HOLIDAYS = (
    r"christmas eve|xmas eve|christmas day|christmas|xmas|new year'?s eve|nye|new year'?s day|new years|"
    r"new year|(?:the )?day after thanksgiving|black friday|thanksgiving|turkey day|july 4th|4th of july|"
    r"fourth of july|independence day|halloween|veterans'? day|memorial day|labor day|valentine'?s(?: day)?|"
    r"st\.? patrick'?s(?: day)?|mother'?s day|father'?s day|easter(?: sunday)?|the day after tomorrow|"
    r"day after tomorrow|good friday|juneteenth|cinco de mayo|presidents'? day|president'?s day|washington'?s birthday|"
    r"(?:mlk|martin luther king(?: jr\.?)?) day|columbus day|indigenous peoples'? day"
)


def upcoming(today: date, month: int, day: int, year: int | None = None) -> date:
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(today.year, month, day)
        if candidate < today:
            candidate = date(today.year + 1, month, day)
        return candidate
    except ValueError:
        raise WhenError(f"{month}/{day} is not a date.") from None


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def holiday(name: str, today: date) -> date:
    name = name.replace("'", "")
    if "after tomorrow" in name:
        return today + timedelta(days=2)
    if "eve" in name and ("christmas" in name or "xmas" in name):
        return upcoming(today, 12, 24)
    if "christmas" in name or "xmas" in name:
        return upcoming(today, 12, 25)
    if name == "nye" or "years eve" in name or "year eve" in name:
        return upcoming(today, 12, 31)
    if "new year" in name:
        return upcoming(today, 1, 1)
    if "thanksgiving" in name or "turkey" in name or "black friday" in name:
        after = 1 if ("after" in name or "black" in name) else 0  # Black Friday: the day after
        return _yearly(today, lambda year: _nth_weekday(year, 11, 3, 4) + timedelta(days=after))
    fixed = _FIXED_HOLIDAYS.get(name.split()[0])
    if fixed is not None:
        return upcoming(today, *fixed)
    if "easter" in name:
        return _yearly(today, _easter)
    if "good friday" in name:
        return _yearly(today, lambda year: _easter(year) - timedelta(days=2))
    if "memorial" in name:  # the last Monday of May
        return _yearly(today, lambda year: _nth_weekday(year, 6, 0, 1) - timedelta(days=7))
    if "labor" in name:
        return _yearly(today, lambda year: _nth_weekday(year, 9, 0, 1))
    if "mother" in name:
        return _yearly(today, lambda year: _nth_weekday(year, 5, 6, 2))
    if "father" in name:
        return _yearly(today, lambda year: _nth_weekday(year, 6, 6, 3))
    moving = _MONDAY_HOLIDAYS.get(name.split()[0])
    if moving is not None:  # "the third Monday of February"
        return _yearly(today, lambda year: _nth_weekday(year, moving[0], 0, moving[1]))
    return upcoming(today, 7, 4)


# Holidays on one date every year, by their first word.
_FIXED_HOLIDAYS = {
    "halloween": (10, 31), "veterans": (11, 11), "valentines": (2, 14), "st": (3, 17), "st.": (3, 17),
    "juneteenth": (6, 19), "cinco": (5, 5),
}  # fmt: skip
# Holidays on a Monday, by their first word: (month, which Monday).
_MONDAY_HOLIDAYS = {
    "presidents": (2, 3), "president": (2, 3), "washingtons": (2, 3),
    "mlk": (1, 3), "martin": (1, 3), "columbus": (10, 2), "indigenous": (10, 2),
}  # fmt: skip


def _yearly(today: date, on: Callable[[int], date]) -> date:
    """This year's date of a holiday that moves, or next year's once it has passed."""
    day = on(today.year)
    return day if day >= today else on(today.year + 1)


def _easter(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * weekday) // 433
    month, day = divmod(h + weekday - 7 * m + 90, 25)
    return date(year, month, (h + weekday - 7 * m + 33 * month + 19) % 32)
