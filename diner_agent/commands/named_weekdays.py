"""A weekday written beside a date only names that date: "fri 10/24", "sat the 25th", "tuesday the 21st".

Read as two days, "closed mon 10/27" would close every Monday as well as the 27th; the weekday is
dropped when the date beside it falls on it (when it does not, both stay, and the reader asks).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Protocol, TypeVar

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_GAP = re.compile(r"[\s,]*(?:the\s+)?")


class _Atom(Protocol):
    start: int
    end: int
    keys: tuple[str, ...]
    weekday: str | None


A = TypeVar("A", bound=_Atom)


def without_named_weekdays(atoms: list[A], text: str) -> list[A]:
    def names_date(wd: A, d: A | None) -> bool:
        if d is None or len(d.keys) != 1 or len(d.keys[0]) != 10:
            return False
        gap = text[min(d.end, wd.end) : max(d.start, wd.start)]
        return _GAP.fullmatch(gap) is not None and _WEEKDAYS[date.fromisoformat(d.keys[0]).weekday()] == wd.weekday

    out = []
    for k, atom in enumerate(atoms):
        before = atoms[k - 1] if k else None
        after = atoms[k + 1] if k + 1 < len(atoms) else None
        if not (atom.weekday and (names_date(atom, before) or names_date(atom, after))):
            out.append(atom)
    return out
