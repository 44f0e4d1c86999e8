"""Phrase tables of the grammar: markers, fillers, verbs and connectors, longest first in each."""

from __future__ import annotations


def alts(phrases: str) -> str:
    """A regex alternation of '|'-separated phrases, longest first (so 'sold out of' beats 'sold out')."""
    return "|".join(sorted(phrases.split("|"), key=len, reverse=True))


AUX = (
    r"(?:(?:is|are|has been|have been|been|got|gets|get|was|were|now|all|totally|completely|officially|just|"
    r"currently|pretty much|def|definitely|also)\s+)*"
)

EIGHTY_SIX = r"(?:86(?:'?d|ed|'ed)?|eighty[\s-]?six(?:ed|'d)?|8-6)"

ON_LEAD = alts(
    r"un-?\s?86(?:'?d)?|un-?\s?86ed|un eighty six|bring back|bringing back|put back|restock|restocked|"
    r"re-enable|reenable|enable|unmark|add back|we have more|we got more|got more|back on|serving|"
    r"we're serving|start selling|selling|un-sell out|unsold out"
)

OFF_LEAD = (
    EIGHTY_SIX
    + "|"
    + alts(
        r"out of|outta|out on|all out of|ran out of|run out of|running out of|"
        r"just ran out of|sold out of|sold out on|sold out|soldout|no more|none left of|no|nix|kill|pull|"
        r"scratch|disable|remove|stop selling|stop serving|not serving|no longer serving|not doing|"
        r"can't do|cant do|cannot do|don't have|dont have|don't have any|dont have any|we don't have|"
        r"we dont have|we have no|got no|have no|out|strike|cross off|cross out"
    )
)

NEUTRAL_LEAD = alts(r"mark|set|make|put|take|flag|list|show|we have|we got|got|have|we've got|change|update|switch")

FILLER_LEAD = alts(
    r"we're|we are|were|we|i'm|im|sorry|guys|folks|all|just|the|our|fyi|heads up|also|officially|"
    r"today|tonight|note|so|well|and|now|ya'll|y'all|yall|everyone|team|kitchen says|chef says|"
    r"looks like|looks like we're|unfortunately|sadly|good news|bad news"
)

ON_TRAIL = alts(
    r"back|back on|back on the menu|back on menu|back in stock|in stock|available|available again|"
    r"avail|avail again|again|on|on again|on the menu|on the menu again|restocked|back up|returns|"
    r"is back|are back|un86|un-86|un-86'd|un86'd|up again|ok again|good again|good to go|"
    r"back to normal|as available|as in stock|on sale again|for sale"
)

OFF_TRAIL = (
    EIGHTY_SIX
    + "|"
    + alts(
        r"sold out|soldout|out|out of stock|oos|gone|all gone|unavailable|not available|n/a|"
        r"unavail|off|off the menu|off menu|done|finished|none left|left|all out|out for the day|"
        r"as sold out|as unavailable|as out|as 86|as 86'd|over|kaput|is out|are out|run out|ran out|"
        r"not avail|empty"
    )
)

FILLER_TRAIL = alts(
    r"today|tonight|for today|for tonight|for the day|for the night|for the rest of the day|"
    r"rest of the day|for now|right now|now|at the moment|atm|currently|until tomorrow|till tomorrow|"
    r"til tomorrow|sorry|guys|folks|y'all|yall|too|as well|also|anymore|any more|already|for lunch|"
    r"for dinner|for breakfast|this morning|this afternoon|this evening|tho|though|fyi|everyone|team|"
    r"for good|for sure|until further notice|till further notice|on the menu|on menu|item|"
    r"for the week|for the weekend|from now on|lol|unfortunately|again today"
)

PRICE_VERBS = alts(
    r"set|change|make|bump|raise|drop|lower|increase|decrease|update|reduce|put|mark|adjust|fix|cut|"
    r"move|reprice|charge|switch|hike|knock|up|new price|new price for|new price on|lets do|let's do|"
    r"do|price|prices|cost|go|take|mark up|mark down|markdown|discount"
)

PRICE_LEAD_FILLER = alts(
    r"the price of|price of|price for|price on|the price for|the price on|cost of|the cost of|"
    r"prices on|prices for|the|our|we're|we are|we'll|we will|now"
)

CONNECTORS = alts(
    r"to|at|=|->|>|=>|is|is now|now|:|@|for|costs|cost|should be|will be|price is|price|prices|"
    r"price to|price at|goes to|go to|becomes|now at|up to|down to|now costs|is going to|is gonna be|"
    r"gonna be|'s price|s price|price should be|to be|as|is priced at|priced at|sells for|sell for|-|"
    r"price now|new price|now is|is at|each|ea|set to|changed to|change to"
)
