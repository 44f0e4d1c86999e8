"""Lexicon phrases as regular expressions, built one way wherever a stage compiles its patterns."""

from __future__ import annotations

import re
from collections.abc import Iterable


def alternation(phrases: Iterable[str], *, longest_first: bool = False) -> str:
    """The phrases as one regex alternation: each escaped, a space matching any run of spaces. Longest first
    when asked, so that "no wait" is preferred to "no" where both match. An empty list gives a pattern that
    matches nothing (an empty alternation would match everywhere)."""
    ordered = sorted(phrases, key=len, reverse=True) if longest_first else list(phrases)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered) or "(?!)"
