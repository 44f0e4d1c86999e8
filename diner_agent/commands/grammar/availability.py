"""Availability clauses: "86 the meatloaf", "we're all out of pie for today", "pot roast is back".

Read by peeling marker and filler phrases off both ends of the clause ("we're all out of" ...
"for today"); exactly one polarity (sold out or back) must be seen, and what is left must be menu items.
Working from the ends, not one pattern per word order, is what lets unseen phrasings through; doing it
on words with dict lookups keeps it to a few microseconds.
"""

from __future__ import annotations

from diner_agent.commands.grammar.common import Context, Outcome, Reading, resolve_items
from diner_agent.commands.grammar.marks import nearly_out
from diner_agent.commands.grammar.phrases import (
    AUX,
    FILLER_LEAD,
    FILLER_TRAIL,
    NEUTRAL_LEAD,
    OFF_LEAD,
    OFF_TRAIL,
    ON_LEAD,
    ON_TRAIL,
    PhraseTable,
    canon,
)
from diner_agent.commands.lexicon import ENGLISH
from diner_agent.commands.model import ToggleAvailable

_LEAD = PhraseTable(on=ON_LEAD, off=OFF_LEAD, neutral=NEUTRAL_LEAD, filler=FILLER_LEAD)
_TRAIL = PhraseTable(on=ON_TRAIL, off=OFF_TRAIL, filler=FILLER_TRAIL)
_GROUP = frozenset({"all", "both", "every", "each"})  # "the pies are all sold out": all of them
_HOW_GONE = frozenset({"gone", "out", "done", "sold", "finished", "over"})
_SCHEDULE = frozenset(ENGLISH.schedule_cues)


def _says_all(words: list[str], keys: list[str]) -> bool:
    """ "the pies are all sold out" means every pie; "the soup is all gone" / "soup's all gone" only how gone."""
    for k, key in enumerate(keys):
        if key not in _GROUP:
            continue
        wholly = key == "all" and 0 < k < len(keys) - 1 and keys[k + 1] in _HOW_GONE
        if not (wholly and (keys[k - 1] in ("is", "was") or words[k - 1].endswith("'s"))):
            return True
    return False


_MARKERS = frozenset(w for k, kind in (*_LEAD.items(), *_TRAIL.items()) if kind in ("on", "off") for w in k)


def _peel_lead(keys: list[str], i: int, j: int) -> tuple[str, int] | None:
    found = _LEAD.at_start(keys, i, j)
    return None if found is None else (found[0], i + found[1])


def _peel_trail(keys: list[str], i: int, j: int) -> tuple[str, int] | None:
    found = _TRAIL.at_end(keys, i, j)
    if found is None:
        return None
    kind, n = found
    j -= n
    if kind != "filler":
        while j > i and keys[j - 1] in AUX:
            j -= 1
    return kind, j


def availability(clause: str, ctx: Context) -> Outcome:
    words = clause.split()
    keys = [canon(w) for w in words]
    if _MARKERS.isdisjoint(keys):
        return None  # no word of any sold-out / back marker: not an availability clause
    if nearly_out(clause):
        return None  # "almost out of cider": not sold out yet
    i, j = 0, len(words)
    polarity: set[str] = set()
    for _ in range(12):
        while i < j and not keys[i]:
            i += 1  # a bare "-" or ":" between marker and item
        while j > i and not keys[j - 1]:
            j -= 1
        peeled = _peel_lead(keys, i, j)
        if peeled is not None and peeled[1] < j:
            kind, i = peeled
        else:
            peeled = _peel_trail(keys, i, j)
            if peeled is None or peeled[1] <= i:
                break
            kind, j = peeled
        if kind in ("on", "off"):
            polarity.add(kind)
    if len(polarity) != 1 or i >= j:
        return None
    items = resolve_items(" ".join(words[i:j]), ctx, group=_says_all(words, keys))
    if items.problem is not None:
        return items.problem
    matches = tuple(items.matches)
    if all(m.how in ("word", "fuzzy") for m in matches) and set(keys[i:j]) <= _SCHEDULE:
        return None  # "we're back open" on a menu with Open-Faced Roast Beef: the diner, not the dish
    available = polarity == {"on"}
    commands = tuple(ToggleAvailable(target=m.item.name, value=available) for m in matches)
    return Reading(commands, matches)
