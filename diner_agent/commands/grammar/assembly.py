"""Commands assembled from a text's sentences, and what was left out of them and why.

A later command about the same item (or the same days) replaces an earlier one: "coffee 2.75, make it
2.85" is one new price, 2.85. Sentences not read whole are kept with the reason (`Unread.why`), so
callers can ask about a partial reading instead of guessing, and a model can be given exactly what the
grammar could not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from diner_agent.commands.grammar.common import Outcome, Problem, Reading
from diner_agent.commands.model import ChangeHours, Command
from diner_agent.commands.resolve import Match

# Problems that are a question for the owner whatever else the text says.
MAX_DAYS = 14  # ChangeHours.target's limit
ASK_FIRST = frozenset({"ambiguous", "invalid", "everything"})

Why = Literal["proposed", "unread", "negated", "conditional", "wish", "refused"]

_HELD = {
    "negated": "That reads as a change not to make, so nothing changed.",
    "conditional": "I only change things now, not 'if ...' or 'maybe'. Text me when it happens. Nothing changed.",
    "wish": "That reads as a wish or a memory, not a change to make, so nothing changed.",
    "refused": "That reads as a change someone decided against or put off, so nothing changed.",
}


@dataclass(frozen=True)
class Unread:
    """A sentence the grammar did not read whole: `why` says what became of it.

    proposed: its commands are a proposed reading (asked, never applied without a YES);
    unread: no reading at all; negated / conditional / wish ("I wish we closed at 2", "we used to open at
    5"): it reads as a change not to make now."""

    text: str
    why: Why


@dataclass(frozen=True)
class GrammarResult:
    """What the grammar made of a text: commands (all of it read), or a problem, or nothing at all."""

    commands: tuple[Command, ...] = ()
    matches: tuple[Match, ...] = ()
    problem: Problem | None = None
    partial: tuple[Unread, ...] = ()  # sentences not read whole: proposed, unread, negated, conditional
    read_some: bool = False  # no commands, but some other part of the text did read ("86 the reuben, pie 6")

    @property
    def incomplete(self) -> bool:
        """Not read fully: some sentence was only guessed at (proposed) or not read at all (unread). Such a
        text goes to a model when one is configured; without one, its commands are asked about first."""
        if any(u.why == "proposed" for u in self.partial):
            return True
        if not self.commands and self.partial and all(u.why in _HELD for u in self.partial):
            return True  # "can we maybe do something about the pie": held here, a model may read it
        return (bool(self.commands) or self.read_some) and any(u.why == "unread" for u in self.partial)

    @property
    def proposed(self) -> bool:
        """Commands that are only part of the text, or only a proposed reading of it: ask first."""
        return bool(self.commands) and self.incomplete

    @property
    def fuzzy(self) -> bool:
        return any(not m.certain for m in self.matches)

    @property
    def understood(self) -> bool:
        return bool(self.commands)


class Assembly:
    def __init__(self) -> None:
        self.commands: list[Command] = []
        self.matches: list[Match] = []
        self.partial: list[Unread] = []
        self.problems: list[Problem] = []
        self.read_some = False

    def leave(self, text: str, why: Why, outcome: Outcome = None) -> None:
        self.partial.append(Unread(text[:120], why))
        if isinstance(outcome, Problem):
            self.problems.append(outcome)

    def add(self, reading: Reading) -> None:
        by_name: dict[str, Match] = {}
        for m in reading.matches:  # an item matched twice keeps its least certain match: that one is asked
            if m.item.name not in by_name or not m.certain:
                by_name[m.item.name] = m
        for command in reading.commands:
            if isinstance(command, ChangeHours):
                command = self._narrow_hours(command)
                if command is None:
                    continue
            key = _key(command)
            for k, earlier in enumerate(self.commands):
                if _key(earlier) == key:
                    del self.commands[k]  # the later word about the same thing wins
                    break
            self.commands.append(command)
            match = by_name.get(command.target) if isinstance(command.target, str) else None
            if match is None:
                continue
            same = [k for k, m in enumerate(self.matches) if m.item.id == match.item.id]
            if not same:
                self.matches.append(match)
            elif not match.certain:
                self.matches[same[0]] = match

    def _narrow_hours(self, command: ChangeHours) -> ChangeHours | None:
        """Whole hours for days an earlier change also set: the change naming fewer days wins them ("weekend
        hours: sat 7-2, sun 7-3": Sunday is 7-3; "every day 6-2, sunday 8-1": Sunday is 8-1); as many
        days, the later word. The other change keeps its remaining days (None: it has none left)."""
        if not _whole(command):
            return command
        kept: list[Command] = []
        for earlier in self.commands:
            shared = set(earlier.target) & set(command.target) if isinstance(earlier, ChangeHours) else set()
            if not shared or earlier.target == command.target or _weekly(earlier) != _weekly(command):
                kept.append(earlier)
            elif len(command.target) > len(earlier.target):
                kept.append(earlier)
                command = command.model_copy(update={"target": [d for d in command.target if d not in shared]})
            elif left := [d for d in earlier.target if d not in shared]:
                kept.append(earlier.model_copy(update={"target": left}))
        self.commands = kept
        return command if command.target else None

    def withdraw(self, reading: Reading) -> None:
        """Take back what `reading` added: a later sentence decided against it."""
        self.commands = [c for c in self.commands if c not in reading.commands]

    def result(self) -> GrammarResult:
        partial = tuple(self.partial)
        if self.commands:
            return GrammarResult(_same_hours_together(self.commands), tuple(self.matches), partial=partial)
        if self.problems:
            problem = max(self.problems, key=lambda p: p.weight)
            return GrammarResult(problem=problem, partial=partial, read_some=self.read_some)
        held = [u.why for u in partial if u.why in _HELD]
        if held:
            return GrammarResult(problem=Problem(_HELD[held[0]], 3, "held"), partial=partial)
        return GrammarResult(partial=partial)


def _same_hours_together(commands: list[Command]) -> tuple[Command, ...]:
    """Days given the same hours on separate lines ("mondays: 6-14 / wednesdays: 6-14") as one change
    listing them, as the parse contract has it; weekly days and dates are never mixed in one."""
    out: list[Command] = []
    for command in commands:
        if isinstance(command, ChangeHours):
            weekly = _weekly(command)
            for k, earlier in enumerate(out):
                if not isinstance(earlier, ChangeHours) or earlier.value != command.value or _weekly(earlier) != weekly:
                    continue
                days = list(dict.fromkeys([*earlier.target, *command.target]))
                if len(days) <= MAX_DAYS:
                    out[k] = earlier.model_copy(update={"target": days})
                    break
            else:
                out.append(command)
        else:
            out.append(command)
    return tuple(out)


def _whole(command: ChangeHours) -> bool:
    """Hours that say all of the day: closed, or both an opening and a closing time."""
    value = command.value
    return value == "closed" or (value.open is not None and value.close is not None)


def _weekly(command: ChangeHours) -> bool:
    return all(len(day) == 3 for day in command.target)


def _key(command: Command) -> tuple:
    target = command.target
    if command.action == "change_hours":
        return (command.action, tuple(target or ()))
    if command.action in ("close_emergency", "reopen"):
        return ("closure",)
    return (command.action, target)
