"""Phrase tables of the grammar: markers, fillers, verbs and connectors, as plain '|'-separated phrases.

Each table serves two ways: `alts()` makes a regex alternation (longest first) for patterns anchored at
the start of a clause, and `PhraseTable` a dict from word tuples, so the ends of a clause can be
peeled with a few dict lookups instead of a regex alternation tried at every position.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Spellings of "86" (and of "un-86") are folded to one token before any lookup; see `canon`.
_EIGHTY_SIX = re.compile(r"^(?:86(?:'?d|ed|'ed|s)?|8-6|eighty-?six(?:ed|'d)?)$")
_UN_EIGHTY_SIX = re.compile(r"^un-?86(?:'?d|ed)?$")
_EDGE_PUNCT = ",.:;!?-()\"'"


def alts(phrases: str) -> str:
    """A regex alternation of the phrases, longest first (so 'sold out of' beats 'sold out')."""
    return "|".join(re.escape(p) for p in sorted(phrases.split("|"), key=len, reverse=True))


class PhraseTable(dict[tuple[str, ...], str]):
    """{("sold", "out"): "off", ...}: each phrase's words (as `canon` folds them) mapped to its kind;
    earlier kinds win. `at_start` / `at_end` find the longest phrase at either end of a run of words."""

    def __init__(self, **kinds: str) -> None:
        super().__init__()
        for kind, phrases in kinds.items():
            for phrase in phrases.split("|"):
                self.setdefault(tuple(canon(w) for w in phrase.split()), kind)
        self.longest = max(map(len, self), default=0)

    def at_start(self, keys: list[str], i: int, j: int) -> tuple[str, int] | None:
        """The longest phrase that keys[i:j] starts with, as (its kind, its length in words)."""
        for n in range(min(self.longest, j - i), 0, -1):
            kind = self.get(tuple(keys[i : i + n]))
            if kind is not None:
                return kind, n
        return None

    def at_end(self, keys: list[str], i: int, j: int) -> tuple[str, int] | None:
        """The longest phrase that keys[i:j] ends with, as (its kind, its length in words)."""
        for n in range(min(self.longest, j - i), 0, -1):
            kind = self.get(tuple(keys[j - n : j]))
            if kind is not None:
                return kind, n
        return None


@lru_cache(maxsize=8192)
def canon(word: str) -> str:
    """A word as the tables know it: edge punctuation off, every spelling of 86 / un-86 folded."""
    word = word.strip(_EDGE_PUNCT) if word not in ("'", "-") else word
    if word[:1].isdigit() or word.startswith("eighty"):
        if _EIGHTY_SIX.match(word):
            return "86"
    elif word.startswith("un") and _UN_EIGHTY_SIX.match(word):
        return "un86"
    return word


ON_LEAD = (
    "un86|un 86|un eighty six|bring back|bringing back|put back|restock|restocked|re-enable|reenable|enable|"
    "unmark|add back|we have more|we got more|got more|back on|serving|we're serving|start selling|selling|"
    "un-sell out|unsold out|start serving|serving again|turn on|switch on|turn back on|back in|back|back on"
)
OFF_LEAD = (
    "86|eighty six|out of|outta|out on|all out of|ran out of|run out of|running out of|just ran out of|"
    "sold out of|sold out on|sold out|soldout|no more|none left of|no|nix|kill|pull|scratch|disable|remove|"
    "stop selling|stop serving|not serving|no longer serving|not doing|can't do|cant do|cannot do|don't have|"
    "dont have|don't have any|dont have any|we don't have|we dont have|we have no|got no|have no|out|strike|"
    "cross off|cross out|out of stock|turn off|switch off|take off"
)
NEUTRAL_LEAD = "mark|set|make|put|take|flag|list|show|we have|we got|got|have|we've got|change|update|switch|turn"
FILLER_LEAD = (
    "we're|we are|were|we|i'm|im|sorry|guys|folks|all|just|the|our|fyi|heads up|also|officially|today|"
    "tonight|note|so|well|and|now|ya'll|y'all|yall|everyone|team|kitchen says|chef says|looks like|"
    "looks like we're|unfortunately|sadly|good news|bad news"
)
ON_TRAIL = (
    "back|back on|back on the menu|back on menu|back in stock|in stock|available|available again|avail|"
    "avail again|again|on|on again|on the menu|on the menu again|restocked|back up|returns|un86|up again|"
    "ok again|good again|good to go|back to normal|as available|as in stock|on sale again|for sale|back in|"
    "back on again|on sale"
)
OFF_TRAIL = (
    "86|eighty six|as 86|sold out|soldout|out|out of stock|oos|gone|all gone|unavailable|not available|n/a|"
    "unavail|off|off the menu|off menu|done|finished|none left|left|all out|out for the day|as sold out|"
    "as unavailable|as out|over|kaput|run out|ran out|not avail|empty|finish|finito|all done|sold|"
    "no more|none|out now|outta stock"
)
FILLER_TRAIL = (
    "today|tonight|for today|for tonight|for the day|for the night|for the rest of the day|rest of the day|"
    "for now|right now|now|at the moment|atm|currently|until tomorrow|till tomorrow|til tomorrow|sorry|guys|"
    "folks|y'all|yall|too|as well|also|anymore|any more|already|for lunch|for dinner|for breakfast|"
    "this morning|this afternoon|this evening|tho|though|fyi|everyone|team|for sure|"
    "until further notice|till further notice|on the menu|on menu|item|for the week|for the weekend|"
    "from now on|lol|unfortunately|again today"
)
# Words that may stand between an item and a trailing marker: "pie IS sold out", "it HAS BEEN 86'd".
AUX = frozenset(
    "is are has have been got gets get was were now all totally completely officially just currently "
    "pretty much def definitely also".split()
)

PRICE_VERBS = (
    "set|change|make|bump|raise|drop|lower|increase|decrease|update|reduce|put|mark|adjust|fix|cut|move|"
    "reprice|charge|switch|hike|knock|up|new price|new price for|new price on|lets do|let's do|do|price|prices|"
    "cost|go|take|mark up|mark down|markdown|discount"
)
PRICE_LEAD_FILLER = (
    "the price of|price of|price for|price on|the price for|the price on|cost of|the cost of|prices on|"
    "prices for|the|our|we're|we are|we'll|we will|now|to|please"
)
CONNECTORS = (
    "to|at|=|->|>|=>|is|is now|now|:|@|for|costs|cost|should be|will be|price is|price|prices|price to|"
    "price at|goes to|go to|becomes|now at|up to|down to|now costs|is going to|is gonna be|gonna be|'s price|"
    "s price|price should be|to be|as|is priced at|priced at|sells for|sell for|-|price now|new price|now is|"
    "is at|each|ea|set to|changed to|change to|price change|price change to|change|should cost|will cost|"
    "would cost|needs to be|needs to cost|gonna cost|going to cost|should now be|should go to|goes up to|"
    "goes down to|going up to|going down to|is going up to|is going down to|raised to|lowered to|dropped to|"
    "went up to|went down to|went to|bumped to|bumped up to|jumped to|is up to|now up to|r|are now|r now|"
    "now priced at|new price is"
)
