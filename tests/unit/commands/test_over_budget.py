"""Over its AI budget a diner's free-form texts get a clear reply, and commands still work."""

from __future__ import annotations

from diner_agent.commands.language_model import LlmOverBudget
from diner_agent.commands.understand import understand
from tests.menus import SAMPLE_TENANT, snapshot_from_file


class SpentReader:
    def __init__(self, period: str) -> None:
        self.period = period
        self.asked = 0

    def read(self, text, snapshot, now, *, deadline=None):
        self.asked += 1
        raise LlmOverBudget(self.period, 3600)


def test_free_form_reading_is_paused_with_a_clear_reply(clock):
    snapshot = snapshot_from_file(SAMPLE_TENANT, "blue-plate")
    reader = SpentReader("day")
    result = understand("hmm can we maybe do something about the pie situation", snapshot, clock.now(), llm=reader)
    assert reader.asked == 1 and result.commands == ()
    assert result.reply == "Free-form reading is paused until tomorrow; commands like '86 meatloaf' still work."
    monthly = understand("what should we do about the patio", snapshot, clock.now(), llm=SpentReader("month"))
    assert "paused until next month" in monthly.reply


def test_commands_never_ask_the_model(clock):
    snapshot = snapshot_from_file(SAMPLE_TENANT, "blue-plate")
    reader = SpentReader("day")
    result = understand("86 the reuben", snapshot, clock.now(), llm=reader)
    assert reader.asked == 0 and result.commands[0].action == "toggle_available"
