"""Sentences asked ahead of others, "ok ty", and "both" over an exact name: what a text says of itself.
text does not end in "?"; what the other sentences tell is still read."""

from __future__ import annotations

import pytest

from tests.unit.hours.reading import read


@pytest.mark.parametrize(
    "text",
    [
        "reuben sold out? customer is asking",
        "is the reuben sold out? if so 86 the tuna melt too",
        "reuben 13? too much? let me think",
    ],
)
def test_a_question_sentence_changes_nothing(text):
    assert read(text) == ([], False)


def test_the_sentences_told_beside_a_question_are_still_read():
    commands, asked = read("86 the reuben. is the tuna melt sold out? customers asking")
    assert [(c["target"], c["value"]) for c in commands] == [("Reuben", False)] and not asked


def test_a_doubted_value_corrected_after_the_question_mark_is_one_change():
    commands, _ = read("reuben 14?? no. 13.50")
    assert [(c["target"], c["value"]) for c in commands] == [("Reuben", "13.50")]


def test_ok_with_thanks_acknowledges_and_confirms_nothing():
    from diner_agent.commands.grammar.keywords import keyword

    assert keyword("ok ty :+1:") is None and keyword("ok thanks!") is None
    assert keyword("ok").action == "confirm" and keyword("yes thanks").action == "confirm"


def test_both_takes_the_item_named_exactly_and_the_one_whose_name_holds_it():
    commands, _ = read("both cheeseburgers 13")
    assert sorted((c["target"], c["value"]) for c in commands) == [
        ("Bacon Cheeseburger", "13.00"),
        ("Cheeseburger", "13.00"),
    ]
    commands, _ = read("cheeseburger 13")
    assert [c["target"] for c in commands] == ["Cheeseburger"]
