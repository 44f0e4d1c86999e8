"""Sold out until when: "86 the soup till tomorrow", "86 meatloaf for today", "out of pie until monday",
"86 liver for good", and a bare "86 X" by the diner's `sold_out_until` rule.

Wraps the availability reader rather than changing it: the time phrase at the end of the clause is read
here (grammar/until.py) and cut off, what is left is read as any availability clause, and every
sold-out command it yields carries the end. A text that brings items back ignores the phrase
("pie is back for today" is simply back).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from diner_agent.commands.grammar.common import Context, Outcome, Reading
from diner_agent.commands.grammar.until import trailing_until
from diner_agent.commands.model import ToggleAvailable
from diner_agent.menu.hours import next_opening
from diner_agent.menu.records import MenuSnapshot

Parser = Callable[[str, Context], Outcome]


def _with_until(reading: Reading, until: datetime | None, *, at_next_open: bool = False) -> Reading:
    update = {"until": until, "at_next_open": at_next_open and until is not None}
    commands = tuple(
        c.model_copy(update=update) if isinstance(c, ToggleAvailable) and c.value is False else c
        for c in reading.commands
    )
    return Reading(commands, reading.matches)


def _sold_out(reading: Reading) -> bool:
    return any(isinstance(c, ToggleAvailable) and c.value is False for c in reading.commands)


def default_until(snapshot: MenuSnapshot, now: datetime) -> datetime | None:
    """What a bare "86 X" means at this diner: back at the next opening, or off until someone says."""
    return next_opening(snapshot, now) if snapshot.tenant.sold_out_until == "next_open" else None


def with_until(availability: Parser) -> Parser:
    """The availability parser, reading when sold-out items come back."""

    def parse(clause: str, ctx: Context) -> Outcome:
        until = trailing_until(clause, ctx)
        if until is not None and until.rest.strip():
            outcome = availability(until.rest, ctx)
            if isinstance(outcome, Reading) and _sold_out(outcome):
                return _with_until(outcome, until.at, at_next_open=until.next_open)
        outcome = availability(clause, ctx)
        if isinstance(outcome, Reading) and _sold_out(outcome):
            return _with_until(outcome, default_until(ctx.snapshot, ctx.now), at_next_open=True)
        return outcome

    return parse
