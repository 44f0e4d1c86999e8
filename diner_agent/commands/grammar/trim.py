"""A command with a story around it and no punctuation to mark it off, as phone transcripts and quick
texts come: "closing at three today short staffed", "fridge died we're closing for the day".

When a sentence does not read whole, the reader tries it without a neutral tail after its last day or
time word, or without a neutral head before its first cue word (close, open, 86, back ...). Neutral is
`marks.neutral`: no menu word, number, day, time or negation, so the story cannot hold a second change.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from diner_agent.commands.grammar.common import Context, Outcome, Reading
from diner_agent.commands.grammar.hours_story import PART_OF_DAY
from diner_agent.commands.grammar.marks import nearly_out, neutral
from diner_agent.commands.lexicon import ENGLISH

_ENDS_TIME = re.compile(
    r"(?:\d(?:st|nd|rd|th)?|\b(?:am|pm|noon|year|eve|halloween|christmas|thanksgiving|midnight|today|tonight|tomorrow|day|night|notice|week|weekend|"
    r"mon|tue|wed|thu|fri|sat|sun)[a-z]*|\b(?:86|86'd|86d|out|gone|back|back on|done|over|sold out|avail(?:able)?))$"
)
_CUE = re.compile(r"^(?:86|clos|shut|open|reopen|back|out|sold|no|we're|were|we|emergency|gotta|need)")
_MAX_WORDS = 24
# A tail opening with one of these attaches a day or time to the command ("open 7-3 on funday"): it is
# part of the command, misspelled or not, never a story to drop.
_ATTACHED = frozenset("on at every this next from until till til by before after starting thru through".split())
# Nor one that makes the day before it a longer time ("christmas week", "thanksgiving weekend").
_WIDENS = frozenset("week weekend wknd break season rush".split())


def without_story(sentence: str, ctx: Context, read: Callable[[str, Context], Outcome]) -> Reading | None:
    words = sentence.split()
    if len(words) < 3 or len(words) > _MAX_WORDS or nearly_out(sentence):
        return None  # "almost out of cider": "almost" is the point, not a story
    for cut in range(len(words) - 1, 1, -1):  # the longest command first
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        attached = words[cut] in _ATTACHED or words[cut - 1] in _ATTACHED or words[cut].strip(",.!") in _WIDENS
        meal = PART_OF_DAY.match(tail) is not None  # "closed tomorrow | for lunch": a break, not a story
        if _ENDS_TIME.search(head.rstrip(",.!")) and not attached and not meal and neutral(tail, ctx):
            found = read(head.rstrip(" ,.!"), ctx)
            if isinstance(found, Reading):
                return found
    for cut in range(1, len(words) - 1):
        head, rest = " ".join(words[:cut]), " ".join(words[cut:])
        if _CUE.match(words[cut]) and words[cut - 1] not in ENGLISH.opened_things and neutral(head, ctx):
            found = read(rest, ctx)
            if isinstance(found, Reading):
                return found
    return None
