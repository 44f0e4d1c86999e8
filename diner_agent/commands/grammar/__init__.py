"""The deterministic grammar: reads owner texts into commands in well under a millisecond, for free.

A text is normalised, checked against whole-message keywords (YES, UNDO, HELP, MENU...), then cut at
hard separators (new lines, ";", ". ", "also") into chunks. Each chunk is read as one clause if it can
be; otherwise it is split at soft separators ("," / "and") into several clauses, each of which must read
completely. Nothing half-read is ever returned as commands: one unreadable part and the answer is the
most relevant problem ("Which pie...?") with no commands at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from diner_agent.commands.grammar.availability import availability
from diner_agent.commands.grammar.closures import emergency, reopen
from diner_agent.commands.grammar.common import Context, Outcome, Problem, Reading
from diner_agent.commands.grammar.hours import hours
from diner_agent.commands.grammar.keywords import keyword
from diner_agent.commands.grammar.prices import price
from diner_agent.commands.model import Command
from diner_agent.commands.normalize import MAX_GRAMMAR_CHARS, clean, normalize, trim_fillers
from diner_agent.commands.resolve import Match, resolver_for, singular
from diner_agent.menu.records import MenuSnapshot

__all__ = ["GrammarResult", "Problem", "read"]

_HARD_SPLIT = re.compile(
    r"\s*(?:\n+|;+|(?<!\d)\.\s+|\s+also\s+|\s+then\s+|\s+and then\s+|\s+oh and\s+|\s+plus\s+|\s*\|\s*)\s*"
)
# After a number, a new clause may start ("tots 4 bacon 4"), but not at words that belong to the number.
_NOT_AFTER_NUMBER = (
    r"(?:today|tonight|tomorrow|tmrw|am|pm|a\.m|p\.m|every|daily|on|till|til|until|to|and|or|through|thru|each|ea|"
    r"per|dollars?|bucks?|cents?|now|instead|sharp|o'?clock)\b"
)
_SOFT_SPLIT = re.compile(
    r"(\s*,\s*and\s+|\s*,\s*(?:but\s+)?|\s*[!?]+\s*|\s+but\s+|\s+/\s+|\s+and\s+|\s+n\s+|"
    r"\s+(?=(?:86|un-?86)\b)|(?<=\d)(?<!86)\s+(?=[a-z$])(?!" + _NOT_AFTER_NUMBER + r"))"
)
_PARSERS = (reopen, emergency, hours, availability, price)
_MAX_ATOMS = 10


@dataclass(frozen=True)
class GrammarResult:
    """What the grammar made of a text: commands (all of it read), or a problem, or nothing at all."""

    commands: tuple[Command, ...] = ()
    matches: tuple[Match, ...] = ()
    problem: Problem | None = None
    # Some of the text was read and some was not (for a text with a problem: whether any other part
    # read; for one with no problem: whether an earlier part did). Such a text is not read fully, so a
    # model (when one is configured) is asked to read it whole (understand.py).
    partial: bool = False

    @property
    def fuzzy(self) -> bool:
        return any(not m.certain for m in self.matches)

    @property
    def understood(self) -> bool:
        return bool(self.commands)


def read(text: str, snapshot: MenuSnapshot, now: datetime) -> GrammarResult:
    """Read one owner text against a tenant's menu. Never raises on any input."""
    if len(text) > MAX_GRAMMAR_CHARS:
        return GrammarResult(
            problem=Problem("That text is too long for me; send one or two changes per text.", 3, "invalid")
        )
    cleaned = clean(text)
    addressee = _ADDRESSEE.match(cleaned)
    if addressee and _is_addressee(addressee.group(1).lower(), snapshot):
        cleaned = cleaned[addressee.end() :]  # "Pat - lobster rolls are 86": a note to a coworker
    cleaned = cleaned.lower()
    word = keyword(cleaned, cleaned=True)
    if word is not None:
        return GrammarResult(commands=(word,))
    norm = normalize(cleaned, cleaned=True)
    if not norm:
        return GrammarResult()
    ctx = Context.build(snapshot, resolver_for(snapshot), now)
    chunks = [trim_fillers(c.strip()) for c in _HARD_SPLIT.split(norm)]
    chunks = [c for c in chunks if c.strip(" ,")]
    if len(chunks) > 1:
        # "Pipe fixed. We are open again." / "... Thank you.": drop what only frames the command.
        chunks = [c for c in chunks if not _ASIDE.match(c)] or chunks
    commands: list[Command] = []
    matches: list[Match] = []
    previous: Reading | None = None
    for chunk in chunks:
        outcome = _read_chunk(chunk, ctx)
        if not isinstance(outcome, Reading) and previous is not None:
            carried = _carry(chunk, previous)  # "... Please mark them as sold out." / "Key lime too."
            again = _read_chunk(carried, ctx) if carried else None
            if isinstance(again, Reading):
                outcome = again
        if not isinstance(outcome, Reading):
            # Only a problem needs the rest looked at: a text with an unreadable part and no problem is
            # offered to a model anyway, so its other parts are not read twice.
            partial = bool(commands) or (outcome is not None and _read_elsewhere(chunks, chunk, ctx))
            return GrammarResult(problem=outcome, partial=partial)
        for command, match in _pairs(outcome):
            if all(command != c for c in commands):  # "hot wings are gone, 86 em" names them twice
                commands.append(command)
                if match is not None:
                    matches.append(match)
        previous = outcome
    return GrammarResult(tuple(commands), tuple(matches))


def _read_elsewhere(chunks: list[str], failed: str, ctx: Context) -> bool:
    """Whether another part of a text that failed to read did read: a later chunk, or one clause of the
    chunk that failed ("86 the pie and knock a buck off the coffee": the second half is read alone)."""
    later = chunks[chunks.index(failed) + 1 :]
    if any(isinstance(_read_chunk(chunk, ctx), Reading) for chunk in later):
        return True
    atoms = _SOFT_SPLIT.split(failed)[0::2]
    return len(atoms) > 1 and any(isinstance(_read_clause(a.strip(" ,"), ctx), Reading) for a in atoms if a.strip(" ,"))


def _is_addressee(word: str, snapshot: MenuSnapshot) -> bool:
    resolver = resolver_for(snapshot)
    return word not in _NOT_NAMES and singular(word) not in resolver.vocabulary and not resolver.near(singular(word))


def _pairs(reading: Reading) -> list[tuple[Command, Match | None]]:
    by_name = {m.item.name: m for m in reading.matches}
    return [(c, by_name.get(c.target) if isinstance(c.target, str) else None) for c in reading.commands]


# A capitalised name and a dash or colon opening the text addresses a person, not the menu.
_ADDRESSEE = re.compile(r"^([A-Z][a-z]{1,14})\s*(?:-+|:|,)\s+(?=\S)")
_NOT_NAMES = frozenset(
    "hours menu closed close closing open emergency today tomorrow tonight update note fyi please out back new "
    "price prices special specials weekdays weekends sold mon tue wed thu fri sat sun monday tuesday wednesday "
    "thursday friday saturday sunday christmas reopen hi hey hello yes no ok okay".split()
)
_ASIDE = re.compile(
    r"^(?:thanks?|thank you|thx|ty|cheers|sorry(?: for the trouble)?|have a (?:good|great|nice) (?:day|one|shift)|"
    r"good morning|morning|hi|hello|hey|ok|okay|[a-z]+ here|this is [a-z]+|"
    r"(?:the |our )?[a-z]+(?: [a-z]+)?(?:'s| is| are| was| got)? (?:fixed|back on|restored|working again|sorted|"
    r"repaired|back up|all fixed|cleaned up)(?: now)?)$"
)
_TOO = re.compile(
    r"^(?:and\s+|but\s+)?(?:(?:same for|same with|ditto for|ditto|also|and also)\s+)?(?:the\s+)?(?P<x>.+?)"
    r"(?P<too>\s+(?:too|as well|also))?$"
)


def _carry(text: str, previous: Reading) -> str | None:
    """Say again, with the earlier clause's items or action, what a later clause leaves implicit:
    "them" -> the items just named; "key lime too" -> the action just taken, for key lime."""
    items = [c.target for c in previous.commands if c.action in ("toggle_available", "update_price")]
    if not items:
        return None
    if _PRONOUN.search(text):
        return _PRONOUN.sub(" and ".join(items), text, count=1)
    m = _TOO.match(text)
    if m is None or not (m.group("too") or re.match(r"^(?:and |but )?(?:same|ditto|also|and also)\b", text)):
        return None
    last = previous.commands[-1]
    if last.action == "toggle_available":
        return f"86 {m.group('x')}" if last.value is False else f"{m.group('x')} is back"
    if last.action == "update_price":
        return f"{m.group('x')} {last.value}"
    return None


def _read_clause(clause: str, ctx: Context) -> Outcome:
    best: Problem | None = None
    for parser in _PARSERS:
        outcome = parser(clause, ctx)
        if isinstance(outcome, Reading):
            return outcome
        if isinstance(outcome, Problem) and (best is None or outcome.weight > best.weight):
            best = outcome
    return best


def _read_chunk(chunk: str, ctx: Context) -> Reading | Problem | None:
    """Read a chunk as the fewest clauses that each read completely (longest clauses tried first)."""
    whole_first = _read_clause(chunk, ctx)
    if isinstance(whole_first, Reading) and not whole_first.fuzzy:
        return whole_first  # the common case: one clause, read with certainty; no need to try splits
    parts = _SOFT_SPLIT.split(chunk)
    if len(parts) // 2 + 1 > _MAX_ATOMS:
        return whole_first
    outcome = _read_parts(parts, ctx, whole_first)
    if not isinstance(outcome, Reading) and len(parts) > 1:
        referred = _refer_back(parts, ctx)  # "chili dogs, 86 em"; "frito pie back on, now 7.50"
        if referred is not None:
            again = _read_parts(referred, ctx, None)
            if isinstance(again, Reading):
                return again
    return outcome


def _read_parts(parts: list[str], ctx: Context, whole: Outcome) -> Reading | Problem | None:
    atoms = parts[0::2]
    memo: dict[tuple[int, int], Outcome] = {}
    if whole is not None:
        memo[(0, len(atoms))] = whole

    def clause(i: int, j: int) -> Outcome:
        if (i, j) not in memo:
            text = "".join(parts[2 * i : 2 * j - 1]).strip(" ,")
            memo[(i, j)] = _read_clause(text, ctx) if text else None
        return memo[(i, j)]

    # For each suffix, the reading with the fewest fuzzy item matches, then the fewest clauses.
    solved: dict[int, tuple[tuple[int, int], Reading] | None] = {len(atoms): ((0, 0), Reading(()))}
    for i in range(len(atoms) - 1, -1, -1):
        solved[i] = None
        for j in range(len(atoms), i, -1):
            head, tail = clause(i, j), solved[j]
            if not isinstance(head, Reading) or tail is None:
                continue
            fuzzy = sum(1 for m in head.matches if not m.certain)
            score = (tail[0][0] + fuzzy, tail[0][1] + 1)
            if solved[i] is None or score < solved[i][0]:  # type: ignore[index]
                solved[i] = (score, Reading(head.commands + tail[1].commands, head.matches + tail[1].matches))
    if solved[0] is not None and solved[0][1].commands:
        return solved[0][1]
    problems = [o for o in memo.values() if isinstance(o, Problem)]
    first = clause(0, len(atoms))
    if isinstance(first, Problem):
        problems.insert(0, first)
    if not problems:
        return None
    return max(problems, key=lambda p: p.weight)


_PRONOUN = re.compile(r"\b(?:it|em|'em|them|those|these|that one|this one|those ones)\b")
_NO_ITEM = re.compile(r"^(?:(?:and|but)\s+)?(?:now|price|new price|price now|it's|its|make it|at)\s+(?=\$?\d)")


def _refer_back(parts: list[str], ctx: Context) -> list[str] | None:
    """Put what an earlier clause named where a later one only points at it: "86 em", "now 7.50",
    "key lime too". An earlier clause that was only there to name the item ("last slice of pecan pie
    just went, 86 it") is dropped once its item has been carried over; one that is a command stays."""
    atoms = parts[0::2]
    keep = [True] * len(atoms)
    changed = False
    for k in range(1, len(atoms)):
        pointing = _PRONOUN.search(atoms[k]) is not None or _NO_ITEM.match(atoms[k]) is not None
        carrying = _TOO.match(atoms[k]) is not None and (
            bool(_TOO.match(atoms[k]).group("too")) or re.match(r"^(?:same|ditto|also)\b", atoms[k]) is not None
        )
        if not (pointing or carrying):
            continue
        source = k - 1
        reading = _read_clause(atoms[source], ctx)
        if isinstance(reading, Reading) and reading.commands:
            carried = _carry(atoms[k], reading)
            if carried is None and _NO_ITEM.match(atoms[k]):
                names = [c.target for c in reading.commands if c.action in ("toggle_available", "update_price")]
                carried = f"{' and '.join(names)} {atoms[k]}" if names else None
            if carried is not None:
                atoms[k] = carried
                changed = True
            continue
        if not pointing:
            continue
        named = None
        for source in range(k - 1, -1, -1):
            named = _spot_item(atoms[source], ctx)
            if named is not None:
                break
        if named is None:
            continue
        if _PRONOUN.search(atoms[k]):
            atoms[k] = _PRONOUN.sub(named, atoms[k], count=1)
        else:
            atoms[k] = f"{named} {atoms[k]}"
        keep[source] = keep[source] and isinstance(_read_clause(atoms[source], ctx), Reading)
        changed = True
    if not changed:
        return None
    out: list[str] = []
    for atom, flag in zip(atoms, keep, strict=True):
        if flag:
            if out:
                out.append(", ")
            out.append(atom)
    return out


def _spot_item(text: str, ctx: Context) -> str | None:
    """The item an earlier clause mentions: "last slice of pecan pie just went" -> "Pecan Pie"."""
    found = ctx.resolver.spot(text, limit=1)
    return found[0].name if found else None
