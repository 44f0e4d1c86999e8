"""Map the words an owner used for an item onto the tenant's real menu, or say why not. Never guess.

Tiers, first hit wins: exact name (case, punctuation and plural folded), alias, a word match that only
one item has ("waffle" -> Belgian Waffle), then typo-tolerant fuzzy matching with rapidfuzz. The first
three are certain; a fuzzy match must be confirmed. Several items sharing the words ("pie") is a
question listing them; no match is "not on the menu" with the closest name as a hint.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from diner_agent.commands.item_words import key_of
from diner_agent.commands.resolution import Ambiguous, How, Match, Resolution, Unknown
from diner_agent.menu.records import MenuItem, MenuSnapshot

FUZZY_MIN = 85.0  # below this a typo match is not offered
FUZZY_MARGIN = 4.0  # a runner-up this close makes a fuzzy match ambiguous
SUGGEST_MIN = 60.0
TOKEN_TYPO_MIN = 80.0
_EVERYTHING = frozenset(
    {
        "everything", "all", "all items", "whole menu", "entire menu", "everything on the menu", "all of it",
        "menu", "items", "all food", "all the food", "every item", "all the items", "everything else", "it all",
        "the whole menu", "the menu", "stuff", "everything today",
    }
)  # fmt: skip


# Words that pick the item named exactly what follows out of the items whose names hold it.
_PLAIN = frozenset({"plain", "regular", "reg", "normal", "original", "classic", "just"})


class Resolver:
    """An index over one menu snapshot; build once per menu version (see `resolver_for`)."""

    def __init__(self, items: tuple[MenuItem, ...]) -> None:
        self.items = items
        self.by_name: dict[str, list[MenuItem]] = {}
        self.by_alias: dict[str, list[MenuItem]] = {}
        self.by_squashed: dict[str, list[MenuItem]] = {}
        self.word_sets: list[tuple[frozenset[str], MenuItem]] = []
        self.choices: list[str] = []
        self.choice_items: list[MenuItem] = []
        for item in items:
            labels = [(item.name, self.by_name)] + [(a, self.by_alias) for a in item.aliases]
            for label, index in labels:
                key = key_of(label)
                if not key:
                    continue
                _add(index, key, item)
                _add(self.by_squashed, key.replace(" ", ""), item)
                self.word_sets.append((frozenset(key.split()), item))
                self.choices.append(key)
                self.choice_items.append(item)
        self.vocabulary = frozenset(w for words, _ in self.word_sets for w in words)
        self._vocabulary_list = sorted(self.vocabulary)
        self._squashed_list = sorted(self.by_squashed)
        self._near: dict[str, frozenset[str]] = {}
        self._prefixes: dict[str, list[str]] = {}
        self._fresh: dict[int, MenuItem] | None = None  # set by `rebound`: the current copies of the items

    def rebound(self, items: tuple[MenuItem, ...]) -> Resolver:
        """The same index over the same names, answering with newer copies of the items (new prices
        or availability): a dict of the items instead of building the index again after every 86."""
        copy = object.__new__(Resolver)
        copy.__dict__.update(self.__dict__)
        copy.items = items
        copy._fresh = {item.id: item for item in items}
        return copy

    def near(self, word: str) -> frozenset[str]:
        """Menu words equal to `word` or one typo away from it (numbers and short words: equal only)."""
        found = self._near.get(word)
        if found is None:
            if word in self.vocabulary:
                found = frozenset((word,))
            elif any(ch.isdigit() for ch in word) or len(word) < 3:
                found = frozenset()
            elif len(word) == 3:
                # "pye" for "pie": one letter off, same first letter, among the three-letter menu words.
                found = frozenset(
                    known
                    for known in self._vocabulary_list
                    if len(known) == 3 and known[0] == word[0] and Levenshtein.distance(word, known) == 1
                )
            else:
                matches = process.extract(
                    word, self._vocabulary_list, scorer=fuzz.ratio, score_cutoff=TOKEN_TYPO_MIN, limit=None
                )
                found = frozenset(m[0] for m in matches)
            if len(self._near) < 4096:
                self._near[word] = found
        return found

    def closest(self, key: str) -> MenuItem | None:
        """The item whose name is closest to `key`, if it is close enough to suggest."""
        scorer = fuzz.WRatio if len(key) >= 5 else fuzz.ratio
        best = process.extractOne(key, self.choices, scorer=scorer, score_cutoff=SUGGEST_MIN)
        return self._current(self.choice_items[best[2]]) if best else None

    def spot(self, text: str, *, limit: int = 3) -> list[MenuItem]:
        """Items a sentence mentions with certainty, longest runs of words first, latest first:
        "last slice of pecan pie just went" -> [Pecan Pie]. Overlapping mentions count once."""
        words = text.split()
        taken = [False] * len(words)
        found: list[MenuItem] = []
        for size in range(min(5, len(words)), 0, -1):
            for start in range(len(words) - size, -1, -1):
                if any(taken[start : start + size]):
                    continue
                resolution = self.resolve(" ".join(words[start : start + size]))
                if isinstance(resolution, Match) and resolution.certain and resolution.item not in found:
                    found.append(resolution.item)
                    taken[start : start + size] = [True] * size
                    if len(found) >= limit:
                        return found
        return found

    def _current(self, item: MenuItem) -> MenuItem:
        return item if self._fresh is None else self._fresh[item.id]

    def resolve(self, phrase: str) -> Resolution:
        result = self._resolve(phrase)
        if self._fresh is None:
            return result
        if isinstance(result, Match):
            return Match(self._fresh[result.item.id], result.how)
        if isinstance(result, Ambiguous):
            return Ambiguous(result.phrase, tuple(self._fresh[c.id] for c in result.candidates))
        return result

    def _resolve(self, phrase: str) -> Resolution:
        key = key_of(phrase)
        if not key:
            return Unknown(phrase.strip())
        if key in _EVERYTHING or phrase.strip() in _EVERYTHING:
            return Unknown(phrase.strip(), everything=True)
        for index, how in ((self.by_name, "exact"), (self.by_alias, "alias")):
            found = index.get(key)
            if found:
                return _one(phrase, found, how)  # type: ignore[arg-type]
        first, _, rest = key.partition(" ")
        if first in _PLAIN and rest:  # "plain toast", "regular fries": the item named just that, not French Toast
            for index, how in ((self.by_name, "exact"), (self.by_alias, "alias")):
                found = index.get(rest)
                if found:
                    return _one(phrase, found, how)  # type: ignore[arg-type]
        squashed = self.by_squashed.get(key.replace(" ", ""))
        if squashed:
            return _one(phrase, squashed, "exact")
        words = frozenset(key.split())
        holders = _unique_items(item for item_words, item in self.word_sets if words <= item_words)
        if holders:
            return _one(phrase, holders, "word")
        clipped = self._unclipped(key)
        if clipped is not None:  # "strawb shake", "choc shake", "bfast burrito": clipped menu words
            words = frozenset(clipped.split())
            holders = _unique_items(item for item_words, item in self.word_sets if words <= item_words)
            if holders:
                return _one(phrase, holders, "word")
        return self._fuzzy(phrase, key, words)

    def _unclipped(self, key: str) -> str | None:
        """The key with each word that is no menu word but starts exactly one menu word (3+ letters)
        spelled out; None when no word changes."""
        out, changed = [], False
        for word in key.split():
            if word in self.vocabulary or len(word) < 3 or word.isdigit():
                out.append(word)
                continue
            found = self._prefixes.get(word)
            if found is None:
                # A clipping leaves off two letters or more ("strawb", "choc"), or the g of "-ing" ("puddin");
                # one letter short is a typo ("brow" for "brown"), confirmed by the fuzzy tier instead.
                found = [
                    v
                    for v in self._vocabulary_list
                    if v.startswith(word) and (len(v) - len(word) >= 2 or (v.endswith("ing") and v == word + "g"))
                ]
                if len(self._prefixes) < 4096:
                    self._prefixes[word] = found
            if len(found) != 1:
                return None
            out.append(found[0])
            changed = True
        return " ".join(out) if changed else None

    def _fuzzy(self, phrase: str, key: str, words: frozenset[str]) -> Resolution:
        near = {w: self.near(w) for w in words}
        squashed = key.replace(" ", "")
        if len(squashed) >= 6:
            # "coldslaw" for "Cole Slaw": a typo in a name written as one word.
            best = process.extractOne(squashed, self._squashed_list, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
            if best is not None:
                holders = self.by_squashed[best[0]]
                if len(holders) == 1 and not all(near.values()):
                    return Match(holders[0], "fuzzy")
        if not all(near.values()):
            # A word that is nowhere near the menu ("lobster", "2.75"): never a match, at most a hint.
            return Unknown(phrase.strip(), self, key)
        # A typo in one word of several ("chese omlet"): every word must be close to a word of the item.
        if all(len(w) >= 4 or w in self.vocabulary for w in words):
            typo_holders = _unique_items(
                item for item_words, item in self.word_sets if all(item_words & close for close in near.values())
            )
            if len(typo_holders) == 1:
                return Match(typo_holders[0], "fuzzy")
            if len(typo_holders) > 1:
                exact_size = [i for i in typo_holders if len(key_of(i.name).split()) == len(words)]
                if len(exact_size) == 1:
                    return Match(exact_size[0], "fuzzy")
                if words.isdisjoint(self.vocabulary):
                    return Unknown(phrase.strip(), self, key)  # "fixed" is one typo from "fried": no menu word
                return Ambiguous(phrase.strip(), tuple(typo_holders))
        scorer = fuzz.WRatio if len(key) >= 5 else fuzz.ratio
        best: dict[int, tuple[float, MenuItem]] = {}
        for _choice, score, index in process.extract(key, self.choices, scorer=scorer, limit=8):
            item = self.choice_items[index]
            if item.id not in best or best[item.id][0] < score:
                best[item.id] = (score, item)
        ranked = sorted(best.values(), key=lambda pair: -pair[0])
        if not ranked:
            return Unknown(phrase.strip())
        top_score, top = ranked[0]
        if top_score >= FUZZY_MIN:
            close = [item for score, item in ranked if score >= max(FUZZY_MIN, top_score - FUZZY_MARGIN)]
            if len(close) > 1:
                return Ambiguous(phrase.strip(), tuple(close))
            return Match(top, "fuzzy")
        return Unknown(phrase.strip(), self, key)


def _add(index: dict[str, list[MenuItem]], key: str, item: MenuItem) -> None:
    bucket = index.setdefault(key, [])
    if item not in bucket:
        bucket.append(item)


def _unique_items(items) -> list[MenuItem]:  # type: ignore[no-untyped-def]
    out: list[MenuItem] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _one(phrase: str, found: list[MenuItem], how: How) -> Resolution:
    if len(found) == 1:
        return Match(found[0], how)
    return Ambiguous(phrase.strip(), tuple(found))


_cache: OrderedDict[tuple[str, int], Resolver] = OrderedDict()
_by_names: OrderedDict[tuple[str, tuple], Resolver] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 512


def resolver_for(snapshot: MenuSnapshot) -> Resolver:
    """The resolver of a snapshot, shared by every message while the tenant's menu version is unchanged.

    A new version whose names and aliases are unchanged (only prices or availability moved) reuses the
    index through `rebound`; only a change of names builds a new one."""
    key = (snapshot.tenant.id, snapshot.tenant.version)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None and (found.items is snapshot.items or found.items == snapshot.items):
            _cache.move_to_end(key)
            return found
    names = (snapshot.tenant.id, tuple((i.id, i.name, i.aliases) for i in snapshot.items))
    with _cache_lock:
        same_names = _by_names.get(names)
    built = same_names.rebound(snapshot.items) if same_names is not None else Resolver(snapshot.items)
    with _cache_lock:
        _cache[key] = built
        _by_names[names] = built
        for cache in (_cache, _by_names):
            while len(cache) > _CACHE_SIZE:
                cache.popitem(last=False)
    return built
