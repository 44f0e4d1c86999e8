"""Self-repairs in speech: the owner corrects a word while still talking, with no punctuation to mark it.

A repair is a reparandum (what is taken back), an editing phrase ("no wait", "sorry", "I mean") and the
repair that replaces it, of the same kind:

- a number: "the reuben fourteen no wait thirteen fifty" -> "the reuben 13.50"; "closing at 2:30 today
  no make that 2" -> "closing at 2 today"; an echo that only confirms is dropped ("4.25 yeah 4.25");
- an item: "86 the pecan pie wait no the key lime pie" -> "86 the key lime pie" (the words before the
  item, here the verb, stay and now govern the repair); a bare "no" counts only before "the" ("no
  fries no tots" is two sold-out items, "the reuben no the tuna melt" is a repair);
- a restart: "the cup the cup of chili is 6": the item said twice, the first one dropped;
- one-anaphora: "the strawberry one" after "chocolate shake" is the strawberry shake: "one" stands for
  the head noun said before it, when that reading names a menu item.

The editing phrases are the lexicon's replacement and retraction words; the menu decides what an item
mention is (`runon.mentions`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from diner_agent.commands.grammar.runon import mentions
from diner_agent.commands.item_words import singular
from diner_agent.commands.lexicon import ENGLISH, Lexicon, alternation
from diner_agent.commands.resolve import Match, Resolver
from diner_agent.commands.spoken import NUMBER_RUN

_NUM = rf"(?:\$?\d+(?:[.:]\d{{1,2}})?|{NUMBER_RUN})"
_UNIT = r"(?:\s+(?:dollars?|bucks?|today|tonight|tomorrow|am|pm|sharp|even))?"
_ECHO = re.compile(
    r"(?<![\w.$:])(\$?\d+(?:[.:]\d{1,2})?)\s+(?:(?:yeah|yes|yep|right|that's right|so|it's|its)\s+)+\1(?![\w.:])"
)
_ONE = re.compile(r"\b(the|a|that)\s+([a-z]+)\s+(ones?)\b")
_WORD = re.compile(r"\S+")
_MAX_GAP = 3  # words between the item taken back and the editing phrase ("the reuben 14 is out no ...")


@lru_cache(maxsize=4)
def _editing(lexicon: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str]]:
    phrases = {*lexicon.replacements, *lexicon.retractions} - {"no", "ignore", "edit"}
    phrases |= {"no no", "no sorry", "sorry no", "no wait a minute"}
    alts = alternation(phrases, longest_first=True)
    # Before a number any editing phrase; a bare "no" only when "the" follows ("no the tuna melt").
    number = re.compile(
        rf"(?<![\w.$:])(?P<old>{_NUM})(?P<unit>{_UNIT})\s*[,.;\u2026]*\s+(?:(?:{alts}|no)\b[\s,]*)+(?P<new>{_NUM})(?![\w:]|\.\d)"
    )
    item = re.compile(rf"(?:\b(?:{alts})\b[\s,]*)+(?:no\s+)?(?=[a-z])|\bno\s+(?=the\s)")
    return number, item


def repaired(text: str, resolver: Resolver, lexicon: Lexicon = ENGLISH) -> str:
    """The text with each self-repair applied (see the module docstring)."""
    number, item = _editing(lexicon)
    if _ECHO.search(text):
        text = _ECHO.sub(r"\1", text)
    if number.search(text):
        text = number.sub(_number_repair, text)
    if " one" in text:
        text = _ONE.sub(lambda m: _one(m, text, resolver), text)
    if item.search(text):
        text = _item_repair(text, item, resolver)
    text = _restart(text, resolver)
    return _unchanged(text, resolver) if _SAME_HINT.search(text) else text


_SAME_HINT = re.compile(r"\b(?:same|fine|good|ok|okay|unchanged|as is|alone|keep|leave)\b")
_SAME_AFTER = re.compile(
    r"^(?:(?:is|are|'s|stays|stay|can stay|will stay)\s+)?(?:still\s+)?"
    r"(?:the same|fine|good|ok|okay|unchanged|as is|as it is)(?=$|[\s,.]+(?:and|but|so|just|only|the|$))"
)
_SAME_BEFORE = re.compile(r"(?:^|\s)(?:but\s+|and\s+)?(?:keep|leave)\s+(?:the\s+)?$")
_JUST = frozenset({"just", "only"})


def _unchanged(text: str, resolver: Resolver) -> str:
    """ "86 the tots, the reuben is still fine", "keep the hash browns", "the club stays the same":
    a clause saying an item does not change is dropped, when that item is named nowhere else (said of
    an item changed earlier, it is left for the grammar, which then asks). "just the blt" after the blt
    was changed only restates it."""
    words = text.split()
    spans = mentions(words, resolver)
    items = [resolver.resolve(" ".join(words[a:b])) for a, b in spans]
    ids = [r.item.id if isinstance(r, Match) else None for r in items]
    for n, (a, b) in enumerate(spans):
        others = [i for k, i in enumerate(ids) if k != n]
        rest = " ".join(words[b:])
        head = " ".join(words[:a]) + " "
        start = a - 1 if a > 0 and words[a - 1] == "the" else a
        restating = ids[n] is not None and ids[n] in others and b == len(words) and start and words[start - 1] in _JUST
        if restating and not _SAME_HINT.search(" ".join(words[: start - 1])):  # no other item's "is fine" left
            return " ".join(words[: start - 1])  # "... the blt is 10.50 just the blt": said again, not new
        if ids[n] is None or ids[n] in others:
            continue
        after = _SAME_AFTER.match(rest)
        before = _SAME_BEFORE.search(head)
        if after is not None:
            drop_from = start - (1 if start > 0 and words[start - 1] in ("but", "and") else 0)
            kept = words[:drop_from] + rest[after.end() :].split()
        elif before is not None and (b == len(words) or words[b] in ("and", "but", "so")):
            kept = head[: before.start()].split() + words[b:]
        else:
            continue
        return _unchanged(" ".join(kept), resolver) if kept else text
    return text


def _number_repair(m: re.Match[str]) -> str:
    if m.group("new") == "86":
        return m.group(0)  # "the reuben 13 no 86 it": a new command, not a new number
    unit = m.group("unit") or ""
    if unit and m.string[m.end() :].startswith(unit):
        unit = ""  # "3 dollars no 4 dollars": the repair says its unit again
    return f"{m.group('new')}{unit}"


def _one(m: re.Match[str], text: str, resolver: Resolver) -> str:
    """ "the strawberry one" -> "the strawberry shake" when a shake was just named."""
    modifier = m.group(2)
    if modifier in ("other", "same", "last", "next", "new", "old", "good", "big", "small") or modifier.isdigit():
        return m.group(0)
    before = text[: m.start()].split()
    heads = [w for w in before if singular(w.strip(",.'")) in resolver.vocabulary and w != modifier]
    if not heads:
        return m.group(0)
    head = heads[-1].strip(",.")
    found = resolver.resolve(f"{modifier} {head}")
    if isinstance(found, Match) and found.certain:
        return f"{m.group(1)} {modifier} {head}"
    return m.group(0)


def _item_repair(text: str, item: re.Pattern[str], resolver: Resolver) -> str:
    """Drop an item mention taken back by an editing phrase and an item after it."""
    for _ in range(3):
        words = text.split()
        spans = mentions(words, resolver)
        offsets = [m.start() for m in _WORD.finditer(text)]
        changed = False
        for edit in item.finditer(text):
            after = len(text[: edit.end()].split())  # the first word of the repair
            before = len(text[: edit.start()].split())  # words before the editing phrase
            repair = next((s for s in spans if s[0] in (after, after + 1)), None)
            taken = [s for s in spans if s[1] <= before and before - s[1] <= _MAX_GAP]
            if repair is None or not taken:
                continue
            start = taken[-1][0]
            if any(s[0] >= taken[-1][1] and s[1] <= before for s in spans):
                continue  # another item stands between: not a repair of this one
            while start > 0 and words[start - 1] in ("the", "a", "an"):
                start -= 1
            text = (text[: offsets[start]] + text[edit.end() :]).strip()
            changed = True
            break
        if not changed:
            return text
    return text


def _restart(text: str, resolver: Resolver) -> str:
    """ "the cup the cup of chili": the same item said twice in a row, the first time broken off."""
    words = text.split()
    said = [singular(w.strip(",.'")) for w in words]
    menu_words = [w for w in said if w in resolver.vocabulary]
    if len(set(menu_words)) == len(menu_words):
        return text  # no menu word said twice: the common case, no mention to look for
    spans = mentions(words, resolver)
    for (a, b), (c, d) in zip(spans, spans[1:], strict=False):
        gap = words[b:c]
        if gap not in ([], ["the"]):
            continue
        first, second = resolver.resolve(" ".join(words[a:b])), resolver.resolve(" ".join(words[c:d]))
        if isinstance(first, Match) and isinstance(second, Match) and first.item.id == second.item.id:
            start = a - 1 if a > 0 and words[a - 1] == "the" else a
            return _restart(" ".join(words[:start] + words[c - len(gap) if gap else c :]), resolver)
    return text
