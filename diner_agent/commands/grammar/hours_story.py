"""An hours change with its reason told after it, as owners add one: "closed sat the 25th for the county
fair", "open late tmrw til 9 for the fish fry", "the 30th we close at 6 pm staff party", "sunday we open
at 9 (church thing next door)".

The hours clause reads only when every other word is filler; a reason has words of its own, sometimes a
menu word ("for the fish fry"). When a clause with an hours word does not read, it is read again without
a tail that is only a reason: no number, day, time or hours word (so it holds no second hours change),
no negation, condition or wish, no item with a sold-out, back or price cue (so it holds no menu change),
and a menu word only after "for", "because", "so"... (a purpose, not an item). A tail that changes what
the hours mean is never dropped: "for lunch" (a break), "until ...", "except ...", "but ...". (A head is
left to the story trim, trim.py, which drops only a neutral one.)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from diner_agent.commands.grammar.closure_story import holds_item_change
from diner_agent.commands.grammar.common import Context, Outcome, Reading, names_menu_word
from diner_agent.commands.grammar.hours_forms import to_coming_dates
from diner_agent.commands.grammar.marks import conditional, negated, wish
from diner_agent.commands.model import ChangeHours
from diner_agent.commands.when import TIME_RE, WhenError, find_days

_HOURS_WORD = re.compile(
    r"\b(?:open\w*|clos\w*|shut\w*|hours?|hrs|until|till|til|thru|through|except|but|unless|from|after|before|"
    r"between|instead|noon|midnight|am|pm|again|back|reopen\w*|early|late|earlier|later|start\w*|begin\w*|"
    r"effective|next|week|weeks|month|months|year|season|stay\w*|keep\w*|only)\b"
)
# Not an hours change to read without its tail: a hedge or a question, or a closure ("close back at noon",
# "closing till noon": closed until then).
_NOT_HOURS = re.compile(
    r"\?|\b(?:thinking|considering|planning|probably|possibly|maybe|might|what do (?:you|u|y'?all) think|thoughts|"
    r"back|reopen\w*|again)\b|\bclos\w*\s+(?:\w+\s+)?(?:till|til|until)\b"
)
_PURPOSE = re.compile(r"^(?:for|because|cause|cuz|bc|since|so|as|due to|thanks to)\b|^\(")
# "closed tomorrow for lunch" is a break, not a reason: a meal or a part of the day changes the hours.
PART_OF_DAY = re.compile(
    r"^for (?:the )?(?:breakfast|brunch|lunch|dinner|supper|morning|afternoon|evening|night|rest|day|week|weekend|"
    r"holidays?|season|winter|summer|month|good)\b"
)
# A tail that attaches a day or time to the change ("open 7-3 on funday": misspelled or not) is no reason.
_ATTACHES = re.compile(r"^(?:on|at|every|each|this|next|by|before|after|starting|thru|through|til|till|until)\b")
_OPENS_A_PHRASE = frozenset(
    "on at every this next by for the a an to of because so since and my our his her their due cause cuz bc as".split()
)
_MAX_WORDS = 30


def _reason(tail: str, ctx: Context) -> bool:
    """Whether `tail` (words after an hours clause) is only its reason (see the module docstring)."""
    tail = tail.strip(" ,.;:!-()")
    if not tail or any(ch.isdigit() for ch in tail) or _HOURS_WORD.search(tail) or PART_OF_DAY.match(tail):
        return False
    if _ATTACHES.match(tail) or TIME_RE.search(tail) or negated(tail) or conditional(tail) or wish(tail):
        return False
    try:
        if find_days(tail, ctx.today)[0]:
            return False
    except WhenError:
        return False
    if holds_item_change(tail, ctx):
        return False
    return not names_menu_word(ctx.resolver, tail) or _PURPOSE.match(tail) is not None


def with_reason(clause: str, ctx: Context, hours: Callable[[str, Context], Outcome]) -> Reading | None:
    """The hours change `clause` makes once a reason after it is set aside."""
    words = clause.split()
    if len(words) < 3 or len(words) > _MAX_WORDS or _NOT_HOURS.search(clause):
        return None
    try:
        days = find_days(clause, ctx.today)[0]
    except WhenError:
        return None
    for cut in range(len(words) - 1, 1, -1):  # the longest clause first
        if words[cut - 1] in _OPENS_A_PHRASE:
            continue  # "closed tomorrow for | lunch": the tail starts with its phrase's first word
        if not _reason(" ".join(words[cut:]), ctx) or find_days(" ".join(words[:cut]), ctx.today)[0] != days:
            continue  # (a cut inside a day's name, "for the new | year", changes the day)
        head = " ".join(words[:cut]).strip(" ,.;:!-(")
        found = hours(head, ctx)
        purpose = _PURPOSE.match(" ".join(words[cut:])) or _PURPOSE.match(" ".join(words[cut - 1 :]))
        if isinstance(found, Reading) and not purpose:
            return found
        if isinstance(found, Reading):
            # An event's purpose makes a weekday that date: "close at 3 on wednesday for inventory".
            dated = tuple(
                to_coming_dates(c, head, ctx.today) if isinstance(c, ChangeHours) else c for c in found.commands
            )
            return Reading(dated, found.matches, found.ask)
    return None
