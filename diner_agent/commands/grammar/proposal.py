"""A proposed reading of a sentence the grammar could not read whole: entities and cue words next to
them, with every other word ignored. It is only ever asked ("Did you mean: French Toast sold out?
Reply YES"), never applied on its own.

Entities are spotted against the tenant's menu over the sentence's n-grams (names, aliases, word
overlap, typo-tolerant matches); the intent comes from cue words (sold out / back, from the lexicon)
or from one price. Exactly one intent must be seen; a phrase that names several items ("ham") is a
question listing them, unless the text says all/both.
"""

from __future__ import annotations

import re
from functools import lru_cache

from diner_agent.commands.grammar.common import Context, Problem, Reading, problem_for
from diner_agent.commands.grammar.marks import nearly_out
from diner_agent.commands.grammar.phrases import canon
from diner_agent.commands.lexicon import ENGLISH, Lexicon
from diner_agent.commands.model import ToggleAvailable, UpdatePrice
from diner_agent.commands.resolve import Ambiguous, Match, Resolver

_WORDS = re.compile(r"\$?\d+(?:\.\d{2})?(?![\w.])|[a-z0-9][a-z0-9'\-]*")
_LINKS = frozenset("to at is now for = @ was should be costs goes up down now's".split())
_MONEY = re.compile(r"^\$?\s?(\d{1,3})(?:\.(\d{2}))?$")
_NOT_ITEM_WORDS = frozenset(
    "the a an of our is are was were we we're i i'm it its it's for to and at on in just all both some any "
    "now today tonight no more out back again".split()
)
_TIME_AFTER = frozenset("am pm a.m p.m o'clock oclock today tonight tomorrow hours hrs minutes mins".split())
_ALL = frozenset({"all", "both", "every", "each"})


@lru_cache(maxsize=4)
def _cues(lexicon: Lexicon) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(lexicon.cue_off), frozenset(lexicon.cue_on)


def propose(sentence: str, ctx: Context, lexicon: Lexicon = ENGLISH) -> Reading | Problem | None:
    """Commands the sentence probably means, for a question; a Problem when an item is unclear."""
    words = _WORDS.findall(sentence)
    if not words or len(words) > 40:
        return None
    keys = [canon(w) for w in words]
    off_cues, on_cues = _cues(lexicon)
    off = any(k in off_cues for k in keys) and not nearly_out(sentence, lexicon)  # "almost out": not yet
    on = any(k in on_cues for k in keys)
    prices = [i for i, w in enumerate(words) if _money(w, words, i)]
    ends: set[int] = set()
    if off + on + bool(prices) != 1:
        return None
    spotted = spot(words, ctx.resolver, skip=set(prices), ends=ends)
    if isinstance(spotted, Ambiguous):
        if _ALL & set(keys):
            matches = [Match(item, "word") for item in spotted.candidates]
        else:
            return problem_for(spotted)
    else:
        matches = spotted
    if not matches:
        return None
    if prices:
        if len(prices) != 1 or len(matches) != 1:
            return None
        at = prices[0]
        plain_number = not words[at].startswith("$") and "." not in words[at]
        near = at - 1 in ends or (at >= 2 and at - 2 in ends and words[at - 1] in _LINKS)
        if plain_number and not near:
            return None  # "table 4 wants extra slaw": a bare number far from the item is not its price
        value = _money(words[prices[0]], words, prices[0])
        if value is None or not 0 < value <= ctx.snapshot.tenant.max_price_cents:
            return None
        commands = (UpdatePrice(target=matches[0].item.name, value=f"{value // 100}.{value % 100:02d}"),)
    else:
        commands = tuple(ToggleAvailable(target=m.item.name, value=on) for m in matches)
    return Reading(commands, tuple(matches))


def _money(word: str, words: list[str], i: int) -> int | None:
    m = _MONEY.match(word)
    if m is None:
        return None
    if not word.startswith("$") and m.group(2) is None:
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt in _TIME_AFTER or (i > 0 and words[i - 1] in ("at", "till", "until", "by", "for")):
            return None
    return int(m.group(1)) * 100 + int(m.group(2) or 0)


def spot(words: list[str], resolver: Resolver, *, skip: set[int], ends: set[int]) -> list[Match] | Ambiguous:
    """Items named in the words, longest n-grams first, certain matches before fuzzy ones; an n-gram
    that names several items and no longer one covers is returned as the ambiguity."""
    taken = [i in skip or words[i] in _NOT_ITEM_WORDS for i in range(len(words))]
    found: list[tuple[int, Match]] = []
    unclear: list[tuple[range, Ambiguous]] = []
    covered: set[int] = set()
    for size in range(min(4, len(words)), 0, -1):
        for start in range(0, len(words) - size + 1):
            span = range(start, start + size)
            if any(taken[k] for k in span) and size == 1:
                continue
            if taken[start] or taken[start + size - 1]:
                continue  # an n-gram never starts or ends on a taken or filler word
            resolution = resolver.resolve(" ".join(words[start : start + size]))
            if isinstance(resolution, Match) and (resolution.certain or size > 1 or len(words[start]) >= 5):
                if all(m.item.id != resolution.item.id for _, m in found):
                    found.append((start, resolution))
                for k in span:
                    taken[k] = True
                    covered.add(k)
                ends.add(start + size - 1)
            elif isinstance(resolution, Ambiguous):
                unclear.append((span, resolution))
    for span, ambiguity in unclear:
        if not covered.intersection(span):
            return ambiguity
    return [m for _, m in sorted(found, key=lambda pair: pair[0])]
