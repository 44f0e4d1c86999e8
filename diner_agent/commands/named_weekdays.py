"""Days named by a number of the month: "the 24th" is the next 24th; a weekday written beside a date only
names that date: "fri 10/24", "sat the 25th", "tuesday the 21st".

Read as two days, "closed mon 10/27" would close every Monday as well as the 27th; the weekday is
dropped when the date beside it falls on it (when it does not, both stay, and the reader asks).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Protocol, TypeVar

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_GAP = re.compile(r"[\s,]*(?:the\s+)?")


class _Atom(Protocol):
    start: int
    end: int
    keys: tuple[str, ...]
    weekday: str | None
    nth: int


A = TypeVar("A", bound=_Atom)


def without_named_weekdays(atoms: list[A], text: str, today: date) -> list[A]:
    atoms = _on_their_weekdays(atoms, text, today)

    def names_date(wd: A, d: A | None) -> bool:
        if d is None or len(d.keys) != 1 or len(d.keys[0]) != 10:
            return False
        gap = text[min(d.end, wd.end) : max(d.start, wd.start)]
        return _GAP.fullmatch(gap) is not None and _WEEKDAYS[date.fromisoformat(d.keys[0]).weekday()] == wd.weekday

    dates = [a for a in atoms if len(a.keys) == 1 and len(a.keys[0]) == 10]
    out: list[A] = []
    named: dict[int, A] = {}  # date index -> the weekday beside it that names it
    for k, atom in enumerate(atoms):
        same_day = [
            d for d in dates if d is not atom and d.keys[0][8:] == atom.keys[0][8:] and d.keys[0] > atom.keys[0]
        ]
        if atom in dates and same_day:
            continue  # "the first ... for the new year": the 1st is New Year's Day, not November's
        before = atoms[k - 1] if k else None
        after = atoms[k + 1] if k + 1 < len(atoms) else None
        if atom.weekday and names_date(atom, before):
            named[k - 1] = atom
        elif atom.weekday and names_date(atom, after):
            named[k + 1] = atom
        else:
            out.append(atom)
    # The weekday's words are part of the date ("sat the 25th"): nothing of them is left to read.
    widened = {id(atoms[k]): wd for k, wd in named.items()}
    return [_widened(atom, widened[id(atom)]) if id(atom) in widened else atom for atom in out]


def _widened(atom: A, weekday: A) -> A:
    return replace(atom, start=min(atom.start, weekday.start), end=max(atom.end, weekday.end))  # type: ignore[type-var]


def _on_their_weekdays(atoms: list[A], text: str, today: date) -> list[A]:
    """ "sunday the 16th" said on a Tuesday the 14th: the next 16th that is a Sunday (a month or two on),
    not Thursday's. Only a day of the month moves: "fri 10/24" is that date, as written."""
    out = list(atoms)
    for k, atom in enumerate(atoms):
        if not atom.nth:
            continue
        for other in (atoms[k - 1] if k else None, atoms[k + 1] if k + 1 < len(atoms) else None):
            if other is None or not other.weekday:
                continue
            if _GAP.fullmatch(text[min(atom.end, other.end) : max(atom.start, other.start)]) is None:
                continue
            moved = _nth_on(today, atom.nth, _WEEKDAYS.index(other.weekday))
            if moved is not None:
                out[k] = replace(atom, keys=(moved.isoformat(),))  # type: ignore[type-var]
    return out


def _nth_on(today: date, day: int, weekday: int) -> date | None:
    """The first day-of-month `day` from today on that falls on `weekday`, within a year."""
    for months in range(0, 13):
        year, month = today.year + (today.month - 1 + months) // 12, (today.month - 1 + months) % 12 + 1
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today and candidate.weekday() == weekday:
            return candidate
    return None


def nth_of_month(today: date, day: int) -> date:
    """ "the 24th": this month's if it has not passed, else the next month that has one."""
    for months in range(0, 3):
        year, month = today.year + (today.month - 1 + months) // 12, (today.month - 1 + months) % 12 + 1
        if day <= (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days:
            if date(year, month, day) >= today:
                return date(year, month, day)
    return date(today.year + (today.month // 12), today.month % 12 + 1, 1)  # unreachable for 1..31
