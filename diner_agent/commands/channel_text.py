"""A message as any channel delivers it, made plain text with its structure kept.

Slack sends mrkdwn (`*bold*`, `_italic_`, `` `code` ``, ```` ``` ```` blocks, `~struck~`, `<@U123>`
mentions, `<url|label>` links, `:emoji:` shortcodes, `&amp;`); phones send emoji and bullets; a voice
transcript has fillers ("um", "uh"), spoken "a m" and homophones ("at for" for "at four"). Each becomes
what the owner meant, so the grammar reads one clean form whatever the channel: a Slack message pasted
into `diner-agent parse` reads as it does through the Slack adapter.

Meaningful marks are kept as words: a struck-out part is a correction and is dropped ("~2.50~ 2.75"), a
cross emoji says sold out and a check mark says back, line breaks and bullets stay line breaks, and a
header line ("sold out:") gives its action to each line under it. The words come from the lexicon.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from diner_agent.commands.lexicon import ENGLISH, Lexicon, alternation

_MENTION = re.compile(r"<[@#!][^<>]*>|(?<![\w@])@[UW][A-Z0-9]{5,}\b")
_LINK = re.compile(r"<([^<>|]+)\|([^<>]*)>")
_BARE_LINK = re.compile(r"<((?:https?|mailto|tel):[^<>]*)>")
_CODE_BLOCK = re.compile(r"```+")
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_STRUCK = re.compile(r"(?<![\w~])~~?(?=\S)([^~\n]+?)(?<=\S)~~?(?![\w~])")
_BOLD = re.compile(r"(?<![\w*])\*\*?(?=\S)([^*\n]+?)(?<=\S)\*\*?(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_SHORTCODE = re.compile(r"(?<![\w:]):([a-z+\-][a-z0-9_+\-']{0,40}):(?!\w)")  # ":+1:" too
_QUOTE = re.compile(r"^\s*(?:>|&gt;)+\s?", re.MULTILINE)
_BULLET = re.compile(r"^[ \t]*(?:[-*\u2022\u25aa\u25cf\u2023\u2043\u00b7+]|\d{1,2}[.)](?!\d))[ \t]+", re.MULTILINE)
_SPOKEN_NUMBER = r"\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirty|fifteen|forty[- ]five"
_AM_PM = re.compile(rf"\b({_SPOKEN_NUMBER})\s*([ap])(?:\.\s?|\s)m\b", re.IGNORECASE)
# "one in the morning", "nine at night": the part of the day said instead of am/pm.
_PART_OF_DAY = re.compile(
    rf"\b({_SPOKEN_NUMBER}|\d{{1,2}}:\d{{2}})(?:\s+o'?clock)?\s+"
    r"(in the morning|in the afternoon|in the evening|at night)\b",
    re.IGNORECASE,
)
# "close at for" / "open till to thirty": after a time word a homophone is the number.
_TIME_HOMOPHONE = re.compile(
    r"\b(at|till|til|until|by|from|around)\s+(for|to|too|ate|won)\b(?=\s*(?:$|[,.;!?\n]|-\s|thirty|fifteen|forty|o'?clock|"
    r"[ap]\.?\s?m\b|today|tonight|tomorrow|sharp|on\b|every\b|now\b|instead\b|\w*days?\b))",
    re.IGNORECASE,
)
_MONEY_HOMOPHONE = re.compile(r"\b(for|to|too)\s+(?=dollars?\b|bucks?\b)", re.IGNORECASE)
# "went up to for twenty five", "toast too seventy five": before a number of cents, "too" is always the
# number, and so is "for" right after a word that cannot be followed by the preposition.
_CENTS_WORD = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|ten|eleven|twelve|fifteen)\b"
_CENTS_HOMOPHONE = re.compile(
    rf"\b(?:(?<=\bto )|(?<=\bat )|(?<=\bis )|(?<=\bbe )|(?<=\bnow ))for(?=\s+{_CENTS_WORD})"
    rf"|\btoo(?=\s+{_CENTS_WORD})",
    re.IGNORECASE,
)
_HOMOPHONE_VALUE = {"for": "four", "to": "two", "too": "two", "ate": "eight", "won": "one"}
# A transcript spells initials out: "b l t", "o j", "c f s" (never "a" or "i", which are words).
_SPELLED = re.compile(r"(?<![\w'])((?:[b-hj-z] ){1,4}[b-hj-z])(?![\w'])", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]+")
_ARROW_WORDS = re.compile(r"\u27a1\ufe0f?|\u2192|\u21d2|\u27f6|:arrow_right:|:point_right:|:heavy_arrow_right:")
_PRICE = r"\$?\d{1,3}(?:\.\d{1,2})?"
_RANGE = r"\d{1,2}(?::\d\d)?\s*(?:[ap]m?)?\s*-\s*\d{1,2}(?::\d\d)?\s*(?:[ap]m?)?"
# "2.95 -> 3.25", "7-2 -> 8-2", "from 2.95 to 3.25", "was 2.95 now 3.25": only the new value counts.
_OLD_TO_NEW = re.compile(
    rf"(?<![\w.:$-])(?:{_RANGE}|{_PRICE})\s*(?:->|=>|>)\s*(?=\$?\d)"
    rf"|\b(?:went |goes |going )?from\s+{_PRICE}\s+(?:to|->)\s+(?=\$?\d)",
    re.IGNORECASE,
)
# "should be 3.95 not 3.75", "open at 6 instead of 6:30": the old value said after the new one.
_NOT_OLD = re.compile(
    r"(?<=\d)\s*,?\s+(?:not|instead of|rather than)\s+\$?\d{1,3}(?:[.:]\d{2})?(?:\s*[ap]m)?(?![\w:]|\.\d)",
    re.IGNORECASE,
)
_BULLET_STARTS = frozenset("-*+\u2022\u25aa\u25cf\u2023\u2043\u00b7123456789")


def plain(text: str, lexicon: Lexicon = ENGLISH) -> str:
    """The text with channel formatting turned into the words it stands for (see the module docstring)."""
    if not _worth_a_pass(text):
        return text
    tables = _tables(lexicon)
    if "<" in text or "@" in text:
        text = _LINK.sub(lambda m: m.group(2), text)
        text = _BARE_LINK.sub(" ", text)
        text = _MENTION.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "`" in text:
        text = _INLINE_CODE.sub(r"\1", _CODE_BLOCK.sub("\n", text))
    if "~" in text:
        text = _STRUCK.sub(" ", text)  # struck out: what the owner corrected away
    if "*" in text:
        text = _BOLD.sub(r"\1", text)
    if "_" in text:
        text = _ITALIC.sub(r"\1", text)
    if ":" in text or not text.isascii():
        text = _ARROW_WORDS.sub(" -> ", text)
    if ">" in text or "from" in text:
        text = _OLD_TO_NEW.sub("", text)
    if " not " in text or " instead of " in text or " rather than " in text:
        text = _NOT_OLD.sub("", text)
    if ":" in text or not text.isascii():  # "huevos 11.95 ✅": a tick after a price only marks it done
        text = tables.after_number.sub(" ", text)
    if ":" in text:
        text = _SHORTCODE.sub(lambda m: tables.emoji.get(m.group(1).lower(), " "), text)
    if not text.isascii():
        for char, word in tables.emoji_chars.items():
            if char in text:
                text = text.replace(char, f" {word} ")
    if ">" in text:
        text = _unquoted(text)
    if "\n" in text or text.lstrip()[:1] in _BULLET_STARTS:
        text = _BULLET.sub("", text)
    if " in the " in text or " at night" in text:
        text = _PART_OF_DAY.sub(_meridiem_said, text)
    if " m" in text or ".m" in text:
        text = _AM_PM.sub(lambda m: f"{m.group(1)} {m.group(2).lower()}m", text)
    if " for" in text or " to" in text or " ate" in text or " won" in text:
        text = _TIME_HOMOPHONE.sub(lambda m: f"{m.group(1)} {_HOMOPHONE_VALUE[m.group(2).lower()]}", text)
        text = _MONEY_HOMOPHONE.sub(lambda m: f"{_HOMOPHONE_VALUE[m.group(1).lower()]} ", text)
        text = _CENTS_HOMOPHONE.sub(lambda m: _HOMOPHONE_VALUE[m.group(0).lower()], text)
    if _SPELLED.search(text):
        text = _SPELLED.sub(lambda m: m.group(1).replace(" ", ""), text)
    if tables.words.search(text):
        text = tables.fillers.sub(" ", text)
        text = tables.shorthand.sub(lambda m: tables.expand[m.group(0).lower()], text)
    if "\n" in text or _opens_with(text, tables):
        text = tables.relay.sub("", text)
        text = tables.lead_in.sub("", text)
    if ":" in text:
        text = _headers(text, tables)
    if "\n" not in text:
        return _SPACES.sub(" ", text).strip()
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()


def _meridiem_said(m: re.Match[str]) -> str:
    hour, part = m.group(1), m.group(2).lower()
    if part == "in the morning" or (part == "at night" and hour.lower() in ("12", "twelve")):
        return f"{hour} am"  # "twelve at night" is midnight
    return f"{hour} pm"


_AGREED = re.compile(
    r"\s*(?:(?:yes|yep|yup|yeah|ya|sure|ok|okay|please|pls|go ahead|do it|do that|sounds good)[\s,.!]*)+",
    re.IGNORECASE,
)


_PROPOSED = re.compile(r"^\s*(?:can|could|should|shall) (?:we|i|u|you)\s+", re.IGNORECASE | re.MULTILINE)


def _unquoted(text: str) -> str:
    """ "> 86 the beignets" above "they're back": a quoted line is the earlier message replied to, not a
    command of this one (read as one, it 86'd what the reply brought back). Quoted lines under a line of
    the message's own ("price update:" then "> classic 12.00") are its block, and a message that is all
    quote (pasted on its own), or a quote agreed to ("yes do it"), is read as the text it quotes."""
    lines = [line for line in text.split("\n") if line.strip()]
    first_told = next((k for k, line in enumerate(lines) if not _QUOTE.match(line)), 0)
    if first_told and _AGREED.fullmatch(" ".join(lines[first_told:])):
        asked = _QUOTE.sub("", "\n".join(lines[:first_told]))  # "> can we bump the chili to 6.50?" "yes do it"
        return _PROPOSED.sub("", asked).rstrip(" ?")
    return _QUOTE.sub("", "\n".join(lines[first_told:]))


_QUICK = re.compile(
    r"[<>*_~`:\n&\u2022\u2705\u274c\u26d4\u2714\u2716\u2611\U0001f000-\U0001faff]|\b(?:um|uh|a m|p m)\b"
)


def _worth_a_pass(text: str) -> bool:
    """Most texts are one plain line: a cheap look decides whether any formatting is there at all."""
    return True


class _Tables:
    def __init__(self, lexicon: Lexicon) -> None:
        self.emoji = {code: " sold out " for code in lexicon.emoji_off if code.isascii()}
        self.emoji.update({code: " back " for code in lexicon.emoji_on if code.isascii()})
        self.emoji_chars = {c: "sold out" for c in lexicon.emoji_off if not c.isascii()}
        self.emoji_chars.update({c: "back" for c in lexicon.emoji_on if not c.isascii()})
        marks = [re.escape(c) for c in self.emoji_chars] + [re.escape(f":{code}:") for code in self.emoji]
        self.after_number = re.compile(r"(?<=\d)(?:\s*(?:" + "|".join(marks) + r")\ufe0f?)+", re.IGNORECASE)
        self.fillers = re.compile(
            r"(?<![\w'])(?:" + alternation(lexicon.fillers, longest_first=True) + r")(?![\w'])[,.]?", re.IGNORECASE
        )
        self.expand = {k.lower(): v for k, v in lexicon.shorthand.items()}
        self.shorthand = re.compile(
            r"(?<![\w'/.])(?:" + alternation(tuple(self.expand), longest_first=True) + r")(?![\w'/])", re.IGNORECASE
        )
        self.relay = re.compile(
            r"^(?:(?:per|from|via)\s+[a-z]+\s*[-:,]+\s*|[a-z]+\s+(?:"
            + alternation(lexicon.relay_verbs, longest_first=True)
            + r")\s*"
            r"(?:that\s+|to\s+)?[:,\-]*\s*)",
            re.IGNORECASE | re.MULTILINE,
        )
        self.lead_in = re.compile(
            r"^(?:(?:" + alternation(lexicon.lead_ins, longest_first=True) + r")\s*[:!\-,.]+\s*)+",
            re.IGNORECASE | re.MULTILINE,
        )
        # One look for any word the four word passes act on; most texts have none.
        triggers = (*lexicon.fillers, *self.expand)
        self.words = re.compile(
            r"(?<![\w'])(?:" + alternation(tuple(triggers), longest_first=True) + r")(?![\w'])", re.IGNORECASE
        )
        self.lead_words = frozenset(p.split()[0] for p in lexicon.lead_ins)
        self.relay_words = frozenset(v.split()[0] for v in lexicon.relay_verbs)
        self.header_kind = {h: "off" for h in lexicon.header_off}
        self.header_kind.update({h: "on" for h in lexicon.header_on})
        self.header_kind.update({h: "plain" for h in lexicon.header_plain})


def _opens_with(text: str, tables: _Tables) -> bool:
    """Whether a one-line text could open with a lead-in or a relay ("per Maria -", "Luis says")."""
    words = text.lower().split(None, 2)
    if not words:
        return False
    first = words[0].strip(":,-!.")
    second = words[1].strip(":,-!.") if len(words) > 1 else ""
    return first in tables.lead_words or first in ("per", "from", "via") or second in tables.relay_words


@lru_cache(maxsize=4)
def _tables(lexicon: Lexicon) -> _Tables:
    return _Tables(lexicon)


_HEADER = re.compile(r"^\s*([^:\n]{1,30}?)\s*:\s*(.*)$")


def _headers(text: str, tables: _Tables) -> str:
    """A header line gives its action to the lines under it: "sold out:\\n reuben\\n tots" -> "86 reuben"..."""
    if ":" not in text:
        return text
    out: list[str] = []
    kind: str | None = None
    for line in text.split("\n"):
        m = _HEADER.match(line)
        found = tables.header_kind.get(" ".join(m.group(1).lower().split())) if m else None
        if m is not None and found is not None:
            if m.group(2).strip():  # "sold out: reuben, tots": the grammar reads a header in line itself
                kind = None
                out.append(line if found != "plain" else m.group(2))
                continue
            kind = found
            continue
        elif not line.strip():
            kind = None  # a blank line ends the header's list
            out.append(line)
            continue
        if kind in ("off", "on") and any(ch.isdigit() for ch in line):
            kind = None  # "coffee 2.75" under "sold out:" starts something else
        if kind == "off":
            line = f"86 {line}"
        elif kind == "on":
            line = f"{line} back"
        out.append(line)
    return "\n".join(out)
