"""The deterministic grammar: reads owner texts into commands in well under a millisecond, for free.

A text is made plain (channel_text: Slack mrkdwn, emoji, transcripts), normalised, corrected ("scratch
that", "make that 3.50"), checked against whole-message keywords (YES, UNDO, HELP, MENU...), then cut at
hard separators (new lines, ";", ". ", "also") into sentences. A negated or conditional sentence is held
(never applied); each other sentence is read as the fewest clauses that each read completely, skipping
asides ("ran out of buns") and stories around a command. A sentence that still does not read gets a
proposed reading from its entities and cue words, or is left unread; both make the result partial
(`GrammarResult.partial`), which is asked about, never applied as is (docs/reader.md).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from diner_agent.commands.channel_text import plain
from diner_agent.commands.grammar.assembly import ASK_FIRST, Assembly, GrammarResult, Unread
from diner_agent.commands.grammar.availability import availability
from diner_agent.commands.grammar.carry import carry, refer_back
from diner_agent.commands.grammar.closure_story import told_as_a_story
from diner_agent.commands.grammar.closures import emergency, reopen
from diner_agent.commands.grammar.common import Context, Outcome, Problem, Reading, names_menu_word
from diner_agent.commands.grammar.hours import hours
from diner_agent.commands.grammar.keywords import keyword
from diner_agent.commands.grammar.lines import better, line_reading, lines_as_sentences, without_place
from diner_agent.commands.grammar.marks import corrected, held_back, lone_aside, neutral
from diner_agent.commands.grammar.menu_edits import PARSERS as MENU_EDITS
from diner_agent.commands.grammar.misheard import rehear
from diner_agent.commands.grammar.prices import price
from diner_agent.commands.grammar.proposal import propose
from diner_agent.commands.grammar.repairs import repaired
from diner_agent.commands.grammar.runon import read_run_on
from diner_agent.commands.grammar.sold_out import with_until
from diner_agent.commands.grammar.trim import without_story
from diner_agent.commands.item_words import singular
from diner_agent.commands.normalize import MAX_GRAMMAR_CHARS, clean, normalize, trim_fillers
from diner_agent.commands.resolve import resolver_for
from diner_agent.commands.when import find_days
from diner_agent.menu.records import MenuSnapshot

__all__ = ["GrammarResult", "Problem", "Unread", "read"]

# "first thing the coffee's 2.50 second thing 86 the scrapple and third we close at 2": a spoken list.
_ENUMERATION = (
    r"\s+(?:and\s+)?(?:(?:second|third|fourth|fifth|last|next|another|one more)\s+thing(?:\s+is)?"
    r"|(?:second|third|fourth|finally|lastly)(?=\s+(?:we|we're|the|86|our|i|it's|its)\b))\s+"
)
_HARD_SPLIT = re.compile(
    r"\s*(?:\n+|;+|(?<!\d)\.\s+|(?<=\d)\.\s+(?=[a-z])|\s+also\s+|\s+then\s+|\s+and then\s+|\s+oh and\s+|"
    r"\s+plus\s+|\s*\|\s*|" + _ENUMERATION + r")\s*"
)
# After a number, a new clause may start ("tots 4 bacon 4"), but not at words that belong to the number.
_NOT_AFTER_NUMBER = (
    r"(?:today|tonight|tomorrow|tmrw|am|pm|a\.m|p\.m|every|daily|on|till|til|until|to|and|or|through|thru|each|ea|"
    r"per|dollars?|bucks?|cents?|now|instead|sharp|o'?clock)\b"
)
_SOFT_SPLIT = re.compile(
    r"(\s*,\s*and\s+|\s*,\s*(?:but\s+)?|\s*[!?]+\s*|\s+-+\s+|\s+but\s+|\s+/\s+|\s+and\s+|\s+n\s+|"
    r"\s+(?=(?:86|un-?86)\b)|(?<=\d)(?<!86)\s+(?=[a-z$])(?!" + _NOT_AFTER_NUMBER + r"))"
)
_PARSERS = (*MENU_EDITS, reopen, emergency, hours, with_until(availability), price)
_MAX_ATOMS = 10


def read(text: str, snapshot: MenuSnapshot, now: datetime) -> GrammarResult:
    """Read one owner text against a tenant's menu. Never raises on any input."""
    if len(text) > MAX_GRAMMAR_CHARS:
        return GrammarResult(
            problem=Problem("That text is too long for me; send one or two changes per text.", 3, "invalid")
        )
    flat = plain(text)
    cleaned = clean(flat)
    addressee = _ADDRESSEE.match(cleaned)
    if addressee and _is_addressee(addressee.group(1).lower(), snapshot):
        cleaned = cleaned[addressee.end() :]  # "Pat - lobster rolls are 86": a note to a coworker
    cleaned = cleaned.lower()
    word = keyword(cleaned, cleaned=True)
    if word is not None:
        return GrammarResult(commands=(word,))
    ctx = Context.build(snapshot, resolver_for(snapshot), now)
    norm = without_place(normalize(cleaned, cleaned=True), snapshot.tenant.name)
    norm = corrected(repaired(norm, ctx.resolver))
    if not norm:
        return GrammarResult()
    result = _read_sentences(norm, ctx)
    if "\n" in flat and not (result.commands and not result.partial):
        # Lines read as one comma list did not read whole: each line may be a sentence of its own.
        lines = normalize(lines_as_sentences(flat), cleaned=True)
        by_line = _read_sentences(corrected(repaired(lines, ctx.resolver)), ctx)
        if better(by_line, result):
            return line_reading(by_line, text)
    return result


def _read_sentences(norm: str, ctx: Context) -> GrammarResult:
    chunks = [trim_fillers(c.strip()) for c in _HARD_SPLIT.split(norm)]
    chunks = [c for c in chunks if c.strip(" ,")]
    if len(chunks) > 1:
        # "Pipe fixed. We are open again." / "... Thank you.": drop what only frames the command.
        # "power's back on" frames; "bacon cheeseburger back on" is a command: an aside names no item.
        kept = [c for c in chunks if not (_ASIDE.match(c) and not names_menu_word(ctx.resolver, c))]
        chunks = kept if any(not neutral(c, ctx) for c in kept) else chunks
    assembly = Assembly()
    previous: Reading | None = None
    for chunk in chunks:
        held = held_back(chunk)
        if held is not None:
            assembly.leave(chunk, held)  # never applied, whatever it says
            if held == "refused" and previous is not None:
                assembly.withdraw(previous)  # "coffee 3.25. hold off though": the sentence before is put off
            previous = None
            continue
        outcome = _read_chunk(chunk, ctx)
        if not isinstance(outcome, Reading) and previous is not None:
            carried = carry(chunk, previous)  # "... Please mark them as sold out." / "Key lime too."
            again = _read_chunk(carried, ctx) if carried else None
            if isinstance(again, Reading):
                outcome = again
        if not isinstance(outcome, Reading):
            heard = _misheard(chunk, outcome, ctx)  # "paddy melt 13", "cheeseburger 1299": asked, never applied
            if heard is not None:
                assembly.leave(chunk, "proposed")
                assembly.add(heard)
                previous = heard
                continue
            if isinstance(outcome, Problem) and outcome.kind in ASK_FIRST:  # "which pie?": asking beats any guess
                read_elsewhere = bool(assembly.commands) or _read_elsewhere(chunks, chunk, ctx)
                return GrammarResult(problem=outcome, partial=(Unread(chunk, "unread"),), read_some=read_elsewhere)
            if neutral(chunk, ctx):
                continue  # "ran out of buns", "for a staff meeting": context, not a command
            guess = propose(chunk, ctx)
            if isinstance(guess, Problem):
                return GrammarResult(problem=guess)
            if guess is None:
                assembly.leave(chunk, "unread", outcome)
                # Only a problem needs the rest looked at: a text with an unreadable part and no problem is
                # offered to a model anyway, and one with commands is partial already.
                if outcome is not None and not assembly.commands and not assembly.read_some:
                    assembly.read_some = _read_elsewhere(chunks, chunk, ctx)
                previous = None
                continue
            assembly.leave(chunk, "proposed")
            outcome = guess
        elif outcome.ask:
            assembly.leave(chunk, "proposed")  # read whole, but for later: asked first
        assembly.add(outcome)
        previous = outcome
    return told_as_a_story(assembly.result(), norm, ctx)  # "fridge died we're closing, back tmrw at 6"


def _misheard(chunk: str, outcome: Outcome, ctx: Context) -> Reading | None:
    if neutral(chunk, ctx):
        return None
    return rehear(chunk, ctx, _read_chunk)


def _read_elsewhere(chunks: list[str], failed: str, ctx: Context) -> bool:
    """Whether another part of a text that failed to read did read: a later chunk, or one clause of the
    chunk that failed ("86 the pie and knock a buck off the coffee": the second half is read alone)."""
    later = chunks[chunks.index(failed) + 1 :]
    if any(isinstance(_read_chunk(chunk, ctx), Reading) for chunk in later):
        return True
    atoms = [a.strip(" ,") for a in _SOFT_SPLIT.split(failed)[0::2]]
    return len(atoms) > 1 and any(isinstance(_read_clause(a, ctx), Reading) for a in atoms if a)


def _is_addressee(word: str, snapshot: MenuSnapshot) -> bool:
    """A name, not a word of the menu or a day ("Halloween: closing at 6" names the day it is about)."""
    resolver = resolver_for(snapshot)
    if word in _NOT_NAMES or singular(word) in resolver.vocabulary or resolver.near(singular(word)):
        return False
    return not find_days(word, date(2000, 1, 1))[0]


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
        referred = refer_back(parts, ctx, _read_clause)  # "chili dogs, 86 em"; "frito pie back on, now 7.50"
        if referred is not None:
            again = _read_parts(referred, ctx, None)
            if isinstance(again, Reading):
                return again
    # A question a reader must ask ("which section?") is not a story to trim off ("add x 9.99 to brunch").
    asks = isinstance(outcome, Problem) and outcome.kind == "ambiguous" and outcome.weight >= 3
    if not isinstance(outcome, Reading) and not asks:
        told = without_story(chunk, ctx, _read_clause)  # "closing at three today short staffed"
        if told is not None:
            return told
        cause = _CAUSE.search(chunk)  # "out of blueberries so 86 the blueberry pancakes": the cause, then it
        if cause is not None:
            effect = _read_chunk(chunk[cause.end() :], ctx)
            if isinstance(effect, Reading) and not isinstance(_read_clause(chunk[: cause.start()], ctx), Reading):
                return effect
        spoken = read_run_on(chunk, parts, ctx, _read_clause, _cover)  # "meatloaf sixteen pot roast 17.50"
        if spoken is not None:
            return spoken
    return outcome


_CAUSE = re.compile(r"(?<!day)(?<!daily)(?<!week)[\s,]+(?:so|but|and so|which means|meaning)\s+")


def _cover(atoms: list[str], clause, asides: list[bool] | None) -> Reading | None:  # type: ignore[no-untyped-def]
    """The clauses covering every atom (or skipping asides) with the fewest fuzzy item matches, then
    the fewest clauses; None when no such cover reads any command."""
    solved: dict[int, tuple[tuple[int, int, int], Reading] | None] = {len(atoms): ((0, 0, 0), Reading(()))}
    for i in range(len(atoms) - 1, -1, -1):
        solved[i] = None
        skip = solved[i + 1]
        if asides is not None and asides[i] and skip is not None:
            solved[i] = ((skip[0][0], skip[0][1] + 1, skip[0][2]), skip[1])  # skipping costs more than reading
        for j in range(len(atoms), i, -1):
            head, tail = clause(i, j), solved[j]
            if not isinstance(head, Reading) or tail is None:
                continue
            fuzzy = sum(1 for m in head.matches if not m.certain)
            score = (tail[0][0] + fuzzy, tail[0][1], tail[0][2] + 1)
            if solved[i] is None or score < solved[i][0]:  # type: ignore[index]
                both = Reading(
                    head.commands + tail[1].commands, head.matches + tail[1].matches, head.ask or tail[1].ask
                )
                solved[i] = (score, both)
    best = solved[0]
    return best[1] if best is not None and best[1].commands else None


def _aside(parts: list[str], k: int, ctx: Context) -> bool:
    """An atom set off by a comma or "!" (not "and": "86 pot roast and lobster" lists), of two or more
    words, saying nothing the reader could act on."""
    atom = parts[2 * k].strip(" ,")
    before = parts[2 * k - 1] if k > 0 else ","
    after = parts[2 * k + 1] if 2 * k + 1 < len(parts) else ","
    set_off = any(ch in before for ch in ",!?-") and any(ch in after for ch in ",!?-")
    if not set_off:
        return False
    return lone_aside(atom) if len(atom.split()) == 1 else neutral(atom, ctx)


def _read_parts(parts: list[str], ctx: Context, whole: Outcome) -> Reading | Problem | None:
    atoms = parts[0::2]
    memo: dict[tuple[int, int], Outcome] = {}
    if whole is not None:
        memo[(0, len(atoms))] = whole

    def clause(i: int, j: int) -> Outcome:
        if (i, j) not in memo:
            text = trim_fillers("".join(parts[2 * i : 2 * j - 1]).strip(" ,"))
            memo[(i, j)] = _read_clause(text, ctx) if text else None
        return memo[(i, j)]

    found = _cover(atoms, clause, None)
    if (found is None or found.fuzzy) and len(atoms) > 1:
        # "86 the reuben, ran out of rye": an aside between commands (no item, number, day) is skipped.
        asides = [_aside(parts, k, ctx) for k in range(len(atoms))]
        skipping = _cover(atoms, clause, asides) if any(asides) else None
        if skipping is not None and (found is None or len(skipping.matches) and not skipping.fuzzy):
            found = skipping
    if found is not None:
        return found
    problems = [o for o in memo.values() if isinstance(o, Problem)]
    first = clause(0, len(atoms))
    if isinstance(first, Problem):
        problems.insert(0, first)
    if not problems:
        return None
    return max(problems, key=lambda p: p.weight)
