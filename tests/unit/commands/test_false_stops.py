"""Full stops a speech recognizer puts inside one sentence ("Eighty six. The tuna melt."): a text that does
not read is read once more without them (understand._read_again), and that reading is used only when it
reads whole. With a context sentence added around such a text the second reading may not read whole; then
nothing is applied without asking (a known limit, docs/reader.md), never a wrong change."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from diner_agent.commands.understand import understand
from tests.menus import blue_plate

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("America/New_York"))


def _read(text: str):
    result = understand(text, blue_plate(), NOW)
    return [(c.action, c.target, c.value) for c in result.commands], result.needs_confirmation


def test_a_sentence_broken_by_full_stops_reads_as_one():
    assert _read("Eighty six. The tuna melt.") == ([("toggle_available", "Tuna Melt", False)], False)
    assert _read("reuben. Thirteen. Fifty") == ([("update_price", "Reuben", "13.50")], False)


def test_a_full_stop_before_a_new_line_is_a_sentence_end():
    assert _read("Eighty six. The tuna melt.\nthanks") == ([("toggle_available", "Tuna Melt", False)], False)


@pytest.mark.parametrize(
    "text", ["appreciate it, Eighty six. The tuna melt.", "ran out of buns, reuben. Thirteen. Fifty"]
)
def test_with_context_around_it_nothing_wrong_is_applied(text):
    commands, asked = _read(text)
    wanted = {("toggle_available", "Tuna Melt", False), ("update_price", "Reuben", "13.50")}
    assert asked or set(commands) <= wanted
