"""Which chat messages run as commands: grammar commands and sure command problems, never questions."""

from __future__ import annotations

import pytest

from diner_agent.commands.chat.command_or_question import is_command
from diner_agent.commands.questions import is_question
from tests.fakes.clock import DEFAULT_START
from tests.menus import blue_plate


@pytest.mark.parametrize(
    "text",
    [
        "86 the reuben",
        "coffee 3.25",
        "close at 2 today",
        "can you 86 the reuben?",
        "could you 86 the reuben",
        "yes",
        "NO",
        "UNDO",
        "undo?",
        "MENU",
        "86 the pie",  # ambiguous: the service asks which pie
        "86 the fish",  # not on the menu: the service says so
    ],
)
def test_commands_go_to_the_command_service(text):
    assert is_command(text, blue_plate(), DEFAULT_START)


@pytest.mark.parametrize(
    "text",
    [
        "are we closed today?",  # the grammar alone reads this as closing today
        "do we close at 3 today?",  # ...and this as new hours
        "is the reuben sold out?",
        "can we close at 2 today?",
        "reuben is back?",
        "which items are sold out?",
        "Write a sign for the pie special",
        "hello",
        "",
        "86 the reuben " + "please " * 100,  # longer than the grammar reads
    ],
)
def test_questions_and_chatter_go_to_the_assistant(text):
    assert not is_command(text, blue_plate(), DEFAULT_START)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("What's sold out?", True),
        ("what\u2019s sold out", True),
        ("is coffee 3.25", True),
        ("coffee 3.25?", True),
        ("would you 86 the reuben?", False),
        ("please can you 86 the reuben?", False),
        ("will we be open sunday", True),
        ("86 the reuben", False),
        ("   ", False),
    ],
)
def test_is_question(text, question):
    assert is_question(text) is question
