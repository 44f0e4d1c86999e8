"""Spoken transcripts and message structure: run-on lists, self-corrections, several items in one
clause, lines as sentences, sound-alike item names and joined numbers. Made-up examples on the Blue
Plate menu; each test is one kind of phrasing, not one sentence."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from diner_agent.commands.understand import understand
from tests.menus import blue_plate

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("America/New_York"))


def read(text: str) -> tuple[list[tuple], bool]:
    """The commands (action, target, value) and whether they are asked before being applied."""
    meaning = understand(text, blue_plate(), NOW)
    return [(c.action, c.target, getattr(c, "value", None)) for c in meaning.commands], meaning.needs_confirmation


def price(item: str, value: str) -> tuple:
    return ("update_price", item, value)


def off(item: str) -> tuple:
    return ("toggle_available", item, False)


def on(item: str) -> tuple:
    return ("toggle_available", item, True)


# ------------------------------------------------------------------ lines as sentences
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("price updates\nreuben 13.25\niced tea 3.10", [price("Reuben", "13.25"), price("Iced Tea", "3.10")]),
        ("new prices\ntots 4\npot roast 16.50", [price("Tater Tots", "4.00"), price("Pot Roast", "16.50")]),
    ],
)
def test_a_plain_header_line_frames_the_list_under_it(text, expected):
    assert read(text) == (expected, False)


def test_a_line_the_reader_cannot_read_no_longer_hides_the_others():
    commands, asked = read("reuben 13.25\ntuna melt 11\ncall the freezer guy back at 3")
    assert commands == [price("Reuben", "13.25"), price("Tuna Melt", "11.00")] and asked


def test_a_correction_line_belongs_to_the_line_before():
    commands, asked = read("86 the pecan pie\noops i mean the key lime")
    assert off("Pecan Pie") not in commands


# ------------------------------------------------------------------ run-on sentences (transcripts)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "okay reuben fourteen pot roast sixteen fifty tuna melt eleven",
            [price("Reuben", "14.00"), price("Pot Roast", "16.50"), price("Tuna Melt", "11.00")],
        ),
        (
            "the reuben is thirteen the tuna melt is eleven fifty and the tots are sold out",
            [price("Reuben", "13.00"), price("Tuna Melt", "11.50"), off("Tater Tots")],
        ),
        (
            "86 the pot roast the reuben's back and coffee is two seventy five",
            [off("Pot Roast"), on("Reuben"), price("Coffee", "2.75")],
        ),
        (
            "grill's busted so no cheeseburger no reuben no tuna melt",
            [off("Cheeseburger"), off("Reuben"), off("Tuna Melt")],
        ),
        ("we got no more lemonade the dispenser is leaking", [off("Lemonade")]),
    ],
)
def test_a_run_on_transcript_is_cut_at_its_item_mentions(text, expected):
    assert read(text) == (expected, False)


@pytest.mark.parametrize(
    "text",
    [
        "shrimp tacos 9",  # a dish not on the menu whose name ends in a menu word
        "the smoked reuben is out",
        "we only got three pecan pies left",
        "customer said coffee is highway robbery",
        "86 the reuben and lobster bisque",  # a list goes on past "and": an item not on the menu
    ],
)
def test_a_word_next_to_a_mention_is_part_of_its_name_not_a_story_to_skip(text):
    commands, asked = read(text)
    assert not commands or asked


# ------------------------------------------------------------------ self-repairs
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the reuben fourteen no wait thirteen fifty", [price("Reuben", "13.50")]),
        ("tots four no four twenty five yeah four twenty five", [price("Tater Tots", "4.25")]),
        ("set the tuna melt at 11 scratch that 10.75", [price("Tuna Melt", "10.75")]),
        ("pot roast sixteen sorry sixteen fifty", [price("Pot Roast", "16.50")]),
        ("86 the pecan pie wait no the key lime pie", [off("Key Lime Pie")]),
        ("the tuna melt no the reuben thirteen", [price("Reuben", "13.00")]),
        ("86 the tots uh no sorry the side salad", [off("Side Salad")]),
        (
            "the side salad is five the side the side of bacon is four",
            [price("Side Salad", "5.00"), price("Side of Bacon", "4.00")],
        ),
    ],
)
def test_a_spoken_self_repair_replaces_what_it_takes_back(text, expected):
    assert read(text) == (expected, False)


def test_a_bare_no_before_an_item_is_sold_out_not_a_repair():
    assert read("no tots no reuben") == ([off("Tater Tots"), off("Reuben")], False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "vanilla milkshake five the strawberry one five fifty",
            [price("Vanilla Milkshake", "5.00"), price("Strawberry Milkshake", "5.50")],
        ),
        (
            "the cheeseburger is 12 and the bacon one is thirteen fifty",
            [price("Cheeseburger", "12.00"), price("Bacon Cheeseburger", "13.50")],
        ),
    ],
)
def test_the_x_one_stands_for_the_item_of_that_kind(text, expected):
    assert read(text) == (expected, False)


# ------------------------------------------------------------------ spoken and split numbers
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tots 3 25", [price("Tater Tots", "3.25")]),
        ("the reuben is 13 75 now", [price("Reuben", "13.75")]),
        ("the pot roast 16 . 25", [price("Pot Roast", "16.25")]),
        ("tater tots four and a quarter", [price("Tater Tots", "4.25")]),
        ("lemonade three dollars and three quarters", [price("Lemonade", "3.75")]),
        ("tots 3 and a half", [price("Tater Tots", "3.50")]),
    ],
)
def test_a_price_said_as_two_numbers_or_with_a_fraction(text, expected):
    assert read(text) == (expected, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lemonade went up to for twenty five", [price("Lemonade", "4.25")]),
        ("tots too seventy five", [price("Tater Tots", "2.75")]),
    ],
)
def test_a_homophone_before_a_number_of_cents_is_the_number(text, expected):
    assert read(text) == (expected, False)


def test_two_numbers_where_hours_are_spoken_of_are_a_time():
    commands, _ = read("open 6 45 to 2 on sunday")
    assert commands[0][1] == ["sun"] and commands[0][2].open == "06:45"


# ------------------------------------------------------------------ recognizer errors: proposed, never applied
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("denver amulet eleven fifty", [price("Denver Omelet", "11.50")]),
        ("86 the pot rose", [off("Pot Roast")]),
        ("peach gobbler is back", [on("Peach Cobbler")]),
        ("the reuben ate ninety nine", [price("Reuben", "8.99")]),
        ("cheeseburger 1225", [price("Cheeseburger", "12.25")]),
    ],
)
def test_a_misheard_item_or_number_is_asked_with_the_proposed_reading(text, expected):
    assert read(text) == (expected, True)


@pytest.mark.parametrize(
    "text",
    [
        "cheeseburger 7000",  # 70.00 is no price for it: numbers heard together stay near the item's price
        "no bread till noon",  # a lone word that sounds like a menu word is not that item
        "all the denver stuff is out",
    ],
)
def test_a_sound_alike_needs_the_whole_name_and_a_plausible_price(text):
    commands, _ = read(text)
    assert not any(c[1] == "Cheeseburger" and c[2] == "70.00" for c in commands)
    assert ("toggle_available", "Denver Omelet", False) not in commands or "denver" in text


def test_hours_read_line_by_line_are_asked_since_a_header_may_have_dated_them():
    commands, asked = read("for the holiday weekend:\nsat 8-1\nsun closed")
    assert commands and asked


# ------------------------------------------------------------------ spoken lead-ins and list markers
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi this is dana over at blue plate the reuben is thirteen now", [price("Reuben", "13.00")]),
        (
            "okay so couple things reuben thirteen and tots four",
            [price("Reuben", "13.00"), price("Tater Tots", "4.00")],
        ),
        (
            "first thing the reuben's thirteen second thing 86 the pot roast and third we close at 2 today",
            [price("Reuben", "13.00"), off("Pot Roast")],
        ),
    ],
)
def test_a_caller_frames_the_call_and_numbers_the_changes(text, expected):
    commands, asked = read(text)
    assert commands[: len(expected)] == expected and not asked


# ------------------------------------------------------------------ equipment and suppliers are not the dish
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("86 the reuben, reuben guy is late", [off("Reuben")]),
        ("the waffle iron's broken so no belgian waffle", [off("Belgian Waffle")]),
        ("milkshake machine's busted, 86 the vanilla milkshake", [off("Vanilla Milkshake")]),
    ],
)
def test_a_menu_word_before_an_equipment_noun_is_a_story_not_an_item(text, expected):
    assert read(text) == (expected, False)


# ------------------------------------------------------------------ an item said to stay as it is
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("make the cheeseburger 12.50 and the reuben stays the same", [price("Cheeseburger", "12.50")]),
        ("86 the tots but the reuben is still fine", [off("Tater Tots")]),
        ("86 the tots keep the side salad", [off("Tater Tots")]),
        (
            "the reuben is 13 the tuna melt is 11 no wait the tuna melt stays the same just the reuben",
            [price("Reuben", "13.00")],
        ),
    ],
)
def test_an_item_said_to_stay_as_it_is_changes_nothing(text, expected):
    assert read(text) == (expected, False)


def test_an_item_changed_and_then_said_to_be_fine_is_never_applied_as_changed():
    commands, asked = read("86 tots and reuben. wait reuben is fine just tots")
    assert off("Reuben") not in commands or asked
