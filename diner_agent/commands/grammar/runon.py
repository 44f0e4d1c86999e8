"""Run-on sentences with no separators, as a phone call's transcript comes: "meatloaf sixteen pot roast
seventeen fifty", "86 the meatloaf the reuben's back and coffee is two fifty".

Speech has no commas, but each change names an item: a mention of the menu starts or ends a clause as
surely as a comma would. When a sentence does not read whole, its clauses (cut at the grammar's soft
separators) are cut again at the start and the end of each item mention, and read as the fewest runs
of pieces that each read completely, the story pieces around them (no menu word, number, day or
negation: "the machine's broken") skipped. The words between two mentions go whole to one side
("86 the fries keep the tots": "keep" opens the second clause). Spoken numbers left as words because
they stood mid-sentence ("meatloaf sixteen pot roast ...") are read as digits in each piece, where
they now end it. Nothing here guesses: a piece is read by the clause grammars or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from diner_agent.commands.grammar.common import Context, Outcome, Reading
from diner_agent.commands.grammar.marks import neutral
from diner_agent.commands.item_words import singular
from diner_agent.commands.lexicon import ENGLISH
from diner_agent.commands.resolve import Match, Resolver
from diner_agent.commands.spoken import digits

ReadClause = Callable[[str, Context], Outcome]
Cover = Callable[..., Reading | None]

_NOT_EDGE = frozenset(
    "the a an of our is are was were we we're i i'm it its it's for to and at on in just all both some any "
    "now today tonight no more out back again off so uh um then too also make set".split()
)
_INSIDE_NAMES = frozenset("and of n with".split())
_CONNECTORS = re.compile(r"^(?:(?:and|so|then|also|plus|uh|um|okay|ok|yeah|but)\s+)+|(?:\s+(?:and|so|then|uh|um))+$")
_MAX_WORDS = 40
_MAX_PIECES = 14


def mentions(words: list[str], resolver: Resolver) -> list[tuple[int, int]]:
    """Word spans that name one menu item, left to right: certain matches first (longest first), then
    typo-tolerant ones over the words left (a long word, or several menu-like words)."""
    heads = frozenset(ENGLISH.not_item_heads)
    edge_ok = [w not in _NOT_EDGE and _menu_like(w, resolver) for w in words]
    for k in range(len(words) - 1):
        if words[k + 1].removesuffix("'s") in heads:
            edge_ok[k] = False  # "waffle iron", "fish guy": the menu word names equipment or a supplier
    used = [False] * len(words)
    spans: list[tuple[int, int]] = []
    for certain in (True, False):
        for size in range(min(4, len(words)), 0, -1):
            for start in range(0, len(words) - size + 1):
                end = start + size
                if not (edge_ok[start] and edge_ok[end - 1]) or any(used[start:end]):
                    continue
                inside = words[start + 1 : end - 1]
                if any(w not in _INSIDE_NAMES and (w in _NOT_EDGE or not _menu_like(w, resolver)) for w in inside):
                    continue  # "reuben's back and coffee" is no name: a cue word is never inside one
                found = resolver.resolve(" ".join(words[start:end]))
                if not isinstance(found, Match) or found.certain != certain:
                    continue
                if "and" in inside and found.how == "word":
                    continue  # "tenders and chicken" lists two items; "fish and chips" is one name
                if certain or size > 1 or len(words[start]) >= 5:
                    spans.append((start, end))
                    used[start:end] = [True] * size
    return sorted(spans)


def _menu_like(word: str, resolver: Resolver) -> bool:
    key = singular(word.strip(",.!?'").replace("'s", "").replace("'", ""))
    return key in resolver.vocabulary or (len(key) >= 4 and bool(resolver.near(key)))


def read_run_on(sentence: str, parts: list[str], ctx: Context, read: ReadClause, cover: Cover) -> Reading | None:
    """The sentence read as clauses cut at item mentions too (see the module docstring), or None."""
    words = sentence.split()
    if len(words) < 3 or len(words) > _MAX_WORDS:
        return None
    pieces: list[str] = []
    seps: list[str] = []
    kinds: list[str] = []  # "item": a mention; "gap": words cut off next to one; "atom": a clause left whole
    first: list[bool] = []  # whether a piece opens one of the grammar's clauses
    for k, atom in enumerate(parts[0::2]):
        if k:
            seps.append(parts[2 * k - 1])
        cut = _cut(atom.split(), ctx.resolver)
        for n, (piece, kind) in enumerate(cut):
            if n:
                seps.append(" ")
            pieces.append(piece)
            kinds.append(kind)
            first.append(n == 0)
    if len(pieces) > _MAX_PIECES or all(kind == "atom" for kind in kinds):
        return None  # no mention cut anything: the grammar has already tried these clauses
    memo: dict[tuple[int, int], Outcome] = {}

    def clause(i: int, j: int) -> Outcome:
        whole = first[i] and (j == len(pieces) or first[j])
        if not whole and "item" not in kinds[i:j]:
            return None  # words cut off next to a mention are read with one, never alone ("back" is no reopening)
        if i and kinds[i] == "gap" and kinds[i - 1] == "item" and not seps[i - 1].strip():
            if pieces[i].split()[0] in _SAYS_OF_ITEM:
                return None  # "the reuben's back and ...": "back" is said of the item before it
        if (i, j) not in memo:
            text = pieces[i] + "".join(seps[k] + pieces[k + 1] for k in range(i, j - 1))
            text = _CONNECTORS.sub("", text.strip(" ,"))
            memo[(i, j)] = read(digits(text), ctx) if text else None
        return memo[(i, j)]

    asides = [_skippable(k, pieces, seps, kinds, ctx) for k in range(len(pieces))]
    found = cover(pieces, clause, asides)
    return found if found is not None and found.commands else None


def _skippable(k: int, pieces: list[str], seps: list[str], kinds: list[str], ctx: Context) -> bool:
    """A story piece the reading may leave out: neutral, and not part of the item phrase next to it.
    Right before a mention it must end a clause ("fryer's down so", not "the shrimp" of "the shrimp
    tacos" nor "two" of "two apple pies"); right after one it must open a new one ("the machine's
    broken", not "is highway robbery", which says something of the item)."""
    piece = pieces[k]
    if kinds[k] == "item" or any(ch.isdigit() for ch in piece) or not neutral(piece, ctx):
        return False
    words = piece.split()
    if any(_LISTS.search(sep) for sep in (seps[k - 1] if k else "", seps[k] if k < len(seps) else "")):
        return False  # "86 the tuna melt and lobster": a list goes on, "lobster" is an item not on the menu
    if k + 1 < len(pieces) and kinds[k + 1] == "item" and not seps[k].strip():
        if words[-1] not in _JUNCTIONS and not any(_finite(w) for w in words[1:]):
            return False
        if words[-1] in _COUNTS:
            return False  # "we only got two" + "apple pies left": a count is part of the item phrase
    if k > 0 and kinds[k - 1] == "item" and not seps[k - 1].strip():
        if words[0] not in _NEW_SUBJECT:
            return False
    return True


_LISTS = re.compile(r"\b(?:and|or|n|plus)\b|/")
_JUNCTIONS = frozenset("so and but because cause since then now okay ok anyway anyways".split())
_NEW_SUBJECT = frozenset(
    "the we we're were i i'm im they they're he she it's its our my your this that there there's so because "
    "cause since but and anyway no".split()
)
_SAYS_OF_ITEM = frozenset("back out gone done 86 86'd 86d sold is are was were".split())
_COUNTS = frozenset("one two three four five six seven eight nine ten a few couple some".split())
_FINITE = frozenset("is are was were got gone went died broke broken busted down up came come quit ran fixed".split())


def _finite(word: str) -> bool:
    """A word that makes a clause of the words before it: a verb form or a contracted one."""
    return word in _FINITE or word.endswith(("'re", "n't"))  # not "-ed": "smoked", "iced" name a dish


def _cut(words: list[str], resolver: Resolver) -> list[tuple[str, str]]:
    """One clause's words cut before and after each item mention ("item" pieces, the rest "gap");
    the words between two mentions stay together. A clause with no mention is left whole ("atom")."""
    spans = mentions(words, resolver)
    if not spans:
        return [(" ".join(words), "atom")]
    cuts = {0, len(words)}
    starts = set()
    for start, end in spans:
        while start > 0 and words[start - 1] in ("the", "a", "an", "our"):
            start -= 1
        cuts.update((start, end))
        starts.add(start)
    ordered = sorted(cuts)
    return [
        (" ".join(words[a:b]), "item" if a in starts else "gap")
        for a, b in zip(ordered, ordered[1:], strict=False)
        if a < b
    ]
