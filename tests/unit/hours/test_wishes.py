"""Wishes and memories that mention times or prices are never changes."""

from __future__ import annotations

import pytest

from tests.unit.hours.reading import LUNCH, hours, read


@pytest.mark.parametrize(
    "text",
    [
        "I wish we closed at 3 on mondays",
        "we used to open at 5 on saturdays",
        "remember when we were open till 9 on fridays",
        "would be nice to close at noon on sundays",
        "i wish we were closed right now",
        "back when we closed at 1 every day",
    ],
)
def test_a_wish_or_a_memory_changes_nothing(text):
    commands, _ = read(text, LUNCH)
    assert commands == []


def test_a_memory_set_against_now_is_the_change():
    commands, _ = read("we used to close at 2 on mondays. now we close at 3 on mondays", LUNCH)
    assert commands == [hours(["mon"], None, "15:00")]


def test_a_wish_in_one_sentence_leaves_the_next_alone():
    commands, _ = read("I wish we closed at 2. close at 1 today", LUNCH)
    assert commands == [hours(["2026-10-13"], None, "13:00")]
