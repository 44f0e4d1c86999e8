"""SMS length is counted in GSM-7 septets, as carriers bill it: one part holds 160, a part of a longer
text 153, and `€ [ ] { } ^ ~ | \\` take two each. Replies promise at most two parts (306 septets); letters
that GSM-7 lacks are transliterated, not dropped. The oracle is the gsm0338 codec, not our own table."""

from __future__ import annotations

import math

import gsm0338  # noqa: F401 (registers the "gsm03.38" codec)
from hypothesis import given, settings
from hypothesis import strategies as st

from diner_agent.commands import replies
from diner_agent.commands.replies import fit, menu_summary, to_gsm7
from tests.fakes.clock import FakeClock
from tests.fakes.menus import FakeMenus
from tests.menus import SAMPLE_TENANT


def parts(text: str) -> int:
    """How many SMS parts a GSM-7 text is sent as (the codec raises on anything GSM-7 cannot carry)."""
    n = len(text.encode("gsm03.38"))
    return 1 if n <= 160 else math.ceil(n / 153)


def test_a_reply_of_319_characters_with_brackets_and_euros_fits_two_parts():
    text = ("Soup [today] 4.50 EUR, pie {apple} 3.00 \u20ac; " * 10)[:319]
    assert len(text) == 319 and parts(text) == 3  # what a character budget used to let through
    out = fit(text)
    assert parts(out) <= 2 and len(out.encode("gsm03.38")) <= 306 and out.endswith("...")


def test_two_parts_hold_306_septets_not_320_characters():
    exact = "a" * 306
    assert fit(exact) == exact and parts(exact) == 2
    over = "a " * 153 + "b"  # 307 septets
    assert parts(fit(over)) == 2 and len(fit(over)) <= 306


def test_extension_characters_count_twice():
    assert replies.septets("a\u20ac[]{}^~|\\") == 1 + 2 * 9
    assert replies.septets("caf\u00e9 \u00f8 \u00df") == 8  # GSM-7 has these letters: one septet each
    assert replies.MAX_REPLY == 306


def test_letters_without_a_decomposition_are_transliterated_not_dropped():
    assert to_gsm7("\u0152ufs \u0142\u00f3d\u017a") == "Oeufs lodz"
    assert to_gsm7("Stra\u00dfe, sm\u00f8rrebr\u00f8d") == "Stra\u00dfe, sm\u00f8rrebr\u00f8d"  # in GSM-7 already
    assert to_gsm7("\u0110uro's \u0127ot dog") == "Duro's hot dog"
    assert to_gsm7("pie \U0001f967") == "pie "  # a symbol, not a letter: still dropped


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=700))
def test_every_fitted_reply_is_gsm7_and_at_most_two_parts(text):
    out = fit(text)
    assert parts(out) <= 2  # encodes, so only GSM-7 characters


def test_the_menu_summary_of_a_long_menu_fits_two_parts():
    menus = FakeMenus.loaded(FakeClock(frozen=True), SAMPLE_TENANT)
    snapshot = menus.snapshot("blue-plate")
    brackets = "[" + "\u20ac" * 6 + "]"
    long_names = tuple(
        item.__class__(item.id, f"{item.name} {brackets}", item.category, item.price_cents, True)
        for item in snapshot.items
    )
    big = snapshot.__class__(snapshot.tenant, long_names * 3, snapshot.weekly, snapshot.special)
    assert parts(menu_summary(big, "https://diner.example/menu/blue-plate")) <= 2
