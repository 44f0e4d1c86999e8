"""What a later clause leaves implicit, said again from an earlier one: "86 em", "now 7.50", "key lime too".

`carry` works on a whole sentence after a read one; `refer_back` on the clauses of one sentence. Both
only rewrite text; the grammar reads the rewritten clauses as it reads any other.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from diner_agent.commands.grammar.common import Context, Outcome, Reading

ReadClause = Callable[[str, Context], Outcome]

_TOO = re.compile(
    r"^(?:and\s+|but\s+)?(?:(?:same for|same with|ditto for|ditto|also|and also)\s+)?(?:the\s+)?(?P<x>.+?)"
    r"(?P<too>\s+(?:too|as well|also|the same|same price|same))?$"
)


def carry(text: str, previous: Reading) -> str | None:
    """Say again, with the earlier clause's items or action, what a later clause leaves implicit:
    "them" -> the items just named; "key lime too" -> the action just taken, for key lime."""
    items = [c.target for c in previous.commands if c.action in ("toggle_available", "update_price")]
    if not items:
        return None
    if _PRONOUN.search(text):
        return _PRONOUN.sub(" and ".join(items), text, count=1)
    m = _TOO.match(text)
    if m is None or not (m.group("too") or re.match(r"^(?:and |but )?(?:same|ditto|also|and also)\b", text)):
        return None
    last = previous.commands[-1]
    if last.action == "toggle_available":
        return f"86 {m.group('x')}" if last.value is False else f"{m.group('x')} is back"
    if last.action == "update_price":
        return f"{m.group('x')} {last.value}"
    return None


# "its back on" is how thumbs type "it's back on".
_PRONOUN = re.compile(
    r"\b(?:it|em|'em|them|those|these|that one|this one|those ones|its(?=\s+(?:back|out|gone|sold|86|off)\b))\b"
)
_NO_ITEM = re.compile(r"^(?:(?:and|but)\s+)?(?:now|price|new price|price now|it's|its|make it|at)\s+(?=\$?\d)")


def refer_back(parts: list[str], ctx: Context, _read_clause: ReadClause) -> list[str] | None:
    """Put what an earlier clause named where a later one only points at it: "86 em", "now 7.50",
    "key lime too". An earlier clause that was only there to name the item ("last slice of pecan pie
    just went, 86 it") is dropped once its item has been carried over; one that is a command stays."""
    atoms = parts[0::2]
    keep = [True] * len(atoms)
    changed = False
    for k in range(1, len(atoms)):
        pointing = _PRONOUN.search(atoms[k]) is not None or _NO_ITEM.match(atoms[k]) is not None
        carrying = _TOO.match(atoms[k]) is not None and (
            bool(_TOO.match(atoms[k]).group("too")) or re.match(r"^(?:same|ditto|also)\b", atoms[k]) is not None
        )
        if not (pointing or carrying):
            continue
        source = k - 1
        reading = _read_clause(atoms[source], ctx)
        if isinstance(reading, Reading) and reading.commands:
            carried = carry(atoms[k], reading)
            if carried is None and _NO_ITEM.match(atoms[k]):
                names = [c.target for c in reading.commands if c.action in ("toggle_available", "update_price")]
                carried = f"{' and '.join(names)} {atoms[k]}" if names else None
            if carried is not None:
                atoms[k] = carried
                changed = True
            continue
        if not pointing:
            continue
        named = None
        for source in range(k - 1, -1, -1):
            named = _spot_item(atoms[source], ctx)
            if named is not None:
                break
        if named is None:
            continue
        if _PRONOUN.search(atoms[k]):
            atoms[k] = _PRONOUN.sub(named, atoms[k], count=1)
        else:
            atoms[k] = f"{named} {atoms[k]}"
        keep[source] = keep[source] and isinstance(_read_clause(atoms[source], ctx), Reading)
        changed = True
    if not changed:
        return None
    out: list[str] = []
    for atom, flag in zip(atoms, keep, strict=True):
        if flag:
            if out:
                out.append(", ")
            out.append(atom)
    return out


def _spot_item(text: str, ctx: Context) -> str | None:
    """The item an earlier clause mentions: "last slice of pecan pie just went" -> "Pecan Pie"."""
    found = ctx.resolver.spot(text, limit=1)
    return found[0].name if found else None
