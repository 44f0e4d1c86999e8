"""A text the reader cannot read fully is offered to a model when one is configured: a text with no
command shape, and a partial reading (some clauses read, some not). What comes back is always confirmed;
with no model, or none that helps, a partial reading is never applied without a YES."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from diner_agent.commands import grammar
from diner_agent.commands import understand as understand_module
from diner_agent.commands.language_model import LlmReading, LlmUnavailable
from diner_agent.commands.llm_parse import LlmParser
from diner_agent.commands.model import ToggleAvailable, UpdatePrice
from diner_agent.commands.understand import understand
from tests.menus import blue_plate

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("America/New_York"))


class Reader:
    """An LlmReader that answers with a fixed model reply (JSON), run through the real validation."""

    def __init__(self, answer: str | None) -> None:
        self.answer = answer
        self.texts: list[str] = []

    def read(self, text, snapshot, now, *, deadline=None) -> LlmReading:
        self.texts.append(text)
        if self.answer is None:
            raise LlmUnavailable("no provider")
        return LlmParser(lambda *_: self.answer).read(text, snapshot, now)


BOTH = (
    '{"commands": [{"action": "toggle_available", "target": "reuben", "value": false},'
    ' {"action": "update_price", "target": "pecan pie", "value": "6.00"}]}'
)


@pytest.mark.parametrize("text", ["86 the reuben, pie 6", "coffee 2.75 and lobster 9", "86 the pie and coffee 3"])
def test_a_partial_reading_may_ask_a_model(text):
    assert grammar.read(text, blue_plate(), NOW).incomplete
    without = understand(text, blue_plate(), NOW)
    assert without.model_may_help and not without.commands
    reader = Reader(BOTH)
    meaning = understand(text, blue_plate(), NOW, llm=reader)
    assert reader.texts == [text]
    assert meaning.source == "llm" and meaning.needs_confirmation and "llm" in meaning.reasons
    assert [c.target for c in meaning.commands] == ["Reuben", "Pecan Pie"]


@pytest.mark.parametrize("text", ["pie 6", "86 lobster", "86 the reuben", "coffee 2.75, tots 4"])
def test_a_text_read_whole_never_asks_a_model(text):
    reader = Reader(BOTH)
    meaning = understand(text, blue_plate(), NOW, llm=reader)
    assert reader.texts == [] and not meaning.model_may_help


def test_a_partial_reading_with_commands_is_confirmed_when_no_model_reads_it(monkeypatch):
    """The reader may hand back what it did read of a text; that is offered, never applied, and a model
    configured but failing changes nothing about it."""
    partial = grammar.GrammarResult(
        commands=(ToggleAvailable(target="Reuben", value=False),),
        partial=(grammar.Unread("do the thing with the pie", "unread"),),
    )
    monkeypatch.setattr(understand_module.grammar, "read", lambda text, snapshot, now: partial)
    text = "86 the reuben and do the thing with the pie"
    alone = understand(text, blue_plate(), NOW)
    assert alone.needs_confirmation and "partial" in alone.reasons and alone.model_may_help
    assert [c.target for c in alone.commands] == ["Reuben"]
    failing = understand(text, blue_plate(), NOW, llm=Reader(None))
    assert failing.needs_confirmation and failing.source == "grammar" and failing.commands == alone.commands
    helped = understand(text, blue_plate(), NOW, llm=Reader(BOTH))
    assert helped.source == "llm" and helped.needs_confirmation
    assert helped.commands[1] == UpdatePrice(target="Pecan Pie", value="6.00")
