"""Menu words that a speech recognizer may have heard as other words: "paddy melt", "denver amulet",
"sausage lynx", "hash rounds", "pot rose".

A recognizer writes what it heard as the nearest real word, so its errors keep the sound, not the
spelling: typo-tolerant matching (rapidfuzz) misses "amulet" for "omelet" and "lynx" for "links". Here
each word gets a phonetic key (Metaphone, from jellyfish), folded a little further for how calls blur
sounds: any opening vowel is one vowel, and a consonant before r or l at the start may be lost ("b-rowns"
heard as "rounds"). Two words sound alike when their keys are equal, or one edit apart once three
sounds long. This only proposes: the grammar asks before applying anything read through it.
"""

from __future__ import annotations

from functools import lru_cache

import jellyfish
from rapidfuzz.distance import Levenshtein

from diner_agent.commands.item_words import singular

_VOWELS = "AEIOU"


@lru_cache(maxsize=8192)
def sound_key(word: str) -> str:
    """The Metaphone key of one word, any opening vowel folded to one ("omelet", "amulet": "AMLT")."""
    key = jellyfish.metaphone(word.replace("'", ""))
    return "A" + key[1:] if key[:1] in _VOWELS else key


def _menu_keys(word: str) -> tuple[str, ...]:
    """A menu word's keys, singular and plural ("brown", "browns"), each also with a consonant before
    r or l at the start lost ("b-rowns" heard as "rounds")."""
    keys: list[str] = []
    for key in (sound_key(word), sound_key(word + "s")):
        keys.append(key)
        if len(key) > 2 and key[1] in "RL" and key[0] not in _VOWELS:
            keys.append(key[1:])
    return tuple(dict.fromkeys(keys))


def _close(heard: str, key: str) -> bool:
    """One sound apart: any one edit between keys of three sounds or more; from two sounds only a final
    sound the call lost ("rose" for "roast"), never one it added ("stuff" is not "stew")."""
    if len(heard) >= 3 and len(key) >= 3:
        return Levenshtein.distance(heard, key) <= 1
    return len(heard) == 2 and len(key) == 3 and key.startswith(heard)


@lru_cache(maxsize=64)
def _by_key(vocabulary: frozenset[str]) -> tuple[tuple[tuple[str, ...], str], ...]:
    return tuple((_menu_keys(w), w) for w in sorted(vocabulary) if w.isalpha() and len(w) >= 3)


def heard_as(word: str, vocabulary: frozenset[str]) -> tuple[str, ...]:
    """The menu words `word` may have been heard for, same-sounding first (none for a menu word)."""
    if word in vocabulary or len(word) < 3 or not word.isalpha():
        return ()
    heard = {sound_key(word), sound_key(singular(word))} - {""}
    if not heard:
        return ()
    table = _by_key(vocabulary)
    equal = tuple(w for keys, w in table if heard.intersection(keys))
    near = tuple(w for keys, w in table if w not in equal and any(_close(h, k) for h in heard for k in keys))
    return equal + near
