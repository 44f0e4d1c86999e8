"""The words of an item name, folded the one way every comparison uses: lower case, accents and
punctuation gone, singular, stop words dropped, owners' shorthand ("chx", "bfast") spelled out from the
lexicon. The resolver compares these keys; the grammar uses `singular` for the words around them."""

from __future__ import annotations

import re

from diner_agent.commands.lexicon import ENGLISH
from diner_agent.commands.normalize import strip_accents

_STOP = frozenset({"the", "a", "an", "of", "and", "n", "with", "w", "our", "some", "any", "my", "your", "order"})
_NON_WORD = re.compile(r"[^a-z0-9]+")
_CLIPPED = ENGLISH.clipped


def singular(token: str) -> str:
    if len(token) <= 3 or token.endswith("ss") or token.endswith("us"):
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("ches", "shes", "sses", "xes", "oes")):
        return token[:-2]
    if token.endswith("s"):
        return token[:-1]
    return token


_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "single": "1", "double": "2", "triple": "3",
}  # fmt: skip


def tokens(text: str) -> list[str]:
    """Folded, singular, stop-word-free tokens: the unit every comparison works on. Shorthand that owners
    write for menu words ("chx", "bfast", "oj") is spelled out from the lexicon."""
    text = strip_accents(text.lower()).replace("&", " and ").replace("'", "")
    out = []
    for t in _NON_WORD.split(text):
        if t and t not in _STOP:
            spelled = _CLIPPED.get(t)
            out.extend(spelled.split() if spelled else (_NUMBER_WORDS.get(t) or singular(t),))
    return out


def key_of(text: str) -> str:
    return " ".join(tokens(text))
