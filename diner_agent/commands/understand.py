"""From a text to the commands it means: the grammar first, an LLM only for what the grammar cannot
read fully (nothing of it, or only part of it), and the apply-or-ask policy (DESIGN 3.4)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from diner_agent.commands import grammar, passed_times
from diner_agent.commands.channel_text import plain
from diner_agent.commands.grammar.assembly import Unread
from diner_agent.commands.grammar.menu_questions import answer_question
from diner_agent.commands.item_words import singular
from diner_agent.commands.language_model import LlmOverBudget, LlmRateLimited, LlmReader, LlmUnavailable
from diner_agent.commands.model import CHANGE_ACTIONS, MENU_EDIT_ACTIONS, Command, UpdatePrice
from diner_agent.commands.money import to_cents_str
from diner_agent.commands.questions import answer, answer_about, is_question
from diner_agent.commands.replies import NOT_UNDERSTOOD
from diner_agent.commands.resolve import resolver_for
from diner_agent.menu.records import MenuSnapshot

LARGE_CHANGE = 0.5  # a price moving by more than half is confirmed first
MANY_CHANGES = 5  # more changes than this in one text are confirmed first

Source = Literal["grammar", "llm", "none"]


@dataclass(frozen=True)
class Understanding:
    text: str
    source: Source
    commands: tuple[Command, ...] = ()
    needs_confirmation: bool = False
    reply: str | None = None  # the question or explanation when there are no commands
    reasons: tuple[str, ...] = field(default_factory=tuple)  # why confirmation is needed
    model_may_help: bool = False  # the grammar could not read the text fully: an LLM could be asked
    # Sentences the grammar did not read whole, each with why (proposed / unread / negated / conditional):
    # the signal of a partial reading (docs/reader.md). With commands and a "proposed" or "unread" entry,
    # the commands are only a proposed reading: `needs_confirmation` with the reason "partial".
    partial: tuple[Unread, ...] = ()

    def contract(self) -> dict:
        """The first four keys of the DESIGN 4.2 parse output (the caller adds `reply`)."""
        return {
            "text": self.text,
            "source": self.source,
            "needs_confirmation": self.needs_confirmation,
            "commands": [c.contract() for c in self.commands],
        }


_WORDS = re.compile(r"[^\W\d_]{2,}")


def _worth_a_model(text: str) -> bool:
    """A model is asked only when there are words to read: emoji, numbers or a single word carry nothing
    a model could add."""
    return len(_WORDS.findall(text)) >= 2


def confirmation_reasons(
    commands: tuple[Command, ...], snapshot: MenuSnapshot, *, source: Source, fuzzy: bool
) -> tuple[str, ...]:
    reasons = []
    if source == "llm":
        reasons.append("llm")
    if fuzzy:
        reasons.append("fuzzy")
    for cmd in commands:
        if isinstance(cmd, UpdatePrice):
            item = snapshot.item_named(cmd.target)
            if item is not None and item.price_cents > 0:
                change = abs(to_cents_str(cmd.value) - item.price_cents) / item.price_cents
                if change > LARGE_CHANGE:
                    reasons.append("large")
                    break
    if any(c.action in MENU_EDIT_ACTIONS for c in commands):
        reasons.append("menu_edit")  # adding, renaming, removing: always asked about with YES
    if sum(1 for c in commands if c.action in CHANGE_ACTIONS) > MANY_CHANGES:
        reasons.append("many")
    return tuple(reasons)


# "oj 4.25?? no. 3.95": the "?" doubts a value the next words correct; the whole is one change.
_CORRECTED = re.compile(r"\s*(?:no|nope|nah|wait|actually|make (?:it|that)|scratch that|i mean|sorry)\b", re.I)
_ASKED = re.compile(r"(?:[^.!?\n]|\.(?=\d))*\?+(?=\s|$)")


def _without_questions(text: str) -> str:
    """The text without its sentences that end in "?" ahead of others (the last one is `is_question`'s)."""
    body = text.rstrip()
    if "?" not in body.rstrip("?"):
        return text
    # A polite request keeps its "?" ("can you make the western 11.75? thx"): it tells, it does not ask.
    return _ASKED.sub(lambda m: m.group(0) if not is_question(m.group(0)) else " ", body).strip()


_DANGLING_ARROW = re.compile(r"(?:->|=>|\u2192|-&gt;)\s*$")
# A full stop inside what was said as one sentence, as speech recognizers write them ("Eighty six. The
# walleye sandwich.", "We ran out of the. Chicken pasties"): between two words, not after a number.
_FALSE_STOP = re.compile(r"(?<=[a-z])\.[ \t]+(?=[a-z])", re.IGNORECASE)
# An aside in parentheses: "cheese curds 86 (fryer 2 is dead)", "halibut 26.95 (dock price went up)".
_ASIDE = re.compile(r"\s*\([^()]{1,80}\)")


# "pie prices:\n- apple 5.95\n- cherry 6.25": a header naming the kind of item each line is about.
_HEADER = re.compile(
    r"(?:^|(?<=[\s,.!]))(?:new\s+)?(?P<head>[a-z]{3,})(?:\s+(?:prices?|price changes?|going up))?\s*:\s*\n", re.I
)
_LINE_ITEM = re.compile(
    r"^(?P<lead>\s*(?:[-*\u2022]\s*)?)(?P<item>[a-z][a-z' &]*?)\s+(?P<rest>\$?\d[^\n]*)$", re.IGNORECASE | re.MULTILINE
)


def _under_header(text: str, snapshot: MenuSnapshot) -> str:
    """Each line under a header that is a word of the menu ("pies:", "shake prices:") said with it."""
    header = _HEADER.search(text)
    if header is None:
        return text
    head = singular(header.group("head").lower())
    if head not in resolver_for(snapshot).vocabulary:
        return text  # "weekend hours:", "update:": not a kind of item
    body = _LINE_ITEM.sub(
        lambda m: f"{m.group('lead')}{m.group('item')} {head} {m.group('rest')}", text[header.end() :]
    )
    return f"{text[: header.start()].rstrip()}\n{body}".strip()


def _read_again(
    text: str, result: grammar.GrammarResult, snapshot: MenuSnapshot, now: datetime
) -> grammar.GrammarResult:
    """A text that did not read whole, read once more without a recognizer's mid-sentence full stops and
    without asides in parentheses; that reading is used only when it reads whole."""
    again = _under_header(_ASIDE.sub(" ", _FALSE_STOP.sub(" ", text)).strip(), snapshot)
    if again == text or not again:
        return result
    second = grammar.read(again, snapshot, now)
    return second if second.commands and not second.incomplete else result


def understand(
    text: str,
    snapshot: MenuSnapshot,
    now: datetime,
    *,
    llm: LlmReader | None = None,
    deadline: float | None = None,
) -> Understanding:
    """Never raises for any text. `llm` is consulted for any text the grammar could not read fully: one
    with no command shape at all, and a partial reading (some clauses read, some not). Not for a text
    read whole whose item is unclear ("pie 6": which pie?): that is a question for the owner."""
    asked = answer_question(text, snapshot, now)  # "what's 86'd?", "are we open christmas?"
    if asked is not None:
        return Understanding(text, "grammar", reply=asked)
    if _DANGLING_ARROW.search(text):  # "cherry cheesecake 8.95 ->": the new value was never typed
        return Understanding(text, "grammar", reply="The new value after the arrow is missing. Nothing changed.")
    result = grammar.read(text, snapshot, now)
    if (not result.commands or result.incomplete) and (". " in text or "(" in text or ":\n" in text):
        result = _read_again(text, result, snapshot, now)
    if any(c.action in CHANGE_ACTIONS for c in result.commands) and is_question(text):
        return Understanding(text, "grammar", reply=answer(result.commands, snapshot, now))
    # A quote replied to is not a sentence of this message; the channel pass (which the grammar ran once
    # already) is only worth running again when there can be a "?" in it (an entity may spell one).
    flat = plain(text) if "?" in text or "&" in text else text
    told = _without_questions(flat)
    if told != flat and not _CORRECTED.match(told) and any(c.action in CHANGE_ACTIONS for c in result.commands):
        # "po'boy sold out? customer's asking": the sentence asked is no command; the rest is read alone.
        whole, result = result, grammar.read(told, snapshot, now)
        if not any(c.action in CHANGE_ACTIONS for c in result.commands):
            return Understanding(text, "grammar", reply=answer(whole.commands, snapshot, now))
    if result.commands and not result.incomplete:
        return _grammar_reading(text, result, snapshot, now, ())
    problem = result.problem
    if problem is None and not result.commands and is_question(text):
        known = answer_about(text, snapshot, now)  # "how much is the coffee?": no model needed
        if known is not None:
            return Understanding(text, "grammar", reply=known)
    worth_asking = (problem is None or result.incomplete) and _worth_a_model(text)
    if llm is not None and worth_asking:
        try:
            reading = llm.read(text, snapshot, now, deadline=deadline)
        except LlmRateLimited as exc:
            wait = max(1, math.ceil(exc.retry_after))
            return Understanding(
                text,
                "none",
                reply=(
                    f"I'm reading a lot of free-form texts right now; try again in {wait}s, or use a simple "
                    "command like '86 meatloaf' or 'coffee 2.75'."
                ),
            )
        except LlmOverBudget as exc:
            return Understanding(text, "none", reply=over_budget(exc.period))
        except LlmUnavailable:
            reading = None
        if reading is not None and reading.commands:
            changes = tuple(c for c in reading.commands if c.action in CHANGE_ACTIONS)
            if changes:
                reasons = confirmation_reasons(changes, snapshot, source="llm", fuzzy=False)
                return Understanding(text, "llm", changes, True, None, reasons)
        if reading is not None and reading.problem and not result.commands:
            return Understanding(text, "llm", reply=reading.problem)
    may_help = llm is None and worth_asking
    if result.commands:  # read in part, and no model read it better: what was read, asked about first
        return _grammar_reading(text, result, snapshot, now, ("partial",), model_may_help=may_help)
    if problem is not None:
        return Understanding(text, "grammar", reply=problem.message, model_may_help=may_help, partial=result.partial)
    return Understanding(text, "none", reply=NOT_UNDERSTOOD, model_may_help=may_help)


def _grammar_reading(
    text: str,
    result: grammar.GrammarResult,
    snapshot: MenuSnapshot,
    now: datetime,
    given: tuple[str, ...],
    *,
    model_may_help: bool = False,
) -> Understanding:
    """The grammar's commands with the apply-or-ask policy, times already gone asked about (passed_times)."""
    commands, assumed = passed_times.review(
        text, result.commands, snapshot, now, lambda when: grammar.read(text, snapshot, when).commands
    )
    reasons = given + confirmation_reasons(commands, snapshot, source="grammar", fuzzy=result.fuzzy) + assumed
    note = partial_note(result.partial) if "partial" in given else None
    return Understanding(text, "grammar", commands, bool(reasons), note, reasons, model_may_help, result.partial)


def partial_note(partial: tuple[Unread, ...]) -> str:
    """What a partial reading left out, for the question that proposes it."""
    left = [u.text for u in partial if u.why != "proposed"]
    guessed = [u.text for u in partial if u.why == "proposed"]
    if left:
        return "I did not understand: " + "; ".join(f'"{t[:40]}"' for t in left[:2]) + "."
    return "I was not sure about: " + "; ".join(f'"{t[:40]}"' for t in guessed[:2]) + "."


def over_budget(period: str) -> str:
    """The owner's reply when the diner's AI budget is spent: what is paused, until when, what still works."""
    until = "tomorrow" if period == "day" else "next month"
    return f"Free-form reading is paused until {until}; commands like '86 meatloaf' still work."
