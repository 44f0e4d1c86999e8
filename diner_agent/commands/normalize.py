"""Turn a raw text into the canonical lowercase form the grammar reads.

Phones and people vary: smart quotes, en dashes, emoji, "&" for "and", "pls" and "!!!" at the end.
Normalising once here keeps every grammar rule simple and fast.
"""

from __future__ import annotations

import re
import unicodedata

from diner_agent.commands.spoken import digits

MAX_GRAMMAR_CHARS = 600  # owner texts are short; longer input is not read by the grammar at all

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": " - ",
        "\u2212": "-",
        "\u2192": " -> ",
        "\u00a0": " ",
        "\uff04": "$",
        "\u00a2": " cents",
    }
)
# Letters and digits of any script, and the punctuation owners use; everything else (control
# characters, emoji, symbols, odd whitespace) becomes a space.
_DISALLOWED = re.compile(r"[^\w$&:\-/'.,;!?@#%+=>()\"]|_")
_SPACES = re.compile(r"\s+")
_LEADING = re.compile(
    r"^(?:(?:hey|hi|hello|yo|ok|okay|k|so|um|uh|hmm|fyi|heads up|quick one|update|also|and|oh|oops|alright|"
    r"please|pls|plz|can you|could you|can u|could u|would you|pls can you|go ahead and|i need to|i need you to|"
    r"i want to|we need to|need to|let's|lets|gotta)\b[\s,:!.-]*)+"
)
_TRAILING = re.compile(
    r"(?:[\s,.!-]*\b(?:please|pls|plz|plse|thanks|thank you|thx|thnx|ty|tia|asap|k|ok|okay|now please|"
    r"cheers|sorry|lol)\b)+[\s.!?]*$"
)
# "dec. 31": the period is an abbreviation, not the end of a sentence.
_MONTH_DOT = re.compile(r"\b(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.\s*(?=\d)")
# "hey, it's Jo", "Jo here, ...": who is texting is known from the number; drop the introduction.
_SIGNED = re.compile(
    r"^(?:(?:hey|hi|hello|yo|morning|good morning)[\s,!.]+(?:it'?s|its|this is)\s+[a-z]+\b(?:\s+here\b)?"
    r"|(?:(?:hey|hi|hello|yo)[\s,!.]+)?[a-z]+\s+here\b)[\s,.!-]*"
)
_TRAILING_PUNCT = re.compile(r"[\s.!?,;:~*]+$")
_LEADING_PUNCT = re.compile(r"^[\s.!?,;:~*\-]+")


def clean(text: str) -> str:
    """Unicode-fold, drop control characters and symbols (emoji), map look-alike punctuation."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    return _SPACES.sub(" ", _DISALLOWED.sub(" ", text)).strip()


def normalize(text: str, *, cleaned: bool = False) -> str:
    """The grammar's view of a text: lowercase, folded, without greetings, politeness or trailing '!!'.

    `cleaned=True` says `text` already went through `clean()` (and lowercasing)."""
    text = text if cleaned else clean(text).lower()
    text = text.replace("&", " and ").replace(" + ", " and ")
    text = _MONTH_DOT.sub(r"\1 ", text)
    text = _SPACES.sub(" ", digits(text)).strip()
    text = _SIGNED.sub("", text)
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_PUNCT.sub("", text)
        text = _LEADING.sub("", text)
        text = _TRAILING.sub("", text)
        text = _TRAILING_PUNCT.sub("", text)
    return text


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
