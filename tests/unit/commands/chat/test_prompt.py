"""The system prompt states the diner's live state: prices, sold-out items, hours with exceptions, closures."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from diner_agent.commands.chat.prompt import system_prompt
from diner_agent.menu.records import ClosureInfo
from tests.fakes.clock import DEFAULT_START
from tests.menus import blue_plate


def test_the_prompt_lists_items_with_prices_and_sold_out_marks():
    snapshot = blue_plate()
    reuben = snapshot.item_named("Reuben")
    items = tuple(dataclasses.replace(i, available=False) if i is reuben else i for i in snapshot.items)
    prompt = system_prompt(dataclasses.replace(snapshot, items=items), DEFAULT_START)
    assert "- Reuben [Lunch]: $12.50 - SOLD OUT" in prompt
    assert "- Coffee [Drinks]: $2.50\n" in prompt
    assert "sold out now: Reuben" in prompt
    assert "Now: Thursday 2026-11-26 10am" in prompt and "Open right now: yes." in prompt


def test_the_prompt_spells_out_the_next_days_with_special_hours_and_a_closure():
    snapshot = dataclasses.replace(
        blue_plate(),
        special={date(2026, 11, 27): ()},
        closures=(ClosureInfo(1, "burst pipe", DEFAULT_START - timedelta(hours=1), None),),
    )
    prompt = system_prompt(snapshot, DEFAULT_START)
    assert "- Tomorrow 2026-11-27: closed (special hours)" in prompt
    assert "- Sat 2026-11-28: 8am-9pm" in prompt
    assert "EMERGENCY CLOSURE" in prompt and "Reason: burst pipe." in prompt
    assert "Open right now: no." in prompt and "until the owner reopens" in prompt
    assert "Next scheduled opening" not in prompt  # an open-ended closure has no scheduled end


def test_after_hours_the_prompt_names_the_next_opening():
    prompt = system_prompt(blue_plate(), DEFAULT_START + timedelta(hours=8))  # Thursday 6pm
    assert "Open right now: no." in prompt and "Next scheduled opening: Fri 2026-11-27 7am." in prompt


def test_the_prompt_states_the_refusals_and_how_changes_are_made():
    prompt = system_prompt(blue_plate(), DEFAULT_START)
    assert "do not take customer orders" in prompt
    assert "financial" in prompt and "personal information" in prompt
    assert "You cannot change anything yourself" in prompt and '"86 coffee"' in prompt
