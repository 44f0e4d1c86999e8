"""Numbers written as words, as voice dictation and some owners produce them.

"coffee two fifty" -> "coffee 2.50", "meatloaf fifteen dollars" -> "meatloaf $15",
"four dollars and seventy five cents" -> "$4.75", "close at two today" -> "close at 2 today",
"open at six thirty" -> "open at 6:30", "half past 2" -> "2:30", "ten percent" -> "10%".

A run of number words is only rewritten where it is surely a price or a time: at the end of the text,
next to a currency or time word, or after "at"/"till"/"to". Elsewhere ("two eggs", "seven layer dip")
the words stay, and the item resolver reads them as it reads digits.
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_NUMBER = rf"(?:(?:{_NUMBER_WORD})(?:[\s-](?:{_NUMBER_WORD}))*)"
NUMBER_RUN = _NUMBER  # a run of number words ("seventeen fifty"), for the grammar's own patterns
_TIME_BEFORE = r"(?:at|till|til|until|to|from|by|@|around|after|before|past)"
_TIME_AFTER = r"(?:am|pm|a\.m\.|p\.m\.|o'?clock|today|tonight|tomorrow|tmrw|on|every|weekdays|weekends|sharp)"
_CURRENCY = r"(?:dollars?|bucks?)"

_HALF_PAST = re.compile(r"\b(?:half past|quarter past|quarter to)\s+(\d{1,2}|" + _NUMBER_WORD + r")\b")
_PERCENT = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:percent|pct|per cent)\b")
_MONEY_WORDS = re.compile(
    rf"\b(?P<d>{_NUMBER})\s+{_CURRENCY}(?:\s+(?:and\s+)?(?P<c>{_NUMBER})(?:\s+cents?)?)?(?=\W|$)"
    rf"|\b(?P<only>{_NUMBER})\s+cents?\b"
)
_RUN = re.compile(rf"\b{_NUMBER}\b")
_OTHER_FORMS = re.compile(r"percent|pct|half past|quarter (?:past|to)|the (?:\w+ )?\w+(?:st|nd|rd|th)\b")


def _value(words: str) -> list[int] | None:
    """'two' -> [2]; 'seventy five' -> [75]; 'two fifty' -> [2, 50]; 'six thirty' -> [6, 30]."""
    out: list[int] = []
    pending_tens: int | None = None
    for word in re.split(r"[\s-]+", words.strip()):
        if word in _TENS:
            if pending_tens is not None:
                out.append(pending_tens)
            pending_tens = _TENS[word]
        elif word in _UNITS:
            value = _UNITS[word]
            if pending_tens is not None and 0 < value < 10:
                out.append(pending_tens + value)
                pending_tens = None
            else:
                if pending_tens is not None:
                    out.append(pending_tens)
                    pending_tens = None
                out.append(value)
        else:
            return None
    if pending_tens is not None:
        out.append(pending_tens)
    return out or None


def _clock(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    values = _value(word)
    return values[0] if values and len(values) == 1 else None


def _half_past(m: re.Match[str]) -> str:
    hour = _clock(m.group(1))
    if hour is None or not 1 <= hour <= 12:
        return m.group(0)
    phrase = m.group(0)
    if phrase.startswith("half"):
        return f"{hour}:30"
    if phrase.startswith("quarter past"):
        return f"{hour}:15"
    return f"{(hour - 2) % 12 + 1}:45"


def _money(m: re.Match[str]) -> str:
    if m.group("only"):
        cents = _value(m.group("only"))
        return f"{cents[0]} cents" if cents and len(cents) == 1 and cents[0] < 100 else m.group(0)
    dollars = _value(m.group("d"))
    cents = _value(m.group("c")) if m.group("c") else [0]
    if not dollars or len(dollars) != 1 or not cents or len(cents) != 1 or cents[0] >= 100:
        return m.group(0)
    return f"${dollars[0]}.{cents[0]:02d}"


def _run(m: re.Match[str], text: str) -> str:
    values = _value(m.group(0))
    if values is None or len(values) > 2:
        return m.group(0)
    before = text[: m.start()].rstrip()
    after = text[m.end() :].lstrip()
    timeish = re.search(rf"\b{_TIME_BEFORE}$", before) is not None or re.match(_TIME_AFTER + r"\b", after)
    meridiem = re.match(r"(?:am|pm|a\.m\.|p\.m\.)\b", after) is not None
    ranged = _DAY_WORDS.search(text) is not None and _RANGE_START.search(before) is not None  # "tomorrow 9 to 5"
    if timeish and not meridiem and re.search(r"\b(?:to|from)$", before) and not _HOURS_WORDS.search(text):
        timeish = ranged  # "bump the burger to fourteen fifty": a price, when nothing speaks of hours
    if not timeish and _RANGE_AFTER.match(after) and (_HOURS_WORDS.search(text) or _DAY_WORDS.search(text)):
        timeish = True  # "open seven to three on saturdays": the first time of a range
    at_end = not after or re.match(r"^(?:[,.!?;]|percent\b|pct\b|%)", after) is not None
    at_end = at_end or _TAIL.match(after) is not None  # "is fourteen now", "three fifty okay", "five fifty a slice"
    if len(values) == 1:
        if m.group(0) == "one" and re.search(r"\b(?:a|the|this|that|good|great|nice|last|another|new|big)$", before):
            return m.group(0)  # "have a good one": a pronoun, not a number
        return str(values[0]) if (timeish or at_end) else m.group(0)
    whole, part = values
    if part < 10:
        return m.group(0)
    if timeish and 1 <= whole <= 12 and part <= 59:
        return f"{whole}:{part:02d}"
    if at_end or (not timeish and whole <= 99 and not _HOURS_WORDS.search(text)):
        return f"{whole}.{part:02d}"  # "meatloaf sixteen fifty pot roast ...": two number words, a price
    return m.group(0)


# Words that may follow a price before the sentence ends or the next item starts.
_TAIL = re.compile(
    r"^(?:now|okay|ok|even|flat|each|please|pls|thanks|thank you|yeah|a slice|a plate|a bowl|a cup|a piece|"
    r"per|for the|starting|from now|instead|too|as well|and|the|uh|um|so|also|then|plus|bye)\b"
)
_RANGE_AFTER = re.compile(rf"(?:to|till|til|until|thru|through|-)\s*(?:\d|(?:{_NUMBER_WORD}|noon|midnight)\b)")
_RANGE_START = re.compile(rf"(?:\d|\b(?:{_NUMBER_WORD}))\s+to$")
_DAY_WORDS = re.compile(
    r"\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\b(?:weekdays|weekends|every day|daily|today|tonight|tomorrow)\b"
)
_HOURS_WORDS = re.compile(r"\b(?:open|opens|opening|close|closes|closing|closed|hours|shut|back at|reopen)\b")
_POINT = re.compile(rf"\b({_NUMBER_WORD}|\d+)\s+point\s+((?:{_NUMBER_WORD})(?:\s+(?:{_NUMBER_WORD}))?)\b")
_HALF = re.compile(
    rf"\b({_NUMBER_WORD}|\d+)(?:\s+(?:dollars?|bucks?))?\s+and\s+(a\s+half|a\s+quarter|three\s+quarters)\b"
    r"(?!\s+(?:hours?|hrs?|past|to|after|of))"
)
_FRACTION = {"a half": "50", "a quarter": "25", "three quarters": "75"}
# "3 25", "13 50": a price said as two numbers, as a recognizer writes "three twenty five"; "15 . 95" and
# "5. 95" at the end: the point said, or heard as a full stop.
_SPLIT_DIGITS = re.compile(r"(?<![\d.:$])\b(\d{1,2})\s+(\d{2})\b(?![.:]?\d)")
_TWO_NUMBERS = re.compile(r"\d\.?\s+\.?\s*\d")
_SAID_POINT = re.compile(r"\b(\d{1,3})\s+\.\s+(\d{2})\b|\b(\d{1,2})\.\s+(\d{2})$")
_MIXED = re.compile(rf"\b({_NUMBER_WORD})\s+(\d{{2}})\b(?!\s*(?:am|pm|a\.m|p\.m|o'?clock))")


_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_ORDINAL = re.compile(r"\bthe\s+(?:(twenty|thirty)[\s-])?(" + "|".join(_ORDINALS) + r")\b(?!\s+(?:one|time|shift))")


_ORDINAL_HINT = re.compile(r"(?:st|nd|rd|th)\b")


def _ordinal(m: re.Match[str]) -> str:
    day = _ORDINALS[m.group(2)] + (_TENS[m.group(1)] if m.group(1) else 0)
    if day > 31 or (m.group(1) and _ORDINALS[m.group(2)] > 9):
        return m.group(0)
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10 if day not in (11, 12, 13) else 0, "th")
    return f"the {day}{suffix}"


def _point(m: re.Match[str]) -> str:
    whole, decimals = _clock(m.group(1)), _value(m.group(2))
    if whole is None or not decimals or any(d > 9 for d in decimals):
        return m.group(0)
    return f"{whole}." + "".join(str(d) for d in decimals).ljust(2, "0")


def _half(m: re.Match[str]) -> str:
    whole = _clock(m.group(1))
    return m.group(0) if whole is None else f"{whole}.{_FRACTION[' '.join(m.group(2).split())]}"


def _split_digits(m: re.Match[str]) -> str:
    """ "coffee 3 25" -> "coffee 3.25"; "close at 7 30" -> "close at 7:30"; the same reading as spoken words."""
    whole, part = int(m.group(1)), int(m.group(2))
    before, after = m.string[: m.start()].rstrip(), m.string[m.end() :].lstrip()
    timeish = re.search(rf"\b{_TIME_BEFORE}$", before) is not None or re.match(_TIME_AFTER + r"\b", after)
    if timeish or _HOURS_WORDS.search(m.string):  # "open 6 30 to 2": a time wherever hours are spoken of
        return f"{whole}:{part:02d}" if 1 <= whole <= 12 and part <= 59 else m.group(0)
    return f"{whole}.{part:02d}" if part >= 10 else m.group(0)


def _mixed(m: re.Match[str]) -> str:
    if m.group(1) == "one" and re.search(r"\b(?:the|a|that)\s+[a-z]+\s+$", m.string[: m.start()]):
        return m.group(0)  # "the bacon one 14": "one" stands for an item, the price follows it
    whole = _clock(m.group(1))
    return m.group(0) if whole is None or whole > 99 else f"{whole}.{m.group(2)}"


def digits(text: str) -> str:
    """Rewrite spoken prices and times in a lowercase text as digits (see the module docstring)."""
    if not _RUN.search(text) and not _OTHER_FORMS.search(text) and " and a " not in text:
        if not _TWO_NUMBERS.search(text):
            return text
        text = _SAID_POINT.sub(lambda m: f"{m.group(1) or m.group(3)}.{m.group(2) or m.group(4)}", text)
        return _PERCENT.sub(r"\1%", _SPLIT_DIGITS.sub(_split_digits, text))
    text = _HALF_PAST.sub(_half_past, text)
    if "the " in text and _ORDINAL_HINT.search(text):
        text = _ORDINAL.sub(_ordinal, text)
    if " point " in text:
        text = _POINT.sub(_point, text)
    if " and " in text:
        text = _HALF.sub(_half, text)
    if any(ch.isdigit() for ch in text):
        text = _MIXED.sub(_mixed, text)
    text = _MONEY_WORDS.sub(_money, text)
    text = _RUN.sub(lambda m: _run(m, text), text)
    if _TWO_NUMBERS.search(text):
        text = _SAID_POINT.sub(lambda m: f"{m.group(1) or m.group(3)}.{m.group(2) or m.group(4)}", text)
        text = _SPLIT_DIGITS.sub(_split_digits, text)
    return _PERCENT.sub(r"\1%", text)
