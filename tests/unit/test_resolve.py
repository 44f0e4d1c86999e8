"""Item resolution tiers, never guessing, and reuse of the index across menu versions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from diner_agent.commands.resolve import Ambiguous, Match, Unknown, resolver_for
from tests.menus import blue_plate, demo_diner


@pytest.mark.parametrize(
    ("phrase", "name", "how"),
    [
        ("Coffee", "Coffee", "exact"),
        ("tater tot", "Tater Tots", "exact"),  # plural folded
        ("joe", "Coffee", "alias"),
        ("mac n cheese", "Mac and Cheese", "exact"),  # "n" and "and" fold alike
        ("bacon", "Side of Bacon", "alias"),  # an alias beats the word shared with Bacon Cheeseburger
        ("waffle", "Belgian Waffle", "word"),
        ("cofee", "Coffee", "fuzzy"),
        ("reuban", "Reuben", "fuzzy"),
    ],
)
def test_tiers(phrase, name, how):
    result = resolver_for(blue_plate()).resolve(phrase)
    assert isinstance(result, Match) and result.item.name == name and result.how == how


def test_shared_words_are_ambiguous_and_list_the_candidates():
    result = resolver_for(blue_plate()).resolve("pie")
    assert isinstance(result, Ambiguous)
    assert {c.name for c in result.candidates} == {"Key Lime Pie", "Pecan Pie"}


def test_unknown_items_are_not_guessed_but_hint_the_closest():
    assert isinstance(resolver_for(blue_plate()).resolve("lobster"), Unknown)
    hinted = resolver_for(blue_plate()).resolve("lemonade slushie")
    assert isinstance(hinted, Unknown) and hinted.suggestion.name == "Lemonade"


def test_everything_is_never_an_item():
    result = resolver_for(demo_diner()).resolve("everything")
    assert isinstance(result, Unknown) and result.everything


def test_a_new_version_with_new_prices_answers_with_the_new_items():
    first = blue_plate()
    coffee = first.item_named("Coffee")
    moved = replace(
        first,
        tenant=replace(first.tenant, version=first.tenant.version + 1),
        items=tuple(replace(i, price_cents=999) if i.id == coffee.id else i for i in first.items),
    )
    old, new = resolver_for(first), resolver_for(moved)
    assert old.resolve("coffee").item.price_cents == 250
    assert new.resolve("coffee").item.price_cents == 999
    assert {c.price_cents for c in new.resolve("pie").candidates} == {495}
    assert new.vocabulary is old.vocabulary  # the index was reused, not rebuilt
