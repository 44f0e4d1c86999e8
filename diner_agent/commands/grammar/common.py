"""Shared pieces of the grammar: the parse context, readings, problems and item-list resolution."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from diner_agent.commands.grammar.phrases import PhraseTable, canon
from diner_agent.commands.item_words import key_of
from diner_agent.commands.lexicon import ENGLISH
from diner_agent.commands.model import Command
from diner_agent.commands.resolve import Ambiguous, Match, Resolution, Resolver, Unknown
from diner_agent.menu.records import MenuItem, MenuSnapshot


@dataclass(frozen=True)
class Context:
    """What a clause is read against: one tenant's menu, and "now" in its timezone."""

    snapshot: MenuSnapshot
    resolver: Resolver
    now: datetime  # aware
    tz: ZoneInfo
    today: date  # local

    @classmethod
    def build(cls, snapshot: MenuSnapshot, resolver: Resolver, now: datetime) -> Context:
        tz = ZoneInfo(snapshot.tenant.timezone)
        return cls(snapshot, resolver, now, tz, now.astimezone(tz).date())


@dataclass(frozen=True)
class Reading:
    """A clause read completely: commands ready to apply, and whether any item match was fuzzy. `ask`: read
    whole, but meant for later than now ("starting next week we open at 6"): asked before it is applied."""

    commands: tuple[Command, ...]
    matches: tuple[Match, ...] = ()
    ask: bool = False

    @property
    def fuzzy(self) -> bool:
        return any(not m.certain for m in self.matches)


@dataclass(frozen=True)
class Problem:
    """A clause that was meant as a command but cannot be applied; `message` is the owner's answer.

    `weight` says how surely the text was meant as that command (3: certain, e.g. an invalid price;
    1: only a loose shape matched), so the most relevant problem of several is the one reported.
    """

    message: str
    weight: int = 2
    kind: str = "invalid"  # ambiguous | unknown | invalid | incomplete | everything


Outcome = Reading | Problem | None


@dataclass
class ItemList:
    matches: list[Match] = field(default_factory=list)
    problem: Problem | None = None


_LIST_SPLIT = re.compile(r"(\s*,\s*and\s+|\s*,\s*|\s+and\s+|\s+or\s+|\s+n\s+|\s*/\s*|\s+also\s+|\s+plus\s+)")
_EDGE_LEAD = PhraseTable(
    lead="the|our|all the|all of the|all our|all|any|some|just|also|more|a|an|those|these|that|this|your|my|"
    "both|both the|any more|any of the|every|last|the last|last of the|el|la|los|las|is|are|was|do we have|"
    "did|does|has|have"
)
_EDGE_TRAIL = PhraseTable(
    trail="today|tonight|for the day|for the night|for today|for tonight|for now|for the week|for the weekend|"
    "for the morning|for the rest of the day|for the rest of the night|for morning|for lunch|for dinner|"
    "for breakfast|right now|now|anymore|any more|too|as well|also|guys|folks|sorry|till tomorrow|"
    "until tomorrow|til tomorrow|this morning|this afternoon|this evening|at the moment|atm|currently|"
    "already|either|again|both|item|items|each|ea|per order|per plate|per item|per serving|per piece|"
    "per slice|per cup|per bowl|a plate|a cup|a slice|a piece|a bowl|an order|on the menu|on menu|"
    "from now on|going forward|starting today|starting now|for sure"
)
_PHRASE_PUNCT = " ,.:;-!?'\"()"


@lru_cache(maxsize=8192)
def trim_item_phrase(phrase: str) -> str:
    """Drop articles and time fillers from the ends: "all the pot roast for today" -> "pot roast"."""
    words = phrase.strip(_PHRASE_PUNCT).split()
    keys = [canon(w) for w in words]
    i, j = 0, len(words)
    changed = True
    while changed and i < j:
        changed = False
        lead = _EDGE_LEAD.at_start(keys, i, j - 1)  # j - 1 and i + 1: never trim the phrase away whole
        if lead is not None:
            i, changed = i + lead[1], True
        trail = _EDGE_TRAIL.at_end(keys, i + 1, j)
        if trail is not None:
            j, changed = j - trail[1], True
    return " ".join(words[i:j]).strip(_PHRASE_PUNCT)


def problem_for(resolution: Resolution) -> Problem:
    if isinstance(resolution, Ambiguous):
        names = [c.name for c in resolution.candidates[:5]]
        listed = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
        return Problem(f'Which "{resolution.phrase}": {listed}? Nothing changed.', 2, "ambiguous")
    assert isinstance(resolution, Unknown)
    if resolution.everything:
        return Problem("I change one item at a time, by name (e.g. '86 meatloaf'). Nothing changed.", 3, "everything")
    hint = f" Did you mean {resolution.suggestion.name}?" if resolution.suggestion else ""
    label = resolution.phrase[:40] or "That"
    return Problem(f'"{label}" is not on the menu.{hint} Nothing changed.', 2, "unknown")


_PORTION = re.compile(
    r"^(?:a |an |one |the )?(?:plate|plates|cup|cups|bowl|bowls|glass|glasses|slice|slices|piece|pieces|basket|"
    r"baskets|side|sides|order|orders|serving|servings|scoop|scoops|stack|mug|pot|pitcher)\s+of\s+"
    r"|\s+(?:plates?|orders?|dinners?|platters?|baskets?|sandwiches)$"
)


@lru_cache(maxsize=8192)
def names_menu_word(resolver: Resolver, text: str) -> bool:
    """Whether the text has a word of the menu in it (a cheap test; `Resolver.spot` finds the items).
    The words that run the diner ("open", "closed", "hours") do not count: "we're back open" is the diner
    even on a menu with an Open-Faced Roast Beef."""
    return not resolver.vocabulary.isdisjoint(set(key_of(text).split()) - _SCHEDULE)


_SCHEDULE = frozenset(ENGLISH.schedule_cues)


_GROUP = re.compile(r"\b(?:all|both|every|each|all (?:\d|two|three|four|five))\b")


def resolve_items(phrase: str, ctx: Context, *, group: bool | None = None) -> ItemList:
    """Resolve one or several items ("patty melt and club sandwich", "mac and cheese"): the split with
    every part certain wins, then the one with fewest fuzzy parts, then the fewest parts. A name several
    items share is all of them when the text says all/both ("all the shakes"), else a question."""
    group = bool(_GROUP.search(phrase)) if group is None else group
    both = _BOTH.search(phrase) is not None
    phrase = trim_item_phrase(phrase)
    if not phrase:
        return ItemList(problem=Problem("Which item? Nothing changed.", 1, "incomplete"))
    parts = _LIST_SPLIT.split(phrase)
    if len(parts) == 1:  # one item: the common case
        resolution = _shared(_resolve(ctx.resolver, phrase), phrase, ctx)
        if not isinstance(resolution, Match):
            served = _PORTION.sub("", phrase)  # "plate of meatloaf", "catfish plates": how it is served
            if served != phrase and served:
                again = _shared(_resolve(ctx.resolver, served), served, ctx)
                resolution = again if isinstance(again, Match) else resolution
        if isinstance(resolution, Match) and group:
            resolution = _with_carriers(resolution, phrase, ctx)  # "both apple pies": Green Chile Apple Pie too
        if isinstance(resolution, Ambiguous) and both and len(resolution.candidates) != 2:
            return ItemList(problem=problem_for(resolution))  # "both" of three: which two?
        if isinstance(resolution, Match):
            return ItemList([resolution])
        if group and isinstance(resolution, Ambiguous):
            # "all the pies" over Desserts and a Chicken Pot Pie among Dinners: asked, not applied.
            one_kind = len({item.category for item in resolution.candidates}) == 1 or both  # "both": the two
            how = "word" if one_kind else "fuzzy"
            return ItemList([Match(item, how) for item in resolution.candidates])
        return ItemList(problem=problem_for(resolution))
    atoms = parts[0::2]
    if len(atoms) > 12:
        resolution = _resolve(ctx.resolver, phrase)
        if isinstance(resolution, Match):
            return ItemList([resolution])
        return ItemList(problem=problem_for(resolution))
    found = _segment(parts, ctx)
    if found is None:
        # "sweet and unsweet tea": the last word may belong to every item of the list.
        shared = _share_last_word(parts)
        found = _segment(shared, ctx) if shared is not None else None
    if found is not None:
        unique: list[Match] = []
        for match in found:
            if all(match.item.id != m.item.id for m in unique):
                unique.append(match)
        return ItemList(unique)
    whole = _resolve(ctx.resolver, phrase)
    if not isinstance(whole, Match) and (len(atoms) == 1 or isinstance(whole, Ambiguous)):
        return ItemList(problem=problem_for(whole))
    for atom in atoms:
        resolution = _resolve(ctx.resolver, trim_item_phrase(atom))
        if not isinstance(resolution, Match):
            return ItemList(problem=problem_for(resolution))
    return ItemList(problem=problem_for(whole))


_BOTH = re.compile(r"\bboth\b")


def _with_carriers(match: Match, phrase: str, ctx: Context) -> Resolution:
    """ "both cheesecakes", "all the apple pies": the item named exactly and every item whose name holds all
    its words (Strawberry Cheesecake, Green Chile Apple Pie), when the text says both or all."""
    words = set(key_of(phrase).split())
    others: dict[int, MenuItem] = {}
    for item_words, item in ctx.resolver.word_sets:
        if words and words <= item_words and item.id != match.item.id:
            others.setdefault(item.id, item)
    return Ambiguous(phrase, (match.item, *others.values())) if others else match


def _shared(resolution: Resolution, phrase: str, ctx: Context) -> Resolution:
    """A one-word name that other items carry inside a longer word ("burger": Classic Burger and the
    Cheeseburger) names them all: never only the one that has it as a separate word."""
    if isinstance(resolution, Match) and resolution.how != "word" or isinstance(resolution, Unknown):
        return resolution  # the common case, decided before any work
    carriers = _carriers(ctx.resolver, phrase)
    if not carriers:
        return resolution
    found = list(resolution.candidates) if isinstance(resolution, Ambiguous) else [resolution.item]
    ids = {item.id for item in found}
    found += [item for item in carriers if item.id not in ids]
    if len(found) == (1 if isinstance(resolution, Match) else len(resolution.candidates)):
        return resolution
    return Ambiguous(phrase, tuple(found))


@lru_cache(maxsize=4096)
def _carriers(resolver: Resolver, phrase: str) -> tuple:  # type: ignore[type-arg]
    """Items with a longer word ending in the phrase's one word ("cheeseburger" for "burger")."""
    words = key_of(phrase).split()
    if len(words) != 1 or len(words[0]) < 4:
        return ()
    word = words[0]
    out: list = []  # type: ignore[type-arg]
    for item_words, item in resolver.word_sets:
        if any(w != word and w.endswith(word) for w in item_words) and all(i.id != item.id for i in out):
            out.append(item)
    return tuple(out)


def _segment(parts: list[str], ctx: Context) -> list[Match] | None:
    """The best split of `parts` (atoms and the separators between them) into items, or None."""
    atoms = parts[0::2]

    def text(i: int, j: int) -> str:
        return "".join(parts[2 * i : 2 * j - 1])

    best: dict[int, tuple[tuple[int, int], list[Match]] | None] = {len(atoms): ((0, 0), [])}
    for i in range(len(atoms) - 1, -1, -1):
        choice = None
        for j in range(len(atoms), i, -1):
            rest = best.get(j)
            if rest is None:
                continue
            resolution = _resolve(ctx.resolver, trim_item_phrase(text(i, j)))
            if not isinstance(resolution, Match):
                continue
            if j - i > 1 and not _names_with_joiner(resolution, parts[2 * i + 1 : 2 * j - 1 : 2]):
                continue  # "bacon, cheeseburger" is two items even though "Bacon Cheeseburger" exists
            fuzzy = 0 if resolution.certain else 1
            score = (rest[0][0] + fuzzy, rest[0][1] + 1)
            if choice is None or score < choice[0]:
                choice = (score, [resolution, *rest[1]])
        best[i] = choice
    return best[0][1] if best[0] is not None else None


def _share_last_word(parts: list[str]) -> list[str] | None:
    atoms = parts[0::2]
    last = atoms[-1].split()
    if len(last) < 2:
        return None
    noun = last[-1]
    shared = list(parts)
    for k in range(0, len(parts) - 2, 2):
        if noun not in parts[k].split():
            shared[k] = f"{parts[k]} {noun}"
    return shared if shared != parts else None


_JOINER_RE = re.compile(r"(?:\band\b|&|\bn\b|\+)")


def _names_with_joiner(match: Match, separators: list[str]) -> bool:
    """A phrase spanning list separators is one item only if that item's own name or alias has the
    joining word ("Mac and Cheese", "b&g", even typed "biscuts and gravy"); commas never join."""
    if any("," in sep or "/" in sep for sep in separators):
        return False
    labels = [match.item.name, *match.item.aliases]
    return any(_JOINER_RE.search(label.lower()) for label in labels)


def _resolve(resolver: Resolver, phrase: str) -> Resolution:
    return _memo(resolver, phrase)


@lru_cache(maxsize=8192)
def _memo(resolver: Resolver, phrase: str) -> Resolution:
    return resolver.resolve(phrase)
