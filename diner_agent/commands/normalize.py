"""Turn a raw text into the canonical lowercase form the grammar reads.

Phones and people vary: smart quotes, en dashes, emoji, "&" for "and", "pls" and "!!!" at the end.
Normalising once here keeps every grammar rule simple and fast.
"""

from __future__ import annotations

import re
import unicodedata

from diner_agent.commands.lexicon import ENGLISH
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
_DISALLOWED = re.compile(r"[^\w$&:\-/'.,;!?@#%+=>()\"\n]|_")
_NEWLINES = re.compile(r"\s*\n[\s\n]*")
_SPACES = re.compile(r"\s+")
_LEADING_PHRASES = (
    "hey|hi|hello|yo|ok|okay|k|so|um|uh|hmm|fyi|heads up|quick one|update|also|and|oh|oops|alright|please|pls|plz|"
    "can you|could you|can u|could u|would you|pls can you|go ahead and|i need to|i need you to|i want to|"
    "we need to|need to|let's|lets|gotta|kindly|would you kindly|could you kindly|would you please|"
    "could you please|can you please|dear|couple things|a couple things|couple of things|a couple of things|"
    "a few things|few things|two things|three things|a few changes|couple changes|a couple changes|first thing|"
    "first off|first thing is"
)
_TRAILING_PHRASES = (
    "please|pls|plz|plse|thanks|thank you|thx|thnx|ty|tia|asap|k|ok|okay|now please|cheers|sorry|lol|kindly|"
    "thank you kindly|thanks so much|thanks a lot|much appreciated|appreciate it|have a good day|"
    "have a great day|regards|best|thank you very much|many thanks"
)
_LEADING = re.compile(r"^(?:(?:" + _LEADING_PHRASES + r")\b[\s,:!.-]*)+")
_TRAILING = re.compile(r"(?:[\s,.!-]*\b(?:" + _TRAILING_PHRASES + r")\b)+[\s.!?]*$")
# Cheap tests before those alternations: most texts start with an item or a verb and end with a word
# that no politeness phrase ends with.
_LEAD_INITIALS = frozenset(p[0] for p in _LEADING_PHRASES.split("|"))
_TRAIL_LAST_WORDS = frozenset(p.split()[-1] for p in _TRAILING_PHRASES.split("|"))
_ENDS = " ,.!-?"
# "dec. 31": the period is an abbreviation, not the end of a sentence.
_MONTH_DOT = re.compile(r"\b(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.\s*(?=\d)")
# "hey, it's Jo", "Jo here, ...": who is texting is known from the number; drop the introduction.
_SIGNED = re.compile(
    r"^(?:(?:hey|hi|hello|yo|morning|good morning)[\s,!.]+(?:it'?s|its|this is)\s+[a-z]+\b(?:\s+here\b)?"
    r"|(?:(?:hey|hi|hello|yo)[\s,!.]+)?[a-z]+\s+here\b)[\s,.!-]*"
)
# A letter's frame: "Hi Pat, ..." and "... Thanks, Lee".
_GREETING_NAME = re.compile(r"^(?:hi|hey|hello|good morning|good afternoon|morning|dear)\s+[a-z]+\s*[,!.:-]+\s*")
_SIGN_OFF = re.compile(
    r"[,.!;\s]+(?:thanks|thank you|thx|cheers|regards|best|best regards|kind regards|love|warmly)[\s,-]+"
    r"[a-z]+[.!]?$"
)
_PUNCT_RUN = re.compile(r"\s*([,.;!?])(?:\s*[,.;])+\s*")
_TRAILING_PUNCT = re.compile(r"[\s.!?,;:~*]+$")
_LEADING_PUNCT = re.compile(r"^[\s.!?,;:~*\-]+")


def clean(text: str) -> str:
    """Unicode-fold, drop control characters and symbols (emoji), map look-alike punctuation."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE).replace("\r", "\n")
    # A line break separates list entries or clauses ("86\nwings\nfries"): keep it as a comma.
    text = _NEWLINES.sub(", ", _DISALLOWED.sub(" ", text).strip())
    return _SPACES.sub(" ", text).strip(" ,")


def normalize(text: str, *, cleaned: bool = False) -> str:
    """The grammar's view of a text: lowercase, folded, without greetings, politeness or trailing '!!'.

    `cleaned=True` says `text` already went through `clean()` (and lowercasing)."""
    text = text if cleaned else clean(text).lower()
    text = text.replace("&", " and ").replace(" + ", " and ")
    text = _MONTH_DOT.sub(r"\1 ", text)
    text = _SPACES.sub(" ", digits(text)).strip()
    text = _SIGNED.sub("", text)
    text = _GREETING_NAME.sub("", text)
    text = _SIGN_OFF.sub(_sign_off, text)
    text = _PUNCT_RUN.sub(r"\1 ", text).strip()
    return trim_fillers(text)


def _sign_off(m: re.Match[str]) -> str:
    """ "thanks, Lee" signs off; "you're the best, reopened" ends with the command."""
    name = m.group(0).rstrip(".!").rsplit(None, 1)[-1].strip(" ,-")
    return m.group(0) if name in _NOT_A_NAME else ""


_NOT_A_NAME = frozenset(
    (*ENGLISH.schedule_cues, *ENGLISH.cue_off, *ENGLISH.cue_on, *ENGLISH.time_words, "reopened", "opened", "86d")
)


def trim_fillers(text: str) -> str:
    """Drop greetings and politeness from both ends ("ok so ... pls!!"); also used on each sentence."""
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_PUNCT.sub("", text)
        if text[:1] in _LEAD_INITIALS:
            text = _LEADING.sub("", text)
        text = _TRAILING_PUNCT.sub("", text)
        last = text[text.rfind(" ") + 1 :].strip(_ENDS)
        if last in _TRAIL_LAST_WORDS:
            text = _TRAILING.sub("", text)
            text = _TRAILING_PUNCT.sub("", text)
    return text


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
