"""What a speech recognizer may have got wrong, tried on a sentence that reads no other way; whatever
reads through it is a proposed reading, asked before anything is applied ("Did you mean ...?").

- An item misheard as a similar-sounding word ("paddy melt", "denver amulet", "sausage lynx", "pot
  rose"): a word that is no menu word is replaced by a menu word that sounds like it
  (`sound_alike.heard_as`), but only where the replacement and the words said next to it then spell out
  one item's whole name ("pot" + "roast"), never a lone word ("bread" is no "burrito"); with several
  such items, none.
- A number heard as a word ("went up to for twenty five", "ate ninety nine", "too seventy five"): the
  homophone before a number of cents is the dollar figure.
- Numbers run together ("cheeseburger 1299"): a price the menu's maximum forbids, said as three or four
  digits, is read with the point before its last two.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from diner_agent.commands.grammar.common import Context, Outcome, Reading
from diner_agent.commands.item_words import key_of, singular
from diner_agent.commands.lexicon import ENGLISH, Lexicon
from diner_agent.commands.model import UpdatePrice
from diner_agent.commands.sound_alike import heard_as

ReadChunk = Callable[[str, Context], Outcome]

_HOMOPHONE = re.compile(r"(?<![\w.$])(for|too|ate|won)\s+(\d{2})(?![\d.:])(?!\s*(?:am|pm|minutes?|mins?|hours?)\b)")
_DIGIT = {"for": "4", "too": "2", "ate": "8", "won": "1"}
_JOINED = re.compile(r"(?<![\w.$:])(\d{3,4})(?![\w.:])(?!\s*(?:am|pm|a\.m|p\.m|hours?|minutes?)\b)")
_TIME_BEFORE = re.compile(r"\b(?:at|till|til|until|from|by|around|before|after)\s*$")
_NEVER = frozenset(
    "the and for with this that they them then than there their what when were where will would could should "
    "have has had just only also very much more less some any all both each every back over done gone sold "
    "fine good okay thanks please today tonight tomorrow bowl cup plate side order slice piece glass "
    "stuff thing things item items everything anything something".split()
)


def rehear(sentence: str, ctx: Context, read: ReadChunk, lexicon: Lexicon = ENGLISH) -> Reading | None:
    """The sentence read with likely recognizer errors undone, or None (see the module docstring)."""
    numbers = _numbers(sentence, ctx)
    heard = _items(numbers, ctx, lexicon)
    if heard == sentence:
        return None
    found = read(heard, ctx)
    if not isinstance(found, Reading) or not found.commands:
        return None
    if numbers != sentence and not all(_plausible(c, found) for c in found.commands):
        return None  # "grilled cheese 7500" is no 75.00 grilled cheese
    return found


def _plausible(command: object, reading: Reading) -> bool:
    """A price read from numbers heard together is a new price within half to twice the item's."""
    if getattr(command, "action", None) in ("change_hours", "close_emergency"):
        return True  # "open 530 to 11": a time, read as the grammar reads any time
    if not isinstance(command, UpdatePrice):
        return False  # "add patty melt 900 to lunch": a new item has no price to be near
    old = next((m.item.price_cents for m in reading.matches if m.item.name == command.target), None)
    new = round(float(command.value) * 100)
    return old is not None and old / 2 <= new <= old * 2


def _numbers(text: str, ctx: Context) -> str:
    if _HOMOPHONE.search(text):
        text = _HOMOPHONE.sub(lambda m: f"{_DIGIT[m.group(1)]}.{m.group(2)}", text)
    highest = ctx.snapshot.tenant.max_price_cents // 100

    def joined(m: re.Match[str]) -> str:
        value = int(m.group(1))
        if value <= highest or value / 100 > highest or _TIME_BEFORE.search(m.string[: m.start()]):
            return m.group(0)
        return f"{m.group(1)[:-2]}.{m.group(1)[-2:]}"

    return _JOINED.sub(joined, text) if _JOINED.search(text) else text


def _items(text: str, ctx: Context, lexicon: Lexicon) -> str:
    vocabulary = ctx.resolver.vocabulary
    protected = _protected(lexicon)
    words = text.split()
    changed = False
    for i, raw in enumerate(words):
        word = raw.strip(",.!?").removesuffix("'s")
        key = singular(word)
        if len(word) < 3 or not word.isalpha() or key in vocabulary or word in protected or key in protected:
            continue
        if ctx.resolver.near(key):
            continue  # a typo of a menu word: the fuzzy tier reads it already
        fits = {item for c in heard_as(word, vocabulary) if (item := _spells_a_name(words, i, c, ctx)) is not None}
        if len(fits) == 1:
            words[i] = raw.replace(word, next(iter(fits))[1])
            changed = True
    return " ".join(words) if changed else text


def _spells_a_name(words: list[str], i: int, candidate: str, ctx: Context) -> tuple[int, str] | None:
    """(item id, candidate) when the candidate in place of words[i], with the words said next to it,
    spells out one item's whole name or alias ("pot" + "roast"); a lone word never does."""
    trial = [w.strip(",.!?").removesuffix("'s") for w in words]
    trial[i] = candidate
    for start in range(max(0, i - 3), i + 1):
        for end in range(max(i + 1, start + 2), min(len(trial), start + 5) + 1):
            key = key_of(" ".join(trial[start:end]))
            found = ctx.resolver.by_name.get(key) or ctx.resolver.by_alias.get(key)
            if found and len(found) == 1 and len(key.split()) >= 2:
                return found[0].id, candidate
    return None


_PROTECTED: dict[int, frozenset[str]] = {}


def _protected(lexicon: Lexicon) -> frozenset[str]:
    """Words never taken for a misheard item: the lexicon's cue, time and command words, and function words."""
    found = _PROTECTED.get(id(lexicon))
    if found is None:
        words = (*lexicon.cue_off, *lexicon.cue_on, *lexicon.time_words, *lexicon.schedule_cues, *lexicon.command_verbs)
        found = _PROTECTED[id(lexicon)] = frozenset(w for p in words for w in p.split()) | _NEVER
    return found
