"""Line breaks as sentence boundaries, for a text that did not read as one comma list.

Owners write lists one per line ("coffee 2.50\\ndecaf 2.50\\nhot tea 2.25"), often under a header line
with no colon ("new prices") or above a line of context ("beef went up again"). The grammar first
reads the lines joined by commas, which keeps a verb on one line with the items under it ("86\\nwings\\n
fries"); when that does not read whole, each line is tried as a sentence of its own, so one line it
cannot read no longer hides the lines it can (they are then asked about as a partial reading, never
applied as is). A line that opens with a correction ("oops I meant chocolate", "edit: 2") belongs to
the line before it, and a line that is only a header of plain words ("new prices") frames the list.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from diner_agent.commands.grammar.assembly import GrammarResult, Unread
from diner_agent.commands.lexicon import ENGLISH, Lexicon, alternation
from diner_agent.commands.normalize import clean


@lru_cache(maxsize=4)
def _patterns(lexicon: Lexicon) -> tuple[re.Pattern[str], frozenset[str]]:
    opens = re.compile(
        r"^(?:" + alternation({*lexicon.replacements, *lexicon.retractions}, longest_first=True) + r")\b"
    )
    headers = frozenset({*lexicon.header_plain, "new prices", "new price", "price update", "price updates"})
    return opens, headers


def lines_as_sentences(flat: str, lexicon: Lexicon = ENGLISH) -> str:
    """The plain text, lower case, with each line a sentence ("; " between them); a correction line is
    joined to the line before it with a comma, and a header line of plain words is dropped."""
    opens, headers = _patterns(lexicon)
    out: list[str] = []
    for raw in flat.split("\n"):
        line = clean(raw).lower()
        if not line:
            continue
        if " ".join(re.sub(r"[^a-z0-9' ]", " ", line).split()) in headers:
            continue
        if out and opens.match(line):
            out[-1] = f"{out[-1]}, {line}"
        else:
            out.append(line)
    return "; ".join(out)


def line_reading(by_line: GrammarResult, text: str) -> GrammarResult:
    """The line-by-line reading as it is offered: hours read from lines are asked about, since a header
    line may have given them a date the lines alone do not say ("weekend of the 14th:\n- sat 8-1")."""
    if any(c.action in _SCHEDULE for c in by_line.commands):
        return replace(by_line, partial=(*by_line.partial, Unread(text[:120], "proposed")))
    return by_line


_SCHEDULE = frozenset({"change_hours", "close_emergency", "reopen"})


def better(by_line: GrammarResult, joined: GrammarResult) -> bool:
    """Whether reading line by line understood more than reading the lines as one comma list."""
    if not by_line.commands:
        return False
    if not joined.commands:
        return True
    return len(by_line.commands) > len(joined.commands) and len(by_line.partial) <= len(joined.partial)


_PLACE = re.compile(r"^(?:(?:this is|it's|its)\s+[a-z]+\s+)?(?:over\s+|here\s+|calling\s+)?(?:at|from)\s+(?:the\s+)?")


def without_place(text: str, diner: str) -> str:
    """ "over at maple street the coffee ...": a caller saying where they call from, with words of the
    diner's own name, frames the call; the command starts after it."""
    m = _PLACE.match(text)
    if m is None:
        return text
    name = set(re.findall(r"[a-z]+", diner.lower())) - {"the", "and", "of"}
    words = text[m.end() :].split()
    n = 0
    while n < len(words) and words[n].strip(",.!") in name:
        n += 1
    return " ".join(words[n:]) if n and n < len(words) else text
