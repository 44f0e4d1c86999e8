"""Availability clauses: "86 the meatloaf", "we're all out of pie for today", "pot roast is back".

Read by peeling marker and filler phrases off both ends of the clause ("we're all out of" ...
"for today"); exactly one polarity (sold out or back) must be seen, and what is left must be menu items.
Working from the ends, not one pattern per word order, is what lets unseen phrasings through.
"""

from __future__ import annotations

import re

from diner_agent.commands.grammar.common import Context, Outcome, Reading, resolve_items
from diner_agent.commands.grammar.phrases import (
    AUX,
    FILLER_LEAD,
    FILLER_TRAIL,
    NEUTRAL_LEAD,
    OFF_LEAD,
    OFF_TRAIL,
    ON_LEAD,
    ON_TRAIL,
)
from diner_agent.commands.model import ToggleAvailable

_LEAD_RE = re.compile(
    rf"^(?:(?P<on>{ON_LEAD})|(?P<off>{OFF_LEAD})|(?P<neutral>{NEUTRAL_LEAD})|(?P<filler>{FILLER_LEAD}))"
    r"(?:\s*[,:\-]\s*|\s+|$)"
)
_TRAIL_RE = re.compile(
    rf"(?:^|[\s,:\-]+){AUX}(?:(?P<on>{ON_TRAIL})|(?P<off>{OFF_TRAIL})|(?P<filler>{FILLER_TRAIL}))[\s,.!]*$"
)


def availability(clause: str, ctx: Context) -> Outcome:
    text = clause
    polarity: set[str] = set()
    neutral = False
    for _ in range(12):
        lead = _LEAD_RE.match(text)
        if lead and lead.end() > 0:
            kind = lead.lastgroup
            if kind in ("on", "off"):
                polarity.add(kind)
            neutral |= kind == "neutral"
            text = text[lead.end() :]
            continue
        trail = _TRAIL_RE.search(text)
        if trail and trail.start() < len(text):
            kind = trail.lastgroup
            if kind in ("on", "off"):
                polarity.add(kind)
            text = text[: trail.start()]
            continue
        break
    if len(polarity) != 1 or not text.strip():
        return None
    available = polarity == {"on"}
    items = resolve_items(text, ctx)
    if items.problem is not None:
        return items.problem
    commands = tuple(ToggleAvailable(target=m.item.name, value=available) for m in items.matches)
    return Reading(commands, tuple(items.matches))
